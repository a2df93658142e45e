package io.busgate.bus.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Test helper: reads what is written to a topic from the moment it is created on, over all the
 * topic's partitions, without joining a consumer group.
 */
public final class TopicTail implements AutoCloseable {

	private final KafkaConsumer<String, byte[]> consumer;

	private TopicTail(String bootstrapServers, String topic) {
		this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ConsumerConfig.CLIENT_ID_CONFIG, "topic-tail-" + UUID.randomUUID()), new StringDeserializer(),
				new ByteArrayDeserializer());
		List<TopicPartition> partitions = this.consumer.partitionsFor(topic)
			.stream()
			.map((info) -> new TopicPartition(topic, info.partition()))
			.toList();
		this.consumer.assign(partitions);
		this.consumer.seekToEnd(partitions);
		// Resolve the end offsets now, so nothing written after this constructor is missed.
		partitions.forEach(this.consumer::position);
	}

	/** Tails an existing topic from its current end. */
	public static TopicTail atEnd(String bootstrapServers, String topic) {
		return new TopicTail(bootstrapServers, topic);
	}

	/** The records that arrive within {@code timeout}. */
	public List<ConsumerRecord<String, byte[]>> poll(Duration timeout) {
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		this.consumer.poll(timeout).forEach(records::add);
		return records;
	}

	/**
	 * The first {@code count} records to arrive, or fewer if {@code timeout} passes first: for
	 * records known to be on their way, without betting on how soon the next poll brings them.
	 */
	public List<ConsumerRecord<String, byte[]>> take(int count, Duration timeout) {
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (records.size() < count && System.nanoTime() < deadline) {
			records.addAll(poll(Duration.ofMillis(100)));
		}
		return records;
	}

	/** The records that arrive until the topic stays quiet for {@code quiet}. */
	public List<ConsumerRecord<String, byte[]>> drain(Duration quiet) {
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		int before;
		do {
			before = records.size();
			records.addAll(poll(quiet));
		}
		while (records.size() > before);
		return records;
	}

	@Override
	public void close() {
		this.consumer.close(Duration.ofSeconds(1));
	}

}

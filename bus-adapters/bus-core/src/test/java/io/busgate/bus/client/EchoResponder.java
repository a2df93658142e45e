package io.busgate.bus.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.WakeupException;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;

/**
 * Answers every request on a topic with {@code "echo <key>"} per key, the records of each poll in
 * reverse order, so that replies never come in the order their requests were sent.
 */
final class EchoResponder implements AutoCloseable {

	private final BusCodec codec = new BusCodec();

	private final KafkaConsumer<String, byte[]> consumer;

	private final KafkaProducer<String, byte[]> producer;

	private final Thread thread;

	EchoResponder(Map<String, Object> brokers, String topic) {
		Map<String, Object> consumerConfig = new HashMap<>(brokers);
		consumerConfig.putAll(BusClientDefaults.consumer());
		consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "echo-" + UUID.randomUUID());
		consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		this.consumer = new KafkaConsumer<>(consumerConfig);
		this.consumer.subscribe(List.of(topic));
		Map<String, Object> producerConfig = new HashMap<>(brokers);
		producerConfig.putAll(BusClientDefaults.producer());
		this.producer = new KafkaProducer<>(producerConfig);
		this.thread = new Thread(this::answer, "echo-responder");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void answer() {
		try {
			while (true) {
				List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
				this.consumer.poll(Duration.ofMillis(100)).forEach(records::add);
				Collections.reverse(records);
				for (ConsumerRecord<String, byte[]> record : records) {
					BusRequest request = this.codec.readRequest(record);
					List<Object> items = request.keys().stream().map((key) -> (Object) ("echo " + key)).toList();
					this.producer.send(this.codec.replyRecord(request.headers(),
							BusReply.ok(request.headers().correlationId(), items)));
				}
			}
		}
		catch (WakeupException ex) {
			// closing
		}
		finally {
			this.consumer.close(Duration.ofSeconds(1));
		}
	}

	@Override
	public void close() {
		this.consumer.wakeup();
		try {
			this.thread.join(5_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.producer.close(Duration.ofSeconds(1));
	}

}

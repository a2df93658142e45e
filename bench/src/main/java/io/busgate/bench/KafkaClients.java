package io.busgate.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import io.busgate.bus.BusClientDefaults;

/**
 * The asking side of request/reply over Kafka, as a gateway does it, with the bus's client
 * settings: sends request records keyed by their correlation id and completes each with the
 * record of the same key on its reply topic, which it reads by assignment from the end. Replies
 * complete on its reader thread.
 */
final class Requester implements AutoCloseable {

	private static final Duration POLL = Duration.ofMillis(100);

	private final Duration timeout;

	private final KafkaProducer<String, byte[]> requests;

	private final KafkaConsumer<String, byte[]> replies;

	private final Map<String, CompletableFuture<ConsumerRecord<String, byte[]>>> pending = new ConcurrentHashMap<>();

	private final AtomicLong correlationIds = new AtomicLong();

	private final Thread replyThread;

	private volatile boolean running = true;

	/**
	 * @param replyTopic an existing topic of one partition
	 * @param name names the reader thread
	 */
	Requester(String bootstrapServers, String replyTopic, Duration timeout, String name) {
		this.timeout = timeout;
		this.requests = new KafkaProducer<>(producerConfig(bootstrapServers));
		this.replies = new KafkaConsumer<>(consumerConfig(bootstrapServers, Map.of()));
		List<TopicPartition> replyPartitions = List.of(new TopicPartition(replyTopic, 0));
		this.replies.assign(replyPartitions);
		this.replies.seekToEnd(replyPartitions);
		replyPartitions.forEach(this.replies::position);
		this.replyThread = new Thread(this::readReplies, name + "-replies");
		this.replyThread.setDaemon(true);
		this.replyThread.start();
	}

	/** A correlation id not used before by this requester. */
	String nextCorrelationId() {
		return Long.toString(this.correlationIds.incrementAndGet());
	}

	/** Sends a request keyed by its correlation id; completes with its reply record. */
	CompletableFuture<ConsumerRecord<String, byte[]>> send(ProducerRecord<String, byte[]> request) {
		String correlationId = request.key();
		CompletableFuture<ConsumerRecord<String, byte[]>> reply = new CompletableFuture<>();
		this.pending.put(correlationId, reply);
		reply.whenComplete((answered, ex) -> this.pending.remove(correlationId));
		this.requests.send(request, (metadata, ex) -> {
			if (ex != null) {
				reply.completeExceptionally(ex);
			}
		});
		return reply;
	}

	private void readReplies() {
		try {
			while (this.running) {
				for (ConsumerRecord<String, byte[]> record : this.replies.poll(POLL)) {
					CompletableFuture<ConsumerRecord<String, byte[]>> reply = this.pending.get(record.key());
					if (reply != null) {
						reply.complete(record);
					}
				}
			}
		}
		catch (WakeupException ex) {
			// closing
		}
	}

	/** The bus's producer settings, for this broker. */
	static Map<String, Object> producerConfig(String bootstrapServers) {
		Map<String, Object> config = new HashMap<>(BusClientDefaults.producer());
		config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		return config;
	}

	/** The bus's consumer settings, for this broker, with {@code extra} added. */
	static Map<String, Object> consumerConfig(String bootstrapServers, Map<String, Object> extra) {
		Map<String, Object> config = new HashMap<>(BusClientDefaults.consumer());
		config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		config.putAll(extra);
		return config;
	}

	/** Waits for a Kafka client's answer, at most {@code timeout}. */
	static <T> T await(Future<T> future, Duration timeout) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Kafka did not answer within " + timeout.toMillis() + " ms", ex);
		}
	}

	@Override
	public void close() {
		this.running = false;
		this.replies.wakeup();
		try {
			this.replyThread.join(this.timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.replies.close(Duration.ofSeconds(1));
		this.requests.close(Duration.ofSeconds(1));
	}

}

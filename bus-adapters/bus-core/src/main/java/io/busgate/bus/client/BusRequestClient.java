package io.busgate.bus.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;

/**
 * The asking side of request/reply over plain Kafka clients: sends request records with one
 * shared producer and completes each with the reply of the same {@code bus-correlation-id} on
 * the caller's own reply topic, or fails it with a {@link ReplyTimeoutException} at its
 * {@code bus-deadline}. The reply topic is read by assignment, with no consumer group, on one
 * thread of its own: every partition the topic has when the client is made, from its end, and
 * positioned there before the constructor returns, so no reply to a request sent afterwards can be
 * missed. Replies nobody waits for (late, or for someone else) are ignored.
 *
 * <p>Futures complete on the reader thread (or the timeout thread): keep what runs there short.
 *
 * <p>For programs and tools. The gateway sends through Spring Kafka and reads its replies with
 * listener containers; it shares {@link PendingReplies} (see bus-core's README).
 */
public final class BusRequestClient implements AutoCloseable {

	private static final Duration POLL = Duration.ofMillis(100);

	private static final Duration TOPIC_WAIT = Duration.ofSeconds(30);

	private final String replyTopic;

	private final BusCodec codec = new BusCodec();

	private final PendingReplies<ConsumerRecord<String, byte[]>> pending;

	private final KafkaProducer<String, byte[]> producer;

	private final KafkaConsumer<String, byte[]> consumer;

	private final Thread reader;

	private final AtomicBoolean closed = new AtomicBoolean();

	/**
	 * Connects and starts reading the reply topic from its end.
	 * @param clientProperties what every Kafka client of the caller starts from (brokers,
	 * security); the bus's settings ({@link BusClientDefaults}) are applied on top
	 * @param replyTopic an existing topic that only this client reads replies from, e.g.
	 * {@code BusTopics.replayReplies(run)}
	 * @param maxPending most requests waiting for their reply at once; beyond that a request
	 * fails at once with a {@link RejectedExecutionException}
	 * @throws IllegalArgumentException if the reply topic is not there
	 */
	public BusRequestClient(Map<String, Object> clientProperties, String replyTopic, int maxPending) {
		this.replyTopic = replyTopic;
		this.pending = new PendingReplies<>(maxPending);
		this.producer = new KafkaProducer<>(withDefaults(clientProperties, BusClientDefaults.producer()));
		this.consumer = new KafkaConsumer<>(withDefaults(clientProperties, BusClientDefaults.consumer()));
		try {
			List<TopicPartition> partitions = partitionsOf(replyTopic);
			this.consumer.assign(partitions);
			this.consumer.seekToEnd(partitions);
			// Resolve the end offsets now: a reply written after this constructor is never missed.
			partitions.forEach(this.consumer::position);
		}
		catch (RuntimeException ex) {
			this.consumer.close(Duration.ZERO);
			this.producer.close(Duration.ZERO);
			this.pending.close();
			throw ex;
		}
		this.reader = new Thread(this::readReplies, "bus-replies-" + replyTopic);
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/** The topic this client's requests must name in {@code bus-reply-to}. */
	public String replyTopic() {
		return this.replyTopic;
	}

	/**
	 * Sends a request to its operation's service topic ({@code <service>.requests}).
	 * @param request headers naming this client's reply topic
	 * @return the reply; fails with a {@link ReplyTimeoutException} at the request's deadline,
	 * with a {@code BusContractException} when the reply cannot be decoded, or with the producer's
	 * exception when the request cannot be sent
	 */
	public CompletableFuture<BusReply> request(BusRequest request) {
		return decoded(send(this.codec.requestRecord(request), request.headers().deadline()));
	}

	/** Sends a request to the given topic, e.g. a canary copy of a service's request topic. */
	public CompletableFuture<BusReply> request(BusRequest request, String topic) {
		return decoded(send(this.codec.requestRecord(request, topic), request.headers().deadline()));
	}

	/**
	 * Sends a replay of a recorded request to the given topic ({@code bus-replay-of} names the
	 * original, see {@link BusCodec#replayRecord}).
	 */
	public CompletableFuture<BusReply> replay(BusRequest request, String topic, String replayOf) {
		return decoded(send(this.codec.replayRecord(request, topic, replayOf), request.headers().deadline()));
	}

	/**
	 * Sends a request record as it is and completes with its reply record, undecoded.
	 * @param record a record with the bus's request headers, its {@code bus-reply-to} this
	 * client's reply topic
	 * @param deadline when to stop waiting
	 * @throws IllegalArgumentException if the record has no correlation id or another reply topic
	 */
	public CompletableFuture<ConsumerRecord<String, byte[]>> send(ProducerRecord<String, byte[]> record,
			Instant deadline) {
		String correlationId = header(record, BusHeaders.CORRELATION_ID);
		if (correlationId == null) {
			throw new IllegalArgumentException("a request record needs a " + BusHeaders.CORRELATION_ID + " header");
		}
		if (!this.replyTopic.equals(header(record, BusHeaders.REPLY_TO))) {
			throw new IllegalArgumentException("request " + correlationId + " asks for its reply on "
					+ header(record, BusHeaders.REPLY_TO) + ", this client reads " + this.replyTopic);
		}
		CompletableFuture<ConsumerRecord<String, byte[]>> reply;
		try {
			Duration timeout = Duration.between(Instant.now(), deadline);
			reply = this.pending.register(correlationId, timeout.isNegative() ? Duration.ZERO : timeout);
		}
		catch (RejectedExecutionException | IllegalStateException refused) {
			return CompletableFuture.failedFuture(refused);
		}
		try {
			this.producer.send(record, (metadata, failure) -> {
				if (failure != null) {
					this.pending.fail(correlationId, failure);
				}
			});
		}
		catch (RuntimeException ex) {
			this.pending.fail(correlationId, ex);
		}
		return reply;
	}

	/** Requests waiting for their reply right now. */
	public int pendingCount() {
		return this.pending.size();
	}

	private CompletableFuture<BusReply> decoded(CompletableFuture<ConsumerRecord<String, byte[]>> reply) {
		return reply.thenApply(this.codec::readReply);
	}

	private void readReplies() {
		try {
			while (!this.closed.get()) {
				for (ConsumerRecord<String, byte[]> record : this.consumer.poll(POLL)) {
					Header correlationId = record.headers().lastHeader(BusHeaders.CORRELATION_ID);
					if (correlationId != null && correlationId.value() != null) {
						this.pending.complete(new String(correlationId.value(), StandardCharsets.UTF_8), record);
					}
				}
			}
		}
		catch (WakeupException ex) {
			// closing
		}
		catch (RuntimeException ex) {
			// No reply can come any more: fail what waits now rather than at each deadline.
			this.pending.close();
		}
		finally {
			this.consumer.close(Duration.ofSeconds(1));
		}
	}

	private List<TopicPartition> partitionsOf(String topic) {
		// A topic created a moment ago may not be in every broker's metadata yet.
		long deadline = System.nanoTime() + TOPIC_WAIT.toNanos();
		while (true) {
			List<TopicPartition> partitions = this.consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			if (!partitions.isEmpty()) {
				return partitions;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalArgumentException("reply topic " + topic + " does not exist; create it first");
			}
			LockSupport.parkNanos(POLL.toNanos());
		}
	}

	private static Map<String, Object> withDefaults(Map<String, Object> properties, Map<String, Object> defaults) {
		Map<String, Object> config = new HashMap<>(properties);
		config.putAll(defaults);
		return config;
	}

	private static String header(ProducerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	/**
	 * Stops reading replies, fails the requests still waiting with an
	 * {@link IllegalStateException}, and closes the Kafka clients (the consumer on its reader
	 * thread, the only one that uses it).
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.consumer.wakeup();
		try {
			this.reader.join(POLL.multipliedBy(50).toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.pending.close();
		this.producer.close(Duration.ofSeconds(1));
	}

}

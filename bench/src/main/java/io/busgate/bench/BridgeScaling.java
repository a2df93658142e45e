package io.busgate.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;
import io.busgate.bus.BusContractException;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.RequestHeaders;

/**
 * Scenario 6, bridge scaling: user bridges of the benchmark's own, each working on at most
 * {@code maxInFlight} calls at once (as a bridge's share of a backend's capacity would bound it),
 * consume a request topic of their own in a group of their own, and the benchmark puts
 * {@code user.getUsers} requests on it directly and reads the replies, like a gateway. The
 * stack's own user bridge, which serves the gateway's requests, is not involved, nor is the
 * gateway: what is compared is one bridge against two.
 */
final class BridgeScaling implements AutoCloseable {

	private static final int REQUEST_PARTITIONS = 6;

	private static final Duration POLL = Duration.ofMillis(100);

	private static final String OPERATION = "user.getUsers";

	private final SystemUnderTest stack;

	private final Duration timeout;

	private final String requestTopic;

	private final String group;

	private final String replyTopic;

	private final BusCodec codec = new BusCodec();

	private final Admin admin;

	private final KafkaProducer<String, byte[]> requests;

	private final KafkaConsumer<String, byte[]> replies;

	private final Map<String, CompletableFuture<BusReply>> pending = new ConcurrentHashMap<>();

	private final AtomicLong correlationIds = new AtomicLong();

	private final Thread replyThread;

	private volatile boolean running = true;

	BridgeScaling(SystemUnderTest stack, Duration timeout) {
		this.stack = stack;
		this.timeout = timeout;
		String run = UUID.randomUUID().toString().substring(0, 8);
		this.requestTopic = "bench-scaling-" + run + ".requests";
		this.group = "bench-scaling-" + run + "-bridge";
		// A reply topic by the contract's naming, which bridges check, as if of a gateway named so.
		this.replyTopic = BusTopics.replies("bench-scaling-" + run);
		this.admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
		get(this.admin.createTopics(List.of(new NewTopic(this.requestTopic, REQUEST_PARTITIONS, (short) 1),
				new NewTopic(this.replyTopic, 1, (short) 1)))
			.all());
		Map<String, Object> producer = new HashMap<>(BusClientDefaults.producer());
		producer.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
		this.requests = new KafkaProducer<>(producer);
		Map<String, Object> consumer = new HashMap<>(BusClientDefaults.consumer());
		consumer.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
		this.replies = new KafkaConsumer<>(consumer);
		List<TopicPartition> replyPartitions = List.of(new TopicPartition(this.replyTopic, 0));
		this.replies.assign(replyPartitions);
		this.replies.seekToEnd(replyPartitions);
		replyPartitions.forEach(this.replies::position);
		this.replyThread = new Thread(this::readReplies, "bench-scaling-replies");
		this.replyThread.setDaemon(true);
		this.replyThread.start();
	}

	/**
	 * Starts a user bridge on this scenario's topic and group, at most {@code maxInFlight} calls at
	 * once. The topic is new and only this scenario's: its bridges read it from the start, so that
	 * no request sent while the group first positions itself is skipped.
	 */
	SystemUnderTest.ExtraBridge startBridge(int maxInFlight) {
		return this.stack.startUserBridge("--busgate.bridge.request-topic=" + this.requestTopic,
				"--busgate.bridge.group-id=" + this.group, "--busgate.bridge.max-in-flight=" + maxInFlight,
				"--spring.kafka.consumer.auto-offset-reset=earliest");
	}

	/** This scenario's consumer group, whose members are the bridges started here. */
	String group() {
		return this.group;
	}

	/**
	 * Keeps {@code window} requests in flight for the warm-up and then the measured
	 * {@code duration}; measures the requests sent within the measured time.
	 */
	Figures closed(String scenario, int window, Duration warmup, Duration duration, ProcessMeter meter) {
		LatencyRecorder recorder = new LatencyRecorder();
		long measureFrom = System.nanoTime() + warmup.toNanos();
		long end = measureFrom + duration.toNanos();
		CountDownLatch done = new CountDownLatch(window);
		for (int i = 0; i < window; i++) {
			keepSending(recorder, measureFrom, end, done);
		}
		LockSupport.parkNanos(measureFrom - System.nanoTime());
		ProcessMeter.CpuWindow cpu = meter.start();
		LockSupport.parkNanos(end - System.nanoTime());
		Map<String, Double> cpuPercent = cpu.stop();
		try {
			if (!done.await(this.timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("requests of " + scenario + " still unanswered after the timeout");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while measuring", ex);
		}
		return recorder.figures(scenario, duration, cpuPercent);
	}

	private void keepSending(LatencyRecorder recorder, long measureFrom, long end, CountDownLatch done) {
		long sent = System.nanoTime();
		send().orTimeout(this.timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((reply, ex) -> {
			if (sent >= measureFrom) {
				if (ex != null) {
					recorder.failed("no reply within " + this.timeout.toMillis() + " ms: " + ex);
				}
				else if (!reply.isOk()) {
					recorder.failed(reply.status().code() + ": " + reply.errorMessage());
				}
				else {
					recorder.answered(System.nanoTime() - sent);
				}
			}
			if (System.nanoTime() < end) {
				keepSending(recorder, measureFrom, end, done);
			}
			else {
				done.countDown();
			}
		});
	}

	private CompletableFuture<BusReply> send() {
		String correlationId = Long.toString(this.correlationIds.incrementAndGet());
		CompletableFuture<BusReply> reply = new CompletableFuture<>();
		this.pending.put(correlationId, reply);
		reply.whenComplete((answered, ex) -> this.pending.remove(correlationId));
		String userId = Integer.toString(ThreadLocalRandom.current().nextInt(1, 1_001));
		RequestHeaders headers = new RequestHeaders(correlationId, OPERATION, this.replyTopic,
				Instant.now().plus(this.timeout), null);
		this.requests.send(this.codec.requestRecord(new BusRequest(headers, List.of(userId), Map.of()), this.requestTopic),
				(metadata, ex) -> {
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
					try {
						BusReply reply = this.codec.readReply(record);
						CompletableFuture<BusReply> waiting = this.pending.get(reply.correlationId());
						if (waiting != null) {
							waiting.complete(reply);
						}
					}
					catch (BusContractException ex) {
						CompletableFuture<BusReply> waiting = this.pending.get(record.key());
						if (waiting != null) {
							waiting.completeExceptionally(ex);
						}
					}
				}
			}
		}
		catch (WakeupException ex) {
			// closing
		}
	}

	private <T> T get(KafkaFuture<T> future) {
		try {
			return future.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Kafka did not answer within " + this.timeout.toMillis() + " ms", ex);
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
		this.admin.deleteTopics(List.of(this.requestTopic, BusTopics.deadLetter(this.requestTopic), this.replyTopic));
		this.admin.close(Duration.ofSeconds(5));
	}

}

package io.busgate.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import io.busgate.bus.BusCodec;
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

	private static final String OPERATION = "user.getUsers";

	private final SystemUnderTest stack;

	private final Duration timeout;

	private final String requestTopic;

	private final String group;

	private final String replyTopic;

	private final BusCodec codec = new BusCodec();

	private final Admin admin;

	private final Requester requester;

	BridgeScaling(SystemUnderTest stack, Duration timeout) {
		this.stack = stack;
		this.timeout = timeout;
		String run = UUID.randomUUID().toString().substring(0, 8);
		this.requestTopic = "bench-scaling-" + run + ".requests";
		this.group = "bench-scaling-" + run + "-bridge";
		// A reply topic by the contract's naming, which bridges check, as if of a gateway named so.
		this.replyTopic = BusTopics.replies("bench-scaling-" + run);
		this.admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
		Requester.await(this.admin.createTopics(List.of(new NewTopic(this.requestTopic, REQUEST_PARTITIONS, (short) 1),
				new NewTopic(this.replyTopic, 1, (short) 1)))
			.all(), timeout);
		this.requester = new Requester(stack.bootstrapServers(), this.replyTopic, timeout, "bench-scaling");
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

	/** A reply whose value cannot be decoded fails its request. */
	private CompletableFuture<BusReply> send() {
		String userId = Integer.toString(ThreadLocalRandom.current().nextInt(1, 1_001));
		RequestHeaders headers = new RequestHeaders(this.requester.nextCorrelationId(), OPERATION, this.replyTopic,
				Instant.now().plus(this.timeout), null);
		return this.requester
			.send(this.codec.requestRecord(new BusRequest(headers, List.of(userId), Map.of()), this.requestTopic))
			.thenApply(this.codec::readReply);
	}

	@Override
	public void close() {
		this.requester.close();
		this.admin.deleteTopics(List.of(this.requestTopic, BusTopics.deadLetter(this.requestTopic), this.replyTopic));
		this.admin.close(Duration.ofSeconds(5));
	}

}

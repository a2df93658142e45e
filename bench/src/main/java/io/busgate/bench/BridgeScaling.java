package io.busgate.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.client.BusRequestClient;

/**
 * Scenario 6, bridge scaling: user bridges of the benchmark's own, each working on at most
 * {@code maxInFlight} calls at once (as a bridge's share of a backend's capacity would bound it),
 * consume a request topic of their own in a group of their own, and the benchmark puts
 * {@code user.getUsers} requests on it directly and reads the replies, like a gateway. The
 * stack's own user bridge, which serves the gateway's requests, is not involved, nor is the
 * gateway: what is compared is one bridge against two, the scaling of a consumer group. So the
 * bridges do not coalesce records into one backend call, which would compare something else.
 * The user service is slowed down meanwhile, so that the backend's time, not the CPU, is what one
 * bridge is bound by.
 */
final class BridgeScaling implements AutoCloseable {

	private static final int REQUEST_PARTITIONS = 6;

	private static final String OPERATION = "user.getUsers";

	/** The benchmark's own user bridges, by number, in the CPU figures. */
	private static final String BRIDGE = "scaling user-bridge ";

	/** A revision without coalescing ignores the setting, as Spring does any unknown property. */
	private static final String NO_COALESCING = "--busgate.bridge.coalescing.enabled=false";

	private static final Duration GROUP_POLL = Duration.ofMillis(100);

	/** Not the bound: the scenario's concurrency is. */
	private static final int MAX_PENDING = 100_000;

	private final SystemUnderTest stack;

	private final Duration timeout;

	private final String requestTopic;

	private final String group;

	private final String replyTopic;

	private final Admin admin;

	private final BusRequestClient requester;

	BridgeScaling(SystemUnderTest stack, Duration timeout) {
		this.stack = stack;
		this.timeout = timeout;
		String run = UUID.randomUUID().toString().substring(0, 8);
		this.requestTopic = "bench-scaling-" + run + ".requests";
		this.group = "bench-scaling-" + run + "-bridge";
		// A reply topic by the contract's naming, which bridges check, as if of a gateway named so.
		this.replyTopic = BusTopics.replies("bench-scaling-" + run);
		this.admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
		KafkaClients.await(this.admin.createTopics(List.of(new NewTopic(this.requestTopic, REQUEST_PARTITIONS, (short) 1),
				new NewTopic(this.replyTopic, 1, (short) 1)))
			.all(), timeout);
		this.requester = new BusRequestClient(KafkaClients.brokers(stack.bootstrapServers()), this.replyTopic,
				MAX_PENDING);
	}

	/**
	 * Two bridges, both started cold and warmed up until their throughput stops rising, then
	 * measured (6b); then one of them stopped and the other measured alone (6a).
	 */
	static List<Measurement> run(BenchRun run) {
		BenchSettings settings = run.settings();
		String setup = settings.backendDelay().toMillis() + " ms backend, " + settings.scalingConcurrency()
				+ " in flight, bridges at most " + settings.scalingMaxInFlight() + " call(s) at once";
		String two = "6b bridges: user.getUsers records, " + setup + ", 2 bridges";
		String one = "6a bridges: user.getUsers records, " + setup + ", 1 bridge";
		run.queries().slowDownUserService(settings.backendDelay());
		try (BridgeScaling scaling = new BridgeScaling(run.stack(), settings.requestTimeout());
				SystemUnderTest.ExtraBridge first = scaling.startBridge(settings.scalingMaxInFlight());
				SystemUnderTest.ExtraBridge second = scaling.startBridge(settings.scalingMaxInFlight())) {
			first.process().ifPresent((process) -> run.meter().add(BRIDGE + "1", process));
			second.process().ifPresent((process) -> run.meter().add(BRIDGE + "2", process));
			scaling.awaitMembers(2, run);
			settings.warmUp()
				.untilSteady("6 warm-up of the 2 bridges",
						(window) -> scaling.closed("6 warm-up", settings.scalingConcurrency(), Duration.ZERO, window, 1,
								run.meter()).summary(),
						run);
			Measurement twoBridges = run.report(scaling.closed(two, settings.scalingConcurrency(),
					settings.scalingWarmup(), settings.scalingDuration(), settings.runs(), run.meter()));
			second.close();
			run.meter().remove(BRIDGE + "2");
			scaling.awaitMembers(1, run);
			Measurement oneBridge = run.report(scaling.closed(one, settings.scalingConcurrency(),
					settings.scalingWarmup(), settings.scalingDuration(), settings.runs(), run.meter()));
			run.meter().remove(BRIDGE + "1");
			return List.of(oneBridge, twoBridges);
		}
		finally {
			run.queries().slowDownUserService(Duration.ZERO);
		}
	}

	/**
	 * Starts a user bridge on this scenario's topic and group, at most {@code maxInFlight} calls at
	 * once. The topic is new and only this scenario's: its bridges read it from the start, so that
	 * no request sent while the group first positions itself is skipped.
	 */
	SystemUnderTest.ExtraBridge startBridge(int maxInFlight) {
		return this.stack.startUserBridge("--busgate.bridge.request-topic=" + this.requestTopic,
				"--busgate.bridge.group-id=" + this.group, "--busgate.bridge.max-in-flight=" + maxInFlight,
				"--spring.kafka.consumer.auto-offset-reset=earliest", NO_COALESCING);
	}

	/** Waits until this scenario's group has {@code count} members, each with partitions. */
	private void awaitMembers(int count, BenchRun run) {
		long start = System.nanoTime();
		long deadline = start + run.settings().bridgeJoinTimeout().toNanos();
		while (true) {
			ConsumerGroupDescription description = describeGroup();
			Collection<MemberDescription> members = (description != null) ? description.members() : List.of();
			if (description != null && description.groupState() == GroupState.STABLE && members.size() == count
					&& members.stream().noneMatch((member) -> member.assignment().topicPartitions().isEmpty())) {
				run.say("6 %s: %d members with partitions after %.1f s", this.group, count,
						(System.nanoTime() - start) / 1e9);
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(this.group + " did not get " + count + " members with partitions within "
						+ run.settings().bridgeJoinTimeout().toSeconds() + " s: " + description);
			}
			LockSupport.parkNanos(GROUP_POLL.toNanos());
		}
	}

	/** The group's description, or {@code null} while it does not exist (no member has joined yet). */
	private ConsumerGroupDescription describeGroup() {
		try {
			return KafkaClients.await(this.admin.describeConsumerGroups(List.of(this.group)).describedGroups().get(this.group),
					this.timeout);
		}
		catch (IllegalStateException ex) {
			if (ex.getCause() instanceof ExecutionException failed && failed.getCause() instanceof GroupIdNotFoundException) {
				return null;
			}
			throw ex;
		}
	}

	/**
	 * Keeps {@code window} requests in flight through the warm-up and then {@code runs}
	 * consecutive windows of {@code duration}; a request counts in the window it was sent in.
	 */
	Measurement closed(String scenario, int window, Duration warmup, Duration duration, int runs, ProcessMeter meter) {
		Windows windows = new Windows(scenario, warmup, duration, runs);
		CompletableFuture<List<Map<String, Double>>> cpu = windows.measureCpu(meter);
		CountDownLatch done = new CountDownLatch(window);
		for (int i = 0; i < window; i++) {
			keepSending(windows, done);
		}
		List<Map<String, Double>> cpuPercent = cpu.join();
		try {
			if (!done.await(this.timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("requests of " + scenario + " still unanswered after the timeout");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while measuring", ex);
		}
		return windows.measurement(cpuPercent);
	}

	private void keepSending(Windows windows, CountDownLatch done) {
		long sent = System.nanoTime();
		send().whenComplete((reply, ex) -> {
			LatencyRecorder recorder = windows.at(sent);
			if (recorder != null) {
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
			if (System.nanoTime() < windows.end()) {
				keepSending(windows, done);
			}
			else {
				done.countDown();
			}
		});
	}

	/** Fails at the request's deadline, or when its reply cannot be decoded. */
	private CompletableFuture<BusReply> send() {
		String userId = Integer.toString(ThreadLocalRandom.current().nextInt(1, 1_001));
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), OPERATION, this.replyTopic,
				Instant.now().plus(this.timeout), null);
		return this.requester.request(new BusRequest(headers, List.of(userId), Map.of()), this.requestTopic);
	}

	@Override
	public void close() {
		this.requester.close();
		this.admin.deleteTopics(List.of(this.requestTopic, BusTopics.deadLetter(this.requestTopic), this.replyTopic));
		this.admin.close(Duration.ofSeconds(5));
	}

}

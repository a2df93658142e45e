package io.busgate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.header.Header;

import io.busgate.bench.Results.Machine;
import io.busgate.bench.Results.OpenStep;
import io.busgate.bench.Results.Target;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusTopics;
import io.busgate.bus.test.TopicTail;

/**
 * Runs the scenarios against a launched stack, in order, and checks the targets:
 * <ol>
 * <li>the floor: raw Kafka request/reply ({@link KafkaFloor}), sequential and pipelined;</li>
 * <li>the user service called directly, sequential and concurrent;</li>
 * <li>the bus: one client, sequential {@code getUser} queries through the gateway;</li>
 * <li>the bus under an open model, stepped up to the highest sustained rate;</li>
 * <li>an N+1 query (one fetch per item of 100), its records per level and its latency;</li>
 * <li>a backend slowed down by 10 ms per call, with one and with two user bridges;</li>
 * <li>start-up (launch to first answered query) and each process's resident memory.</li>
 * </ol>
 */
final class Benchmark {

	private static final String GET_USER = "query($id: ID!) { getUser(id: $id) { id name } }";

	private static final String N_PLUS_ONE = "query($n: Int!) { getUsers(pageSize: $n) { id friends(pageSize: 1) { id } } }";

	private static final int USERS = 10_000;

	private static final String LOAD_GENERATOR = "bench (load generator)";

	/** The benchmark's own user bridges of scenario 6, by number. */
	private static final String SCALING_BRIDGE = "scaling user-bridge ";

	private static final Duration STARTUP_LIMIT = Duration.ofMinutes(10);

	private static final Duration FIRST_ANSWER_POLL = Duration.ofMillis(100);

	private static final Pattern FRIENDS = Pattern.compile("\"friends\":");

	private static final double MAX_LATENCY_ABOVE_FLOOR_MS = 1.5;

	private static final int MIN_SUSTAINED_RATE = 5_000;

	private static final double MAX_N_PLUS_ONE_RATIO = 2;

	private static final double MIN_BRIDGE_SCALING = 1.8;

	private static final double MAX_STARTUP_SECONDS = 20;

	private static final long MAX_STACK_RESIDENT_BYTES = 2L << 30;

	private final SystemUnderTest stack;

	private final BenchSettings settings;

	private final String mode;

	private final String revision;

	private final PrintStream progress;

	private final Path recordings;

	/**
	 * @param recordings where to write a flight recording of each of the stack's processes over
	 * the scenarios, or {@code null} for none
	 */
	Benchmark(SystemUnderTest stack, BenchSettings settings, String mode, String revision, PrintStream progress,
			Path recordings) {
		this.stack = stack;
		this.settings = settings;
		this.mode = mode;
		this.revision = revision;
		this.progress = progress;
		this.recordings = recordings;
	}

	Results run() {
		Instant started = Instant.now();
		double loadBefore = loadAverage();
		long startNanos = System.nanoTime();
		try (HttpLoad http = new HttpLoad(this.settings.requestTimeout())) {
			HttpLoad.Call getUser = graphQl(GET_USER, () -> "{\"id\":\"" + randomUserId() + "\"}", Benchmark::userFailure);
			double startup = (awaitFirstAnswer(http, getUser) - this.stack.launchedNanos()) / 1e9;
			Map<String, ProcessHandle> stackProcesses = this.stack.awaitProcesses();
			say("7 start-up: first query answered %.1f s after launch; processes: %s", startup, stackProcesses.keySet());
			ProcessMeter meter = new ProcessMeter(stackProcesses);
			ProcessHandle self = ProcessHandle.current();
			if (stackProcesses.values().stream().noneMatch((process) -> process.pid() == self.pid())) {
				meter.add(LOAD_GENERATOR, self);
			}
			Map<String, Long> residentAfterStart = meter.residentBytes();
			HttpLoad.Call direct = new HttpLoad.Call() {

				@Override
				public HttpLoad.Request next() {
					return HttpLoad.Request.get(resolve(Benchmark.this.stack.userService(), "/user?ids=" + randomUserId()));
				}

				@Override
				public String failure(HttpLoad.Response response) {
					return (response.status() == 200 && response.body().startsWith("[{")) ? null
							: HttpLoad.describe(response);
				}

			};
			HttpLoad.Call nPlusOne = graphQl(N_PLUS_ONE, () -> "{\"n\":" + this.settings.nPlusOneItems() + "}",
					this::nPlusOneFailure);
			warmUp(http, List.of(getUser, getUser, getUser, getUser, getUser, getUser, getUser, getUser, nPlusOne, direct),
					meter);
			JfrRecordings profile = (this.recordings != null) ? JfrRecordings.start(this.recordings, stackProcesses)
					: null;
			List<Figures> figures = new ArrayList<>();

			try (KafkaFloor floor = new KafkaFloor(this.stack.bootstrapServers(), this.settings.requestTimeout())) {
				figures.add(report(floor.sequential("1a floor: raw Kafka request/reply, sequential",
						this.settings.floorWarmup(), this.settings.floorSequential(), meter)));
				figures.add(report(floor.pipelined("1b floor: raw Kafka request/reply, " + this.settings.floorWindow()
						+ " in flight", this.settings.floorPipelined(), this.settings.floorWindow(), meter)));
			}

			figures.add(report(http.sequential("2a direct: user-service GET /user?ids=, sequential", direct,
					this.settings.directWarmup(), this.settings.directSequential(), meter)));
			figures.add(report(http.closed("2b direct: user-service, " + this.settings.directConcurrency() + " in flight",
					direct, this.settings.directConcurrency(), this.settings.openStepWarmup(),
					this.settings.directDuration(), meter)));

			figures.add(report(http.sequential("3 bus: getUser, sequential", getUser, this.settings.busWarmup(),
					this.settings.busSequential(), meter)));

			List<OpenStep> steps = new ArrayList<>();
			for (int rate : this.settings.openRates()) {
				Figures step = report(http.open("4 bus: open model, " + rate + "/s", getUser, rate,
						this.settings.openStepWarmup(), this.settings.openStepDuration(), meter));
				boolean sustained = step.errors() == 0 && step.p99Ms() < this.settings.sustainedP99().toMillis();
				steps.add(new OpenStep(rate, sustained, step));
				figures.add(step);
				if (!sustained) {
					break;
				}
			}
			int sustainedRate = steps.stream().filter(OpenStep::sustained).mapToInt(OpenStep::rate).max().orElse(0);

			for (int i = 0; i < this.settings.nPlusOneWarmup(); i++) {
				http.sendOnce(nPlusOne);
			}
			Map<String, Double> recordsPerQuery;
			try (TopicTail requests = TopicTail.atEnd(this.stack.bootstrapServers(), BusTopics.requests("user"))) {
				figures.add(report(http.sequential("5 bus: N+1 (" + this.settings.nPlusOneItems()
						+ " users, friends of each), sequential", nPlusOne, 0, this.settings.nPlusOneQueries(), meter)));
				recordsPerQuery = perQuery(requests.drain(Duration.ofSeconds(1)), this.settings.nPlusOneQueries());
			}
			say("5 request records per N+1 query, by operation: %s", recordsPerQuery);

			Map<String, Long> residentAfterRun;
			slowDownUserService(http, this.settings.backendDelay());
			try (BridgeScaling scaling = new BridgeScaling(this.stack, this.settings.requestTimeout())) {
				String setup = this.settings.backendDelay().toMillis() + " ms backend, "
						+ this.settings.scalingConcurrency() + " in flight, bridges at most "
						+ this.settings.scalingMaxInFlight() + " call(s) at once";
				// Both bridges start cold and are measured warm: two first, then one.
				try (SystemUnderTest.ExtraBridge first = scaling.startBridge(this.settings.scalingMaxInFlight());
						SystemUnderTest.ExtraBridge second = scaling.startBridge(this.settings.scalingMaxInFlight())) {
					first.process().ifPresent((process) -> meter.add(SCALING_BRIDGE + "1", process));
					second.process().ifPresent((process) -> meter.add(SCALING_BRIDGE + "2", process));
					awaitBridges(scaling.group(), 2);
					Figures twoBridges = report(scaling.closed("6b bridges: user.getUsers records, " + setup + ", 2 bridges",
							this.settings.scalingConcurrency(), this.settings.bridgeWarmup(),
							this.settings.scalingDuration(), meter));
					residentAfterRun = meter.residentBytes();
					second.close();
					meter.remove(SCALING_BRIDGE + "2");
					awaitBridges(scaling.group(), 1);
					figures.add(report(scaling.closed("6a bridges: user.getUsers records, " + setup + ", 1 bridge",
							this.settings.scalingConcurrency(), this.settings.scalingWarmup(),
							this.settings.scalingDuration(), meter)));
					figures.add(twoBridges);
				}
			}
			finally {
				slowDownUserService(http, Duration.ZERO);
			}
			if (profile != null) {
				say("flight recordings of the stack's processes: %s", profile.stop());
			}

			long stackResident = residentAfterRun.entrySet()
				.stream()
				.filter((entry) -> stackProcesses.containsKey(entry.getKey()))
				.mapToLong(Map.Entry::getValue)
				.sum();
			Machine machine = machine(loadBefore, loadAverage());
			Results results = new Results(this.mode, describe(stackProcesses) + "; " + this.stack.configuration(),
					this.revision, machine,
					started.truncatedTo(ChronoUnit.SECONDS).toString(), (System.nanoTime() - startNanos) / 1e9, startup,
					figures, steps, sustainedRate, recordsPerQuery, residentAfterStart, residentAfterRun, stackResident,
					List.of());
			return withTargets(results);
		}
	}

	/**
	 * Loads the stack with a mix of the scenarios' requests for {@code stackWarmup}; measured but
	 * not reported, so that only its errors and rate show in the progress.
	 */
	private void warmUp(HttpLoad http, List<HttpLoad.Call> mix, ProcessMeter meter) {
		AtomicInteger turn = new AtomicInteger();
		HttpLoad.Call mixed = new HttpLoad.Call() {

			@Override
			public HttpLoad.Request next() {
				return mix.get(Math.floorMod(turn.getAndIncrement(), mix.size())).next();
			}

			/** Answered when it answers one of the mix's calls: which one it was sent for is not kept. */
			@Override
			public String failure(HttpLoad.Response response) {
				List<String> failures = mix.stream().map((call) -> call.failure(response)).toList();
				return failures.contains(null) ? null : failures.get(0);
			}

		};
		Figures warmup = http.closed("0 warm-up", mixed, this.settings.stackWarmupConcurrency(), Duration.ZERO,
				this.settings.stackWarmup(), meter);
		say("0 warm-up: %d requests in %d s (%d in flight), %d errors, %.0f/s", warmup.requests(),
				this.settings.stackWarmup().toSeconds(), this.settings.stackWarmupConcurrency(), warmup.errors(),
				warmup.throughput());
	}

	private Results withTargets(Results results) {
		Figures floor = find(results, "1a ");
		Figures bus = find(results, "3 ");
		Figures nPlusOne = find(results, "5 ");
		Figures oneBridge = find(results, "6a ");
		Figures twoBridges = find(results, "6b ");
		double maxRecordsPerOperation = results.nPlusOneRecordsPerQuery()
			.values()
			.stream()
			.mapToDouble(Double::doubleValue)
			.max()
			.orElse(0);
		List<Target> targets = List.of(
				new Target("3 bus p50 minus 1 floor p50", round(bus.p50Ms() - floor.p50Ms()), "ms",
						"<= " + MAX_LATENCY_ABOVE_FLOOR_MS, bus.p50Ms() - floor.p50Ms() <= MAX_LATENCY_ABOVE_FLOOR_MS),
				new Target("4 highest sustained rate (p99 < " + this.settings.sustainedP99().toMillis() + " ms, no errors)",
						results.sustainedRate(), "queries/s", ">= " + MIN_SUSTAINED_RATE,
						results.sustainedRate() >= MIN_SUSTAINED_RATE),
				new Target("5 N+1 p50 / 3 bus p50", round(nPlusOne.p50Ms() / bus.p50Ms()), "x",
						"<= " + MAX_N_PLUS_ONE_RATIO, nPlusOne.p50Ms() / bus.p50Ms() <= MAX_N_PLUS_ONE_RATIO),
				new Target("5 request records per operation per level", maxRecordsPerOperation, "records",
						"= 1 for each operation", results.nPlusOneRecordsPerQuery().size() == 2
								&& results.nPlusOneRecordsPerQuery().values().stream().allMatch((count) -> count == 1.0)),
				new Target("6 throughput with 2 bridges / with 1", round(twoBridges.throughput() / oneBridge.throughput()),
						"x", ">= " + MIN_BRIDGE_SCALING, twoBridges.throughput() / oneBridge.throughput() >= MIN_BRIDGE_SCALING),
				new Target("7 start-up to first answered query", round(results.startupSeconds()), "s",
						"< " + (int) MAX_STARTUP_SECONDS, results.startupSeconds() < MAX_STARTUP_SECONDS),
				new Target("7 whole stack resident memory", round(results.stackResidentBytes() / (double) (1 << 20)), "MiB",
						"< " + (MAX_STACK_RESIDENT_BYTES >> 20), results.stackResidentBytes() < MAX_STACK_RESIDENT_BYTES));
		return new Results(results.mode(), results.stack(), results.revision(), results.machine(), results.startedAt(),
				results.wallSeconds(), results.startupSeconds(), results.figures(), results.openSteps(),
				results.sustainedRate(), results.nPlusOneRecordsPerQuery(), results.residentBytesAfterStart(),
				results.residentBytesAfterRun(), results.stackResidentBytes(), targets);
	}

	/** Polls the gateway until a query is answered; the {@link System#nanoTime()} it was. */
	private long awaitFirstAnswer(HttpLoad http, HttpLoad.Call getUser) {
		long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
		while (!http.sendOnce(getUser)) {
			this.stack.checkRunning();
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the gateway answered no query within " + STARTUP_LIMIT.toMinutes()
						+ " minutes of the stack's launch");
			}
			LockSupport.parkNanos(FIRST_ANSWER_POLL.toNanos());
		}
		return System.nanoTime();
	}

	/** Waits until the bridges' group has {@code count} members, each with partitions. */
	private void awaitBridges(String group, int count) {
		long start = System.nanoTime();
		long deadline = start + this.settings.bridgeJoinTimeout().toNanos();
		try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, this.stack.bootstrapServers()))) {
			while (true) {
				ConsumerGroupDescription description = describe(admin, group);
				Collection<MemberDescription> members = (description != null) ? description.members() : List.of();
				if (description != null && description.groupState() == GroupState.STABLE && members.size() == count
						&& members.stream().noneMatch((member) -> member.assignment().topicPartitions().isEmpty())) {
					say("6 %s: %d members with partitions after %.1f s", group, count, (System.nanoTime() - start) / 1e9);
					return;
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(group + " did not get " + count + " members with partitions within "
							+ this.settings.bridgeJoinTimeout().toSeconds() + " s: " + description);
				}
				LockSupport.parkNanos(FIRST_ANSWER_POLL.toNanos());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for " + group, ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("could not describe " + group, ex);
		}
	}

	/** The group's description, or {@code null} while it does not exist (no member has joined yet). */
	private static ConsumerGroupDescription describe(Admin admin, String group)
			throws InterruptedException, ExecutionException, TimeoutException {
		try {
			return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof GroupIdNotFoundException) {
				return null;
			}
			throw ex;
		}
	}

	/** The user service's slowdown drill: every call of its user API takes {@code delay} longer. */
	private void slowDownUserService(HttpLoad http, Duration delay) {
		URI drill = resolve(this.stack.userService(), "/drill/slowdown?ms=" + delay.toMillis());
		HttpLoad.Call slowDown = new HttpLoad.Call() {

			@Override
			public HttpLoad.Request next() {
				return HttpLoad.Request.put(drill);
			}

			@Override
			public String failure(HttpLoad.Response response) {
				return (response.status() == 200) ? null : HttpLoad.describe(response);
			}

		};
		if (!http.sendOnce(slowDown)) {
			throw new IllegalStateException("PUT " + drill + " failed: is the user service's slowdown drill on"
					+ " (busgate.user-service.drills=true)?");
		}
	}

	private HttpLoad.Call graphQl(String query, Supplier<String> variables,
			Function<HttpLoad.Response, String> failure) {
		URI endpoint = this.stack.graphQl();
		String escapedQuery = query.replace("\"", "\\\"");
		return new HttpLoad.Call() {

			@Override
			public HttpLoad.Request next() {
				return HttpLoad.Request.postJson(endpoint,
						"{\"query\":\"" + escapedQuery + "\",\"variables\":" + variables.get() + "}");
			}

			@Override
			public String failure(HttpLoad.Response response) {
				return failure.apply(response);
			}

		};
	}

	private static String userFailure(HttpLoad.Response response) {
		String body = response.body();
		return (response.status() == 200 && body.contains("\"getUser\":{") && !body.contains("\"errors\"")) ? null
				: HttpLoad.describe(response);
	}

	private String nPlusOneFailure(HttpLoad.Response response) {
		String body = response.body();
		if (response.status() != 200 || body.contains("\"errors\"")) {
			return HttpLoad.describe(response);
		}
		Matcher friends = FRIENDS.matcher(body);
		long lists = friends.results().count();
		return (lists == this.settings.nPlusOneItems()) ? null
				: "expected the friends of " + this.settings.nPlusOneItems() + " users, got " + lists;
	}

	/** Records per query of each operation. */
	private static Map<String, Double> perQuery(List<ConsumerRecord<String, byte[]>> records, int queries) {
		Map<String, Long> byOperation = new TreeMap<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			Header operation = record.headers().lastHeader(BusHeaders.OPERATION);
			String name = (operation != null) ? new String(operation.value(), StandardCharsets.UTF_8)
					: "(no operation header)";
			byOperation.merge(name, 1L, Long::sum);
		}
		Map<String, Double> perQuery = new LinkedHashMap<>();
		byOperation.forEach((operation, count) -> perQuery.put(operation, round(count / (double) queries)));
		return perQuery;
	}

	private Figures report(Figures figures) {
		say("%-62s %6d req %4d err  p50 %7.2f  p90 %7.2f  p99 %7.2f  max %8.2f ms  %8.0f/s  cpu %s",
				figures.scenario(), figures.requests(), figures.errors(), figures.p50Ms(), figures.p90Ms(),
				figures.p99Ms(), figures.maxMs(), figures.throughput(), figures.cpuPercent());
		if (!figures.errorSamples().isEmpty()) {
			say("  errors, e.g.: %s", figures.errorSamples());
		}
		return figures;
	}

	private void say(String format, Object... args) {
		this.progress.printf("[bench] " + format + "%n", args);
	}

	private static Figures find(Results results, String prefix) {
		return results.figures()
			.stream()
			.filter((figures) -> figures.scenario().startsWith(prefix))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no scenario " + prefix.strip() + " was measured"));
	}

	private static String describe(Map<String, ProcessHandle> processes) {
		return processes.size() + " processes: " + String.join(", ", new TreeMap<>(processes).keySet());
	}

	private static Machine machine(double loadBefore, double loadAfter) {
		return new Machine(Runtime.getRuntime().availableProcessors(), cpuModel(), memoryBytes(),
				System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
				System.getProperty("os.name") + " " + System.getProperty("os.version").replaceFirst("-.*", "") + " "
						+ System.getProperty("os.arch"),
				loadBefore, loadAfter);
	}

	private static String cpuModel() {
		return procLine("/proc/cpuinfo", "model name").map((line) -> line.substring(line.indexOf(':') + 1).strip())
			.orElse(System.getProperty("os.arch"));
	}

	/** Physical memory, from /proc/meminfo where there is one. */
	private static long memoryBytes() {
		return procLine("/proc/meminfo", "MemTotal:")
			.map((line) -> Long.parseLong(line.replaceAll("\\D", "")) * 1024)
			.orElse(-1L);
	}

	private static Optional<String> procLine(String file, String prefix) {
		try {
			return Files.readAllLines(Path.of(file)).stream().filter((line) -> line.startsWith(prefix)).findFirst();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private static double loadAverage() {
		return round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
	}

	private static URI resolve(URI base, String pathAndQuery) {
		return URI.create(base.toString().replaceAll("/$", "") + pathAndQuery);
	}

	private static int randomUserId() {
		return ThreadLocalRandom.current().nextInt(1, USERS + 1);
	}

	private static double round(double value) {
		return Math.round(value * 100) / 100.0;
	}

}

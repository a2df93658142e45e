package io.busgate.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.busgate.bench.Results.Machine;
import io.busgate.bench.Results.OpenStep;
import io.busgate.bench.Results.SaturationRun;

/**
 * Runs the scenarios against a launched stack, in order, and checks the targets
 * ({@link Targets}):
 * <ol start="0">
 * <li>a warm-up of every process with every scenario's queries, until their throughput stops
 * rising ({@link WarmUp});</li>
 * <li>the floor: raw Kafka request/reply, sequential and pipelined ({@link FloorScenario});</li>
 * <li>the user service called directly, sequential and in a closed loop ({@link DirectScenario});</li>
 * <li>the bus: sequential {@code getUser} queries through the gateway ({@link SequentialScenario});</li>
 * <li>the bus under an open model, stepped up to the highest sustained rate ({@link OpenModelScenario});</li>
 * <li>an N+1 query, its records per fetch level and its latency ({@link NPlusOneScenario});</li>
 * <li>a backend slowed down by 10 ms per call, with one and with two user bridges ({@link BridgeScaling});</li>
 * <li>start-up (launch to first answered query) and each process's resident memory
 * ({@link StartUpScenario});</li>
 * <li>closed-loop saturation of each protocol's single-field query ({@link SaturationScenario}),
 * run before 6, which slows the user service down.</li>
 * </ol>
 */
final class Benchmark {

	private static final String LOAD_GENERATOR = "bench (load generator)";

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
		double loadBefore = Machine.loadAverage();
		long startNanos = System.nanoTime();
		try (HttpLoad http = new HttpLoad(this.settings.requestTimeout())) {
			Queries queries = new Queries(this.stack, http, this.settings.nPlusOneItems());
			double startup = StartUpScenario.awaitFirstAnswer(this.stack, http, queries.getUser());
			Map<String, ProcessHandle> stackProcesses = this.stack.awaitProcesses();
			ProcessMeter meter = new ProcessMeter(stackProcesses);
			ProcessHandle self = ProcessHandle.current();
			if (stackProcesses.values().stream().noneMatch((process) -> process.pid() == self.pid())) {
				meter.add(LOAD_GENERATOR, self);
			}
			BenchRun run = new BenchRun(this.stack, this.settings, http, meter, queries, this.progress);
			run.say("7 start-up: first query answered %.1f s after launch; processes: %s", startup,
					stackProcesses.keySet());
			Map<String, Long> residentAfterStart = meter.residentBytes();

			Map<String, HttpLoad.Call> protocols = SaturationScenario.calls(queries);
			List<Double> warmUp = warmUp(run, protocols);
			JfrRecordings profile = (this.recordings != null) ? JfrRecordings.start(this.recordings, stackProcesses)
					: null;
			List<Measurement> measurements = new ArrayList<>();
			measurements.addAll(FloorScenario.run(run));
			measurements.addAll(DirectScenario.run(run));
			measurements.add(SequentialScenario.run(run));
			List<OpenStep> steps = OpenModelScenario.run(run);
			steps.forEach((step) -> measurements.add(step.measurement()));
			NPlusOneScenario nPlusOne = NPlusOneScenario.run(run);
			measurements.add(nPlusOne.measurement());
			List<SaturationRun> saturation = SaturationScenario.run(run, protocols);
			saturation.forEach((saturated) -> measurements.add(saturated.measurement()));
			measurements.addAll(BridgeScaling.run(run));
			if (profile != null) {
				run.say("flight recordings of the stack's processes: %s", profile.stop());
			}

			Map<String, Long> residentAfterRun = meter.residentBytes();
			Results results = new Results(this.mode, describe(stackProcesses) + "; " + this.stack.configuration(),
					this.revision, Machine.here(loadBefore, Machine.loadAverage()), started.truncatedTo(ChronoUnit.SECONDS).toString(),
					(System.nanoTime() - startNanos) / 1e9, startup, warmUp, measurements, steps,
					OpenModelScenario.sustainedRate(steps), saturation, nPlusOne.recordsPerQuery(), residentAfterStart,
					residentAfterRun, StartUpScenario.stackResidentBytes(residentAfterRun, stackProcesses), List.of());
			return results.withTargets(Targets.of(results, nPlusOne));
		}
	}

	/**
	 * Loads the stack with every scenario's queries in turn until its throughput stops rising;
	 * measured but not reported, so that only its rates and errors show in the progress.
	 */
	private List<Double> warmUp(BenchRun run, Map<String, HttpLoad.Call> protocols) {
		List<HttpLoad.Call> mix = new ArrayList<>(protocols.values());
		mix.add(run.queries().getUser());
		mix.add(run.queries().nPlusOne());
		mix.add(run.queries().direct());
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
		return this.settings.warmUp()
			.untilSteady("0 warm-up (" + this.settings.stackWarmupConcurrency() + " connections, every scenario's queries)",
					(window) -> run.http()
						.closed("0 warm-up", mixed, this.settings.stackWarmupConcurrency(), Duration.ZERO, window, 1,
								run.meter())
						.summary(),
					run);
	}

	private static String describe(Map<String, ProcessHandle> processes) {
		return processes.size() + " processes: " + String.join(", ", new TreeMap<>(processes).keySet());
	}

}

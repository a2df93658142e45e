package io.busgate.bench;

/** Scenario 3, the bus's latency: one client, {@code getUser} queries one at a time through the gateway. */
final class SequentialScenario {

	private SequentialScenario() {
	}

	static Measurement run(BenchRun run) {
		BenchSettings settings = run.settings();
		return run.report(run.http()
			.sequential("3 bus: getUser, sequential", run.queries().getUser(), settings.busWarmup(),
					settings.busSequential(), settings.runs(), run.meter()));
	}

}

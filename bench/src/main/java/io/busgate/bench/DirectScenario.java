package io.busgate.bench;

import java.util.List;

/**
 * Scenario 2, the user service called directly, with no bus in between: one call at a time (2a)
 * and a closed loop (2b).
 */
final class DirectScenario {

	private DirectScenario() {
	}

	static List<Measurement> run(BenchRun run) {
		BenchSettings settings = run.settings();
		HttpLoad.Call direct = run.queries().direct();
		return List.of(
				run.report(run.http()
					.sequential("2a direct: user-service GET /user?ids=, sequential", direct, settings.directWarmup(),
							settings.directSequential(), settings.runs(), run.meter())),
				run.report(run.http()
					.closed("2b direct: user-service, " + settings.directConcurrency() + " connections", direct,
							settings.directConcurrency(), settings.closedWarmup(), settings.closedDuration(),
							settings.runs(), run.meter())));
	}

}

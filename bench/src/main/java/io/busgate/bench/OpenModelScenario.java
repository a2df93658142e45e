package io.busgate.bench;

import java.util.ArrayList;
import java.util.List;

import io.busgate.bench.Results.OpenStep;

/**
 * Scenario 4, the bus under an open model: {@code getUser} queries at a constant arrival rate,
 * stepped up until a rate is not sustained (an error, or the median of the runs' 99th
 * percentiles at or over the limit).
 */
final class OpenModelScenario {

	private OpenModelScenario() {
	}

	static List<OpenStep> run(BenchRun run) {
		BenchSettings settings = run.settings();
		HttpLoad.Call getUser = run.queries().getUser();
		List<OpenStep> steps = new ArrayList<>();
		for (int rate : settings.openRates()) {
			Measurement step = run.report(run.http()
				.open("4 bus: open model, " + rate + "/s", getUser, rate, settings.openStepWarmup(),
						settings.openStepDuration(), settings.runs(), run.meter()));
			boolean sustained = step.summary().errors() == 0
					&& step.summary().p99Ms() < settings.sustainedP99().toMillis();
			steps.add(new OpenStep(rate, sustained, step));
			if (!sustained) {
				break;
			}
		}
		return steps;
	}

	/** The highest rate sustained; 0 when none was. */
	static int sustainedRate(List<OpenStep> steps) {
		return steps.stream().filter(OpenStep::sustained).mapToInt(OpenStep::rate).max().orElse(0);
	}

}

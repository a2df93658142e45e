package io.busgate.bench;

import java.io.PrintStream;

/**
 * What every scenario works with: the stack, the loads to apply, the load generator, the meter
 * of the processes' CPU, the requests, and where progress goes.
 */
record BenchRun(SystemUnderTest stack, BenchSettings settings, HttpLoad http, ProcessMeter meter, Queries queries,
		PrintStream progress) {

	void say(String format, Object... args) {
		this.progress.printf("[bench] " + format + "%n", args);
	}

	/** Prints the summary of a measurement and the spread of its runs; returns it. */
	Measurement report(Measurement measurement) {
		Figures summary = measurement.summary();
		say("%-62s %6d req %4d err  p50 %7.2f  p90 %7.2f  p99 %7.2f  max %8.2f ms  %8.0f/s  cpu %s",
				measurement.scenario(), summary.requests(), summary.errors(), summary.p50Ms(), summary.p90Ms(),
				summary.p99Ms(), summary.maxMs(), summary.throughput(), summary.cpuPercent());
		if (measurement.runs().size() > 1) {
			say("  %d runs: %s/s, p50 %s ms, p99 %s ms", measurement.runs().size(),
					Report.spread(measurement.throughput(), "%.0f"), Report.spread(measurement.p50Ms(), "%.2f"),
					Report.spread(measurement.p99Ms(), "%.2f"));
		}
		if (!summary.errorSamples().isEmpty()) {
			say("  errors, e.g.: %s", summary.errorSamples());
		}
		return measurement;
	}

}

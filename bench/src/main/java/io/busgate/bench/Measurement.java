package io.busgate.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * A scenario measured several times: each run's figures, their summary and the spread of the
 * figures that vary most from run to run. The targets are checked against the summary.
 *
 * @param scenario what was run
 * @param runs each measured run, in order
 * @param summary all runs together: requests and errors added up, latencies and throughput the
 * median of the runs' (max the largest), CPU per process the mean of the runs'
 * @param throughput the spread of the runs' answered requests per second
 * @param p50Ms the spread of the runs' medians
 * @param p99Ms the spread of the runs' 99th percentiles
 */
record Measurement(String scenario, List<Figures> runs, Figures summary, Spread throughput, Spread p50Ms,
		Spread p99Ms) {

	static Measurement of(String scenario, List<Figures> runs) {
		if (runs.isEmpty()) {
			throw new IllegalArgumentException(scenario + " was not measured");
		}
		Map<String, Double> cpu = new LinkedHashMap<>();
		runs.forEach((run) -> run.cpuPercent().forEach((process, percent) -> cpu.merge(process, percent, Double::sum)));
		cpu.replaceAll((process, sum) -> Math.round(sum / runs.size() * 10) / 10.0);
		Set<String> errorSamples = new LinkedHashSet<>();
		runs.forEach((run) -> errorSamples.addAll(run.errorSamples()));
		Figures summary = new Figures(scenario, runs.stream().mapToLong(Figures::requests).sum(),
				runs.stream().mapToLong(Figures::errors).sum(), Spread.of(runs, Figures::p50Ms).median(),
				Spread.of(runs, Figures::p90Ms).median(), Spread.of(runs, Figures::p99Ms).median(),
				runs.stream().mapToDouble(Figures::maxMs).max().orElse(0), Spread.of(runs, Figures::throughput).median(),
				cpu, List.copyOf(errorSamples));
		return new Measurement(scenario, List.copyOf(runs), summary, Spread.of(runs, Figures::throughput),
				Spread.of(runs, Figures::p50Ms), Spread.of(runs, Figures::p99Ms));
	}

	/** The lowest, median and highest of a figure over the runs. */
	record Spread(double min, double median, double max) {

		static Spread of(List<Figures> runs, ToDoubleFunction<Figures> figure) {
			List<Double> values = new ArrayList<>(runs.stream().map(figure::applyAsDouble).toList());
			values.sort(Comparator.naturalOrder());
			int middle = values.size() / 2;
			double median = (values.size() % 2 == 1) ? values.get(middle)
					: (values.get(middle - 1) + values.get(middle)) / 2;
			return new Spread(values.get(0), median, values.get(values.size() - 1));
		}

	}

}

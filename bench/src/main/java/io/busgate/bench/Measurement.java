package io.busgate.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * A scenario measured several times: each run's figures, their summary and the spread of the
 * figures that vary most from run to run. The targets are checked against the summary.
 *
 * @param scenario what was run
 * @param runs each measured run, in order
 * @param summary all runs together: requests and errors added up, latencies, throughput and CPU per
 * process the median of the runs' (max the largest)
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
		runs.stream()
			.flatMap((run) -> run.cpuPercent().keySet().stream())
			.distinct()
			.forEach((process) -> cpu.put(process, median(runs.stream()
				.map((run) -> run.cpuPercent().get(process))
				.filter(Objects::nonNull)
				.toList())));
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

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(Comparator.naturalOrder());
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	/** The lowest, median and highest of a figure over the runs. */
	record Spread(double min, double median, double max) {

		static Spread of(List<Figures> runs, ToDoubleFunction<Figures> figure) {
			List<Double> values = runs.stream().map(figure::applyAsDouble).sorted().toList();
			return new Spread(values.get(0), Measurement.median(values), values.get(values.size() - 1));
		}

	}

}

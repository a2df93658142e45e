package io.busgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import io.busgate.bench.Results.OpenStep;
import io.busgate.bench.Results.SaturationRun;
import io.busgate.bench.Results.Target;

/** Writes a run's results as a markdown report and as JSON. */
final class Report {

	static final String MARKDOWN = "results.md";

	static final String JSON = "results.json";

	private static final double MIB = 1 << 20;

	private Report() {
	}

	/** Writes {@value #MARKDOWN} and {@value #JSON} into {@code directory}; returns the markdown. */
	static String write(Results results, Path directory) {
		String markdown = markdown(results);
		try {
			Files.createDirectories(directory);
			Files.writeString(directory.resolve(MARKDOWN), markdown);
			JsonMapper.builder()
				.enable(SerializationFeature.INDENT_OUTPUT)
				.build()
				.writeValue(directory.resolve(JSON).toFile(), results);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not write the results into " + directory, ex);
		}
		return markdown;
	}

	static String markdown(Results results) {
		StringBuilder out = new StringBuilder();
		Results.Machine machine = results.machine();
		out.append("# Busgate benchmark (").append(results.mode()).append(" run)\n\n");
		out.append(format("Started %s, %.0f s in all%s. Machine: %d CPUs (%s), %.1f GiB RAM, %s, %s; load average"
				+ " %.2f at the start, %.2f at the end. Stack: %s, on loopback.\n\n", results.startedAt(),
				results.wallSeconds(), (results.revision() != null) ? ", revision " + results.revision() : "",
				machine.cpus(), machine.cpuModel(), machine.memoryBytes() / MIB / 1024, machine.jdk(), machine.os(),
				machine.loadBefore(), machine.loadAfter(), results.stack()));

		out.append("## Targets (from this run)\n\nEach figure the median of its scenario's runs; - where not"
				+ " measured (a process the stack has not, a meter its revision lacks).\n\n");
		out.append("| figure | value | target | met |\n|---|---:|---|---|\n");
		for (Target target : results.targets()) {
			out.append(format("| %s | %s %s | %s | %s |\n", target.figure(),
					(target.value() != null) ? number(target.value()) : "-", target.unit(), target.goal(),
					(target.met() == null) ? "-" : target.met() ? "met" : "**not met**"));
		}

		out.append("\n## Scenarios\n\nLatencies in ms; warm-up excluded; CPU in % of one core over the measured time."
				+ " Each scenario measured in several runs: the figures are their medians (requests and errors"
				+ " added up, max the largest), the spreads median (lowest–highest).\n\n");
		out.append("| scenario | runs | requests | errors | p50 | p90 | p99 | max | answered/s | answered/s spread"
				+ " | p50 spread | p99 spread | CPU |\n");
		out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|\n");
		for (Measurement measurement : results.measurements()) {
			Figures figures = measurement.summary();
			out.append(format("| %s | %d | %d | %d | %.2f | %.2f | %.2f | %.2f | %.0f | %s | %s | %s | %s |\n",
					figures.scenario(), measurement.runs().size(), figures.requests(), figures.errors(), figures.p50Ms(),
					figures.p90Ms(), figures.p99Ms(), figures.maxMs(), figures.throughput(),
					spread(measurement.throughput(), "%.0f"), spread(measurement.p50Ms(), "%.2f"),
					spread(measurement.p99Ms(), "%.2f"), cpu(figures.cpuPercent())));
		}
		results.measurements()
			.stream()
			.map(Measurement::summary)
			.filter((figures) -> !figures.errorSamples().isEmpty())
			.forEach((figures) -> out.append(format("\nErrors of %s, e.g.: %s\n", figures.scenario(),
					String.join("; ", figures.errorSamples()))));

		out.append("\n## Closed-loop saturation (scenario 8)\n\nEach connection sends its next query as soon as its"
				+ " last one is answered. Backend calls per request record: the bridges' "
				+ BackendCalls.CALLS + " over " + BackendCalls.RECORDS + " during the load; - where the bridges do"
				+ " not count their calls.\n\n");
		out.append("| query | connections | answered/s | p50 | p90 | p99 | max | errors | backend calls per record |\n");
		out.append("|---|---:|---|---|---:|---|---:|---:|---:|\n");
		for (SaturationRun run : results.saturation()) {
			Measurement measurement = run.measurement();
			Figures figures = measurement.summary();
			out.append(format("| %s | %d | %s | %s | %.2f | %s | %.2f | %d | %s |\n", run.protocol(), run.connections(),
					spread(measurement.throughput(), "%.0f"), spread(measurement.p50Ms(), "%.2f"), figures.p90Ms(),
					spread(measurement.p99Ms(), "%.2f"), figures.maxMs(), figures.errors(),
					(run.backendCallsPerRecord() != null) ? number(run.backendCallsPerRecord()) : "-"));
		}

		out.append("\n## CPU per answered request\n\nCPU time each process spent per answered request, in ms (its CPU"
				+ " share divided by the throughput, medians of the runs): what a request costs where, and so what"
				+ " caps the throughput of a machine with " + machine.cpus() + " CPUs. The load generator is one of"
				+ " the processes. In the sequential rows it includes what the processes spend while they wait.\n\n");
		List<String> processes = results.measurements()
			.stream()
			.flatMap((measurement) -> measurement.summary().cpuPercent().keySet().stream())
			.distinct()
			.toList();
		out.append("| scenario | ").append(String.join(" | ", processes)).append(" | all |\n|---|");
		out.append("---:|".repeat(processes.size() + 1)).append('\n');
		for (Measurement measurement : results.measurements()) {
			Figures figures = measurement.summary();
			if (figures.throughput() <= 0) {
				continue;
			}
			out.append("| ").append(figures.scenario()).append(" | ");
			double all = 0;
			for (String process : processes) {
				Double percent = figures.cpuPercent().get(process);
				if (percent == null) {
					out.append("- | ");
					continue;
				}
				double perRequest = percent * 10 / figures.throughput();
				all += perRequest;
				out.append(format("%.3f | ", perRequest));
			}
			out.append(format("%.3f |\n", all));
		}

		out.append(format("\n## Warm-up\n\nEvery scenario's queries in turn, in runs until the throughput of one is"
				+ " within a few %% of the one before: %s answered/s.\n", results.warmUp()));

		out.append("\n## Open model (scenario 4)\n\nConstant arrival rate per step; each latency from when the request"
				+ " was due. Sustained: no errors and the median p99 under the limit.\n\n");
		out.append("| rate/s | answered/s | p50 | p99 | max | errors | sustained |\n|---:|---:|---|---|---:|---:|---|\n");
		for (OpenStep step : results.openSteps()) {
			Measurement measurement = step.measurement();
			Figures figures = measurement.summary();
			out.append(format("| %d | %.0f | %s | %s | %.2f | %d | %s |\n", step.rate(), figures.throughput(),
					spread(measurement.p50Ms(), "%.2f"), spread(measurement.p99Ms(), "%.2f"), figures.maxMs(),
					figures.errors(), step.sustained() ? "yes" : "no"));
		}

		out.append("\n## Request records per N+1 query (scenario 5)\n\n| operation | records per query |\n|---|---:|\n");
		results.nPlusOneRecordsPerQuery()
			.forEach((operation, count) -> out.append(format("| %s | %s |\n", operation, number(count))));

		out.append("\n## Resident memory (scenario 7)\n\n| process | after start-up, MiB | after the run, MiB |\n|---|---:|---:|\n");
		results.residentBytesAfterRun()
			.forEach((process, after) -> out.append(format("| %s | %s | %.0f |\n", process,
					mebibytes(results.residentBytesAfterStart().get(process)), after / MIB)));
		out.append(format("| **the stack** | | **%.0f** |\n", results.stackResidentBytes() / MIB));
		return out.toString();
	}

	/** {@code median (lowest–highest)}, or the one figure when there was one run. */
	static String spread(Measurement.Spread spread, String format) {
		if (spread.min() == spread.max()) {
			return format(format, spread.median());
		}
		return format(format + " (" + format + "–" + format + ")", spread.median(), spread.min(), spread.max());
	}

	/** The processes by CPU used, busiest first; those under 0.5 % left out. */
	private static String cpu(Map<String, Double> percent) {
		return percent.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() >= 0.5)
			.sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
			.map((entry) -> format("%s %.0f", entry.getKey(), entry.getValue()))
			.collect(Collectors.joining(", "));
	}

	private static String mebibytes(Long bytes) {
		return (bytes != null) ? format("%.0f", bytes / MIB) : "-";
	}

	private static String number(double value) {
		return (value == Math.rint(value)) ? Long.toString((long) value) : format("%.2f", value);
	}

	private static String format(String format, Object... args) {
		return String.format(Locale.ROOT, format, args);
	}

}

package io.busgate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;

import io.busgate.bench.Results.SaturationRun;
import io.busgate.bench.Results.Target;

/**
 * The targets, each with this run's figure: closed-loop saturation at 50 connections, CPU
 * per answered query per process at that saturation, backend calls per record, the bus's latency
 * above the floor, the open model's sustained rate, the N+1 query, bridge scaling, start-up and
 * memory. A figure is a summary of the scenario's runs (medians).
 */
final class Targets {

	/** The connections at which saturation is held to its targets. */
	static final int SATURATION_CONNECTIONS = 50;

	static final double MIN_SATURATION_THROUGHPUT = 4_000;

	static final double MAX_SATURATION_P99_MS = 50;

	static final double MAX_GATEWAY_CPU_MS = 0.25;

	static final double MAX_BRIDGE_CPU_MS = 0.15;

	static final double MAX_BROKER_CPU_MS = 0.10;

	static final double MAX_BACKEND_CALLS_PER_RECORD = 0.2;

	static final double MAX_LATENCY_ABOVE_FLOOR_MS = 1.5;

	static final int MIN_SUSTAINED_RATE = 2_500;

	static final double MAX_N_PLUS_ONE_RATIO = 2;

	static final double MIN_BRIDGE_SCALING = 1.8;

	static final double MAX_STARTUP_SECONDS = 20;

	static final long MAX_STACK_RESIDENT_BYTES = 2L << 30;

	private final List<Target> targets = new ArrayList<>();

	private Targets() {
	}

	static List<Target> of(Results results, NPlusOneScenario nPlusOne) {
		Targets table = new Targets();
		table.saturation(results, SaturationScenario.POST, "grpc-bridge", true);
		table.saturation(results, SaturationScenario.GET_USER, "http-bridge", true);
		table.saturation(results, SaturationScenario.MESSAGE, "thrift-bridge", false);

		Figures floor = results.find("1a ").summary();
		Figures bus = results.find("3 ").summary();
		table.add("3 bus p50 minus 1a floor p50", bus.p50Ms() - floor.p50Ms(), "ms", "<= " + MAX_LATENCY_ABOVE_FLOOR_MS,
				(value) -> value <= MAX_LATENCY_ABOVE_FLOOR_MS);
		table.add("4 highest sustained open-model rate (p99 < 50 ms, no errors)", (double) results.sustainedRate(),
				"queries/s", ">= " + MIN_SUSTAINED_RATE, (value) -> value >= MIN_SUSTAINED_RATE);
		table.targets.add(new Target("5 N+1: request records per operation per fetch level",
				nPlusOne.recordsPerQuery().values().stream().mapToDouble(Double::doubleValue).max().orElse(0), "records",
				"= 1 for each operation", nPlusOne.oneRecordPerLevel()));
		table.add("5 N+1 p50 / 3 single-field p50", nPlusOne.measurement().summary().p50Ms() / bus.p50Ms(), "x",
				"<= " + MAX_N_PLUS_ONE_RATIO, (value) -> value <= MAX_N_PLUS_ONE_RATIO);
		table.add("6 throughput with 2 bridges / with 1 (JIT-warm)",
				results.find("6b ").summary().throughput() / results.find("6a ").summary().throughput(), "x",
				">= " + MIN_BRIDGE_SCALING, (value) -> value >= MIN_BRIDGE_SCALING);
		table.add("7 start-up to first answered query", results.startupSeconds(), "s", "<= " + (int) MAX_STARTUP_SECONDS,
				(value) -> value <= MAX_STARTUP_SECONDS);
		table.add("7 whole stack resident memory, Zipkin included", results.stackResidentBytes() / (double) (1 << 20),
				"MiB", "<= " + (MAX_STACK_RESIDENT_BYTES >> 20), (value) -> value <= MAX_STACK_RESIDENT_BYTES >> 20);
		return List.copyOf(table.targets);
	}

	/**
	 * The saturation at {@link #SATURATION_CONNECTIONS} of one protocol: throughput, p99 and errors
	 * when {@code throughputTargets}; CPU per answered query of the gateway and the broker (then
	 * too) and of the protocol's bridge; backend calls per record.
	 */
	private void saturation(Results results, String protocol, String bridge, boolean throughputTargets) {
		Optional<SaturationRun> found = results.saturation()
			.stream()
			.filter((run) -> run.protocol().equals(protocol) && run.connections() == SATURATION_CONNECTIONS)
			.findFirst();
		String name = "8 " + protocol + ", " + SATURATION_CONNECTIONS + " connections: ";
		Figures figures = found.map((run) -> run.measurement().summary()).orElse(null);
		if (throughputTargets) {
			add(name + "throughput", (figures != null) ? figures.throughput() : null, "queries/s",
					">= " + (int) MIN_SATURATION_THROUGHPUT, (value) -> value >= MIN_SATURATION_THROUGHPUT);
			add(name + "p99", (figures != null) ? figures.p99Ms() : null, "ms", "< " + (int) MAX_SATURATION_P99_MS,
					(value) -> value < MAX_SATURATION_P99_MS);
			add(name + "errors", (figures != null) ? (double) figures.errors() : null, "", "= 0", (value) -> value == 0);
			add(name + "gateway CPU per answered query", cpuPerQuery(figures, "gateway"), "ms",
					"<= " + MAX_GATEWAY_CPU_MS, (value) -> value <= MAX_GATEWAY_CPU_MS);
			add(name + "broker CPU per answered query", cpuPerQuery(figures, "kafka"), "ms", "<= " + MAX_BROKER_CPU_MS,
					(value) -> value <= MAX_BROKER_CPU_MS);
		}
		add(name + bridge + " CPU per answered query", cpuPerQuery(figures, bridge), "ms", "<= " + MAX_BRIDGE_CPU_MS,
				(value) -> value <= MAX_BRIDGE_CPU_MS);
		add(name + "backend calls per request record", found.map(SaturationRun::backendCallsPerRecord).orElse(null), "",
				"< " + MAX_BACKEND_CALLS_PER_RECORD, (value) -> value < MAX_BACKEND_CALLS_PER_RECORD);
	}

	/**
	 * CPU milliseconds per answered query of a process, its instances added up ({@code gateway},
	 * {@code gateway-2}, ...); {@code null} when the stack has no such process.
	 */
	static Double cpuPerQuery(Figures figures, String process) {
		if (figures == null || figures.throughput() <= 0) {
			return null;
		}
		Pattern instances = Pattern.compile(Pattern.quote(process) + "(-\\d+)?");
		double percent = 0;
		boolean found = false;
		for (Map.Entry<String, Double> entry : figures.cpuPercent().entrySet()) {
			if (instances.matcher(entry.getKey()).matches()) {
				percent += entry.getValue();
				found = true;
			}
		}
		return found ? percent * 10 / figures.throughput() : null;
	}

	private void add(String figure, Double value, String unit, String goal, DoublePredicate met) {
		Double rounded = (value != null) ? Math.round(value * 1000) / 1000.0 : null;
		this.targets.add(new Target(figure, rounded, unit, goal, (value != null) ? met.test(value) : null));
	}

}

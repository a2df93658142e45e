package io.busgate.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.busgate.bench.Results.Machine;
import io.busgate.bench.Results.SaturationRun;
import io.busgate.bench.Results.Target;

import static org.assertj.core.api.Assertions.assertThat;

/** The targets against the figures of a run, met and not met. */
class TargetsTests {

	@Test
	void everyTargetWithItsFigureAndWhetherItIsMet() {
		List<SaturationRun> saturation = List.of(
				saturated(SaturationScenario.POST, 4_200, 38, 0,
						Map.of("gateway", 100.0, "grpc-bridge", 50.0, "kafka", 30.0, "bench (load generator)", 60.0), 0.1),
				saturated(SaturationScenario.GET_USER, 3_000, 60, 2,
						Map.of("gateway", 90.0, "gateway-2", 30.0, "http-bridge", 60.0, "kafka", 27.0), null),
				saturated(SaturationScenario.MESSAGE, 2_000, 70, 0, Map.of("thrift-bridge", 20.0), 0.5));
		NPlusOneScenario nPlusOne = new NPlusOneScenario(measured("5 bus: N+1", 100, 5.0),
				Map.of("user.listUsers", 1.0, "user.getFriends", 1.0));
		List<Measurement> measurements = new ArrayList<>(List.of(measured("1a floor", 500, 1.5),
				measured("3 bus: getUser", 300, 2.8), nPlusOne.measurement(), measured("6a bridges", 90, 10),
				measured("6b bridges", 171, 10)));
		saturation.forEach((run) -> measurements.add(run.measurement()));
		Results results = new Results("full", "stack", null, new Machine(2, "cpu", 1L << 34, "jdk", "os", 1, 1),
				"2026-12-06T00:00:00Z", 600, 21.5, List.of(), measurements, List.of(), 3_000, saturation,
				nPlusOne.recordsPerQuery(), Map.of(), Map.of(), 1_900L << 20, List.of());

		Map<String, Target> targets = new LinkedHashMap<>();
		Targets.of(results, nPlusOne).forEach((target) -> targets.put(target.figure(), target));

		assertThat(targets.get("8 gRPC post, 50 connections: throughput")).satisfies(met(4_200.0, true));
		assertThat(targets.get("8 gRPC post, 50 connections: p99")).satisfies(met(38.0, true));
		assertThat(targets.get("8 gRPC post, 50 connections: errors")).satisfies(met(0.0, true));
		// 100 % of a core over 4,200 queries per second
		assertThat(targets.get("8 gRPC post, 50 connections: gateway CPU per answered query")).satisfies(met(0.238, true));
		assertThat(targets.get("8 gRPC post, 50 connections: grpc-bridge CPU per answered query"))
			.satisfies(met(0.119, true));
		assertThat(targets.get("8 gRPC post, 50 connections: broker CPU per answered query")).satisfies(met(0.071, true));
		assertThat(targets.get("8 gRPC post, 50 connections: backend calls per request record")).satisfies(met(0.1, true));
		assertThat(targets.get("8 HTTP getUser, 50 connections: throughput")).satisfies(met(3_000.0, false));
		assertThat(targets.get("8 HTTP getUser, 50 connections: p99")).satisfies(met(60.0, false));
		// errors of the three runs added up
		assertThat(targets.get("8 HTTP getUser, 50 connections: errors")).satisfies(met(6.0, false));
		// both gateways: 120 % over 3,000
		assertThat(targets.get("8 HTTP getUser, 50 connections: gateway CPU per answered query")).satisfies(met(0.4, false));
		assertThat(targets.get("8 HTTP getUser, 50 connections: http-bridge CPU per answered query"))
			.satisfies(met(0.2, false));
		assertThat(targets.get("8 HTTP getUser, 50 connections: backend calls per request record")).satisfies((target) -> {
			assertThat(target.value()).isNull();
			assertThat(target.met()).isNull();
		});
		assertThat(targets).doesNotContainKeys("8 Thrift message, 50 connections: throughput",
				"8 Thrift message, 50 connections: gateway CPU per answered query");
		assertThat(targets.get("8 Thrift message, 50 connections: thrift-bridge CPU per answered query"))
			.satisfies(met(0.1, true));
		assertThat(targets.get("3 bus p50 minus 1a floor p50")).satisfies(met(1.3, true));
		assertThat(targets.get("4 highest sustained open-model rate (p99 < 50 ms, no errors)")).satisfies(met(3_000.0, true));
		assertThat(targets.get("5 N+1: request records per operation per fetch level")).satisfies(met(1.0, true));
		assertThat(targets.get("5 N+1 p50 / 3 single-field p50")).satisfies(met(1.786, true));
		assertThat(targets.get("6 throughput with 2 bridges / with 1 (JIT-warm)")).satisfies(met(1.9, true));
		assertThat(targets.get("7 start-up to first answered query")).satisfies(met(21.5, false));
		assertThat(targets.get("7 whole stack resident memory, Zipkin included")).satisfies(met(1_900.0, true));
	}

	private static Consumer<Target> met(double value, boolean met) {
		return (target) -> {
			assertThat(target.value()).as(target.figure()).isEqualTo(value);
			assertThat(target.met()).as(target.figure()).isEqualTo(met);
		};
	}

	private static SaturationRun saturated(String protocol, double throughput, double p99, long errors,
			Map<String, Double> cpu, Double callsPerRecord) {
		Figures run = new Figures(SaturationScenario.scenario(protocol, 50), 1_000, errors, 5, 10, p99, p99 + 1,
				throughput, cpu, List.of());
		return new SaturationRun(protocol, 50, Measurement.of(run.scenario(), List.of(run, run, run)), callsPerRecord);
	}

	private static Measurement measured(String scenario, double throughput, double p50) {
		Figures run = new Figures(scenario, 100, 0, p50, p50, p50, p50, throughput, Map.of(), List.of());
		return Measurement.of(scenario, List.of(run));
	}

}

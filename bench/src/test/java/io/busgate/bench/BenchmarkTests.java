package io.busgate.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import io.busgate.systemtests.BusgateStack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The benchmark's smoke mode against the whole stack in this JVM over an embedded broker: every
 * scenario, each protocol's saturation included, runs with a tiny load, in several runs, and must
 * be answered without errors, so the harness cannot rot. It measures nothing worth reporting.
 */
class BenchmarkTests {

	/** The user service's slowdown drill, which scenario 6 uses; the local stack turns it on too. */
	private static final String DRILLS = "busgate.user-service.drills";

	private static EmbeddedKafkaKraftBroker broker;

	@BeforeAll
	static void startBroker() {
		System.setProperty(DRILLS, "true");
		broker = new EmbeddedKafkaKraftBroker(1, 6);
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		System.clearProperty(DRILLS);
		broker.destroy();
	}

	@Test
	@Timeout(value = 5, unit = TimeUnit.MINUTES)
	void smokeRunMeasuresEveryScenarioWithoutErrors(@TempDir Path output) {
		long launched = System.nanoTime();
		Results results;
		try (InJvmStack stack = new InJvmStack(new BusgateStack(broker.getBrokersAsString()), launched)) {
			results = new Benchmark(stack, BenchSettings.smoke(), "smoke", null, System.out, null).run();
		}
		System.out.println(Report.write(results, output));

		assertThat(results.measurements()).extracting(Measurement::scenario)
			.anyMatch((scenario) -> scenario.startsWith("1a floor"))
			.anyMatch((scenario) -> scenario.startsWith("1b floor"))
			.anyMatch((scenario) -> scenario.startsWith("2a direct"))
			.anyMatch((scenario) -> scenario.startsWith("2b direct"))
			.anyMatch((scenario) -> scenario.startsWith("3 bus"))
			.anyMatch((scenario) -> scenario.startsWith("4 bus: open model, 20/s"))
			.anyMatch((scenario) -> scenario.startsWith("5 bus: N+1"))
			.anyMatch((scenario) -> scenario.startsWith("6a bridges"))
			.anyMatch((scenario) -> scenario.startsWith("6b bridges"))
			.contains("8 saturation: HTTP getUser, 2 connections", "8 saturation: gRPC post, 2 connections",
					"8 saturation: Thrift message, 2 connections");
		assertThat(results.measurements()).allSatisfy((measurement) -> {
			assertThat(measurement.runs()).as(measurement.scenario()).hasSize(BenchSettings.smoke().runs());
			assertThat(measurement.runs()).allSatisfy((run) -> {
				assertThat(run.requests()).as(measurement.scenario()).isPositive();
				assertThat(run.errors()).as(measurement.scenario() + ": " + run.errorSamples()).isZero();
				assertThat(run.p50Ms()).as(measurement.scenario()).isPositive().isLessThanOrEqualTo(run.maxMs());
			});
			assertThat(measurement.throughput().min()).isLessThanOrEqualTo(measurement.throughput().median())
				.isLessThanOrEqualTo(measurement.throughput().max());
		});
		assertThat(results.saturation()).extracting(Results.SaturationRun::protocol)
			.containsExactly("HTTP getUser", "gRPC post", "Thrift message");
		// The bridges run in this JVM, on ports of their own that the stack does not tell.
		assertThat(results.saturation()).extracting(Results.SaturationRun::backendCallsPerRecord).containsOnlyNulls();
		assertThat(results.warmUp()).isNotEmpty();
		assertThat(results.nPlusOneRecordsPerQuery()).containsOnly(entry("user.listUsers", 1.0),
				entry("user.getFriends", 1.0));
		assertThat(results.startupSeconds()).isPositive();
		assertThat(results.residentBytesAfterRun()).isNotEmpty();
		assertThat(results.targets()).extracting(Results.Target::figure)
			.contains("8 gRPC post, 50 connections: throughput", "8 HTTP getUser, 50 connections: p99",
					"8 Thrift message, 50 connections: thrift-bridge CPU per answered query",
					"3 bus p50 minus 1a floor p50", "5 N+1: request records per operation per fetch level",
					"6 throughput with 2 bridges / with 1 (JIT-warm)", "7 start-up to first answered query",
					"7 whole stack resident memory, Zipkin included");
		// No saturation at 50 connections in the smoke run, and no gateway process of its own: not measured.
		assertThat(results.targets()).filteredOn((target) -> target.figure().startsWith("8 "))
			.allSatisfy((target) -> assertThat(target.met()).as(target.figure()).isNull());
		assertThat(results.targets()).filteredOn((target) -> target.figure().startsWith("5 N+1: request records"))
			.singleElement()
			.satisfies((target) -> assertThat(target.met()).isTrue());

		assertThat(output.resolve(Report.MARKDOWN)).content()
			.contains("## Targets", "| 3 bus: getUser, sequential | 3 |", "| user.getFriends | 1 |",
					"## Closed-loop saturation (scenario 8)", "| Thrift message | 2 |");
		JsonNode json = JsonMapper.builder().build().readTree(output.resolve(Report.JSON).toFile());
		assertThat(json.get("measurements").size()).isEqualTo(results.measurements().size());
		assertThat(json.get("machine").get("cpus").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
		assertThat(List.of(json.get("targets").get(0).get("figure").asString()))
			.containsExactly("8 gRPC post, 50 connections: throughput");
	}

}

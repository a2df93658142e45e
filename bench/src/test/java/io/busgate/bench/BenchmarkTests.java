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
 * scenario runs with a tiny load and must be answered without errors, so the harness cannot rot.
 * It measures nothing worth reporting.
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
		Report.write(results, output);

		assertThat(results.figures()).extracting(Figures::scenario)
			.anyMatch((scenario) -> scenario.startsWith("1a floor"))
			.anyMatch((scenario) -> scenario.startsWith("1b floor"))
			.anyMatch((scenario) -> scenario.startsWith("2a direct"))
			.anyMatch((scenario) -> scenario.startsWith("2b direct"))
			.anyMatch((scenario) -> scenario.startsWith("3 bus"))
			.anyMatch((scenario) -> scenario.startsWith("4 bus: open model, 20/s"))
			.anyMatch((scenario) -> scenario.startsWith("5 bus: N+1"))
			.anyMatch((scenario) -> scenario.startsWith("6a bridges"))
			.anyMatch((scenario) -> scenario.startsWith("6b bridges"));
		assertThat(results.figures()).allSatisfy((figures) -> {
			assertThat(figures.requests()).as(figures.scenario()).isPositive();
			assertThat(figures.errors()).as(figures.scenario() + ": " + figures.errorSamples()).isZero();
			assertThat(figures.p50Ms()).as(figures.scenario()).isPositive().isLessThanOrEqualTo(figures.maxMs());
		});
		assertThat(results.nPlusOneRecordsPerQuery()).containsOnly(entry("user.listUsers", 1.0),
				entry("user.getFriends", 1.0));
		assertThat(results.startupSeconds()).isPositive();
		assertThat(results.residentBytesAfterRun()).isNotEmpty();
		assertThat(results.targets()).hasSize(7);

		assertThat(output.resolve(Report.MARKDOWN)).content()
			.contains("## Targets", "| 3 bus: getUser, sequential |", "| user.getFriends | 1 |");
		JsonNode json = JsonMapper.builder().build().readTree(output.resolve(Report.JSON).toFile());
		assertThat(json.get("figures").size()).isEqualTo(results.figures().size());
		assertThat(json.get("machine").get("cpus").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
		assertThat(List.of(json.get("targets").get(0).get("figure").asString())).containsExactly("3 bus p50 minus 1 floor p50");
	}

}

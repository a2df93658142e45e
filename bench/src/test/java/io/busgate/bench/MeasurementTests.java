package io.busgate.bench;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A scenario's runs, summed up as medians with their spread. */
class MeasurementTests {

	@Test
	void summaryIsTheMedianRunAndTheSpreadItsRange() {
		Measurement measurement = Measurement.of("s", List.of(run(1_000, 2.0, 20.0, 10), run(1_200, 1.0, 40.0, 30),
				run(900, 3.0, 30.0, 50)));
		assertThat(measurement.summary().throughput()).isEqualTo(1_000);
		assertThat(measurement.summary().p50Ms()).isEqualTo(2.0);
		assertThat(measurement.summary().p99Ms()).isEqualTo(30.0);
		assertThat(measurement.summary().maxMs()).isEqualTo(80.0);
		assertThat(measurement.summary().requests()).isEqualTo(3_100 + 3);
		assertThat(measurement.summary().errors()).isEqualTo(3);
		assertThat(measurement.summary().cpuPercent()).containsEntry("gateway", 30.0);
		assertThat(measurement.throughput()).isEqualTo(new Measurement.Spread(900, 1_000, 1_200));
		assertThat(measurement.p99Ms()).isEqualTo(new Measurement.Spread(20.0, 30.0, 40.0));
		assertThat(Report.spread(measurement.throughput(), "%.0f")).isEqualTo("1000 (900–1200)");
	}

	@Test
	void theMedianOfAnEvenNumberOfRunsIsBetweenTheMiddleTwo() {
		assertThat(Measurement.of("s", List.of(run(100, 1, 1, 0), run(300, 1, 1, 0))).throughput().median())
			.isEqualTo(200);
	}

	@Test
	void cpuPerQueryAddsAProcesssInstancesUp() {
		Figures figures = new Figures("s", 1_000, 0, 1, 1, 1, 1, 1_000,
				Map.of("gateway", 50.0, "gateway-2", 30.0, "gateway-service", 99.0), List.of());
		assertThat(Targets.cpuPerQuery(figures, "gateway")).isEqualTo(0.8);
		assertThat(Targets.cpuPerQuery(figures, "kafka")).isNull();
	}

	private static Figures run(double throughput, double p50, double p99, double cpu) {
		return new Figures("s", (long) throughput + 1, 1, p50, p99 / 2, p99, 80 * p50 / 3, throughput,
				Map.of("gateway", cpu), List.of("e"));
	}

}

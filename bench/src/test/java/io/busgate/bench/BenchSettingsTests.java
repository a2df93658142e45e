package io.busgate.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The full run can show each target met: the loads it applies reach past the targets. */
class BenchSettingsTests {

	@Test
	void fullRunMeasuresWhatTheTargetsAskFor() {
		BenchSettings full = BenchSettings.full();
		assertThat(full.runs()).isGreaterThanOrEqualTo(3);
		assertThat(full.saturationConnections()).containsExactly(10, Targets.SATURATION_CONNECTIONS, 200);
		assertThat(full.openRates()).isSorted().anyMatch((rate) -> rate > Targets.MIN_SUSTAINED_RATE);
		assertThat(full.sustainedP99().toMillis()).isEqualTo((long) Targets.MAX_SATURATION_P99_MS);
		assertThat(full.warmUp().maxRuns()).isGreaterThanOrEqualTo(2);
	}

}

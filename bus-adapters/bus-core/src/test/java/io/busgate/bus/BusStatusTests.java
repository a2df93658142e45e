package io.busgate.bus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BusStatusTests {

	@Test
	void codesRoundTrip() {
		for (BusStatus status : BusStatus.values()) {
			assertThat(BusStatus.fromCode(status.code())).isSameAs(status);
		}
		assertThat(BusStatus.OK.code()).isEqualTo("ok");
		assertThat(BusStatus.NOT_FOUND.code()).isEqualTo("NOT_FOUND");
	}

	@Test
	void unknownCodeIsAContractError() {
		assertThatExceptionOfType(BusContractException.class).isThrownBy(() -> BusStatus.fromCode("OK"))
			.withMessageContaining("unknown bus-status 'OK'");
	}

}

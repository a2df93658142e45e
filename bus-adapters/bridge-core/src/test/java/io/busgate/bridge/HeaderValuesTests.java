package io.busgate.bridge;

import org.junit.jupiter.api.Test;

import io.busgate.bus.BusStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class HeaderValuesTests {

	@Test
	void printableAsciiAndNullPass() {
		assertThat(HeaderValues.printableAscii("principal", "user-7 ~!")).isEqualTo("user-7 ~!");
		assertThat(HeaderValues.printableAscii("principal", null)).isNull();
	}

	@Test
	void controlAndNonAsciiCharactersAreInvalidArguments() {
		for (String value : new String[] { "José", "a\r\nb", "tab\t", "\u0100" }) {
			assertThatExceptionOfType(BackendException.class)
				.isThrownBy(() -> HeaderValues.printableAscii("principal", value))
				.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.INVALID_ARGUMENT))
				.withMessage("the principal must be printable ASCII to travel as a header to the backend");
		}
	}

}

package io.busgate.bus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BusRequestTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void queriesAreKeyedByCorrelationIdAndMutationsByTheirEntity() {
		assertThat(request(null, List.of("7")).recordKey()).isEqualTo("c-1");
		assertThat(request("idem", List.of("7")).recordKey()).isEqualTo("7");
		assertThat(request("idem", List.of("7", "8")).recordKey()).isEqualTo("c-1");
		assertThat(request("idem", null).recordKey()).isEqualTo("c-1");
	}

	@Test
	void keyedRequestExpectsOneItemPerKeyAndKeylessExactlyOne() {
		assertThat(request(null, List.of("1", "2")).expectedItemCount()).isEqualTo(2);
		assertThat(request(null, null).expectedItemCount()).isEqualTo(1);
		assertThatIllegalArgumentException().isThrownBy(() -> request(null, List.of()));
	}

	@Test
	void deadlineIsMeasuredAgainstTheClock() {
		RequestHeaders headers = request(null, null).headers();
		Clock before = Clock.fixed(NOW.minusMillis(1500), ZoneOffset.UTC);
		Clock at = Clock.fixed(NOW, ZoneOffset.UTC);

		assertThat(headers.remaining(before)).isEqualTo(Duration.ofMillis(1500));
		assertThat(headers.isExpired(before)).isFalse();
		assertThat(headers.isExpired(at)).isTrue();
	}

	private static BusRequest request(String idempotencyKey, List<Object> keys) {
		return new BusRequest(new RequestHeaders("c-1", "user.getUsers", "gateway.replies.a", NOW, idempotencyKey), keys,
				Map.of());
	}

}

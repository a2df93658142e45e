package io.busgate.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.RequestHeaders;
import io.busgate.replay.JsonDiff.Difference;
import io.busgate.replay.Replayer.Replayed;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictTests {

	private static final Instant RECORDED = Instant.parse("2026-11-30T15:00:00Z");

	@Test
	void sameItemsAreTheSame() {
		Verdict verdict = Verdict.of(replayed(ok("Ada"), ok("Ada")));

		assertThat(verdict.outcome()).isEqualTo(Outcome.SAME);
		assertThat(verdict.differences()).isEmpty();
	}

	@Test
	void otherItemsAreChangedWithTheirDifferences() {
		Verdict verdict = Verdict.of(replayed(ok("Ada"), ok("Grace")));

		assertThat(verdict.outcome()).isEqualTo(Outcome.CHANGED);
		assertThat(verdict.differences()).containsExactly(new Difference("items[0].name", "Ada", "Grace"));
	}

	@Test
	void errorWhereOkWasRecordedIsErrorNow() {
		Verdict verdict = Verdict.of(replayed(ok("Ada"), BusReply.error("new", BusStatus.UNAVAILABLE, "backend down")));

		assertThat(verdict.outcome()).isEqualTo(Outcome.ERROR_NOW);
		assertThat(verdict.detail()).isEqualTo("UNAVAILABLE: backend down (was ok)");
	}

	@Test
	void sameErrorIsTheSameAndAnotherMessageIsChanged() {
		BusReply recorded = BusReply.error("old", BusStatus.INVALID_ARGUMENT, "bad id");

		assertThat(Verdict.of(replayed(recorded, BusReply.error("new", BusStatus.INVALID_ARGUMENT, "bad id"))).outcome())
			.isEqualTo(Outcome.SAME);
		assertThat(Verdict.of(replayed(recorded, BusReply.error("new", BusStatus.INVALID_ARGUMENT, "id too long")))
			.differences()).containsExactly(new Difference("error.message", "bad id", "id too long"));
	}

	@Test
	void missingReplyAndMissingOriginalAreTold() {
		assertThat(Verdict.of(replayed(ok("Ada"), null)).outcome()).isEqualTo(Outcome.NO_REPLY);

		Verdict noOriginal = Verdict.of(replayed(null, ok("Ada")));
		assertThat(noOriginal.outcome()).isEqualTo(Outcome.NO_ORIGINAL);
		assertThat(noOriginal.detail()).endsWith("its reply aged out of gateway.replies.gw (it keeps records for 1h)");
	}

	private static BusReply ok(String name) {
		return BusReply.ok("any", List.of(Map.of("id", "7", "name", name)));
	}

	private static Replayed replayed(BusReply original, BusReply now) {
		RequestHeaders headers = new RequestHeaders("old", "user.getUsers", "gateway.replies.gw", RECORDED, null);
		RecordedRequest recorded = new RecordedRequest("user.requests", 0, 41, RECORDED,
				new BusRequest(headers, List.of("7"), Map.of()), null, original,
				(original != null) ? RECORDED.plusMillis(3) : null,
				(original != null) ? null : "its reply aged out of gateway.replies.gw (it keeps records for 1h)");
		return new Replayed(recorded, "new", "user.requests", now, (now != null) ? Duration.ofMillis(2) : null, null);
	}

}

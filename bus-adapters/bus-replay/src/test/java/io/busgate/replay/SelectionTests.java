package io.busgate.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

import io.busgate.bus.BusRequest;
import io.busgate.bus.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SelectionTests {

	private static final Instant TIME = Instant.parse("2026-11-30T15:00:00Z");

	@Test
	void timesAreInstantsOrTimesAgo() {
		Selection.PointInTime converter = new Selection.PointInTime();

		assertThat(converter.convert("2026-11-30T15:00:00Z")).isEqualTo(TIME);
		// "15m" is 15 minutes before the moment it was converted, which lies between these two.
		Instant before = Instant.now();
		Instant fifteenMinutesAgo = converter.convert("15m");
		Instant after = Instant.now();
		assertThat(fifteenMinutesAgo).isBetween(before.minus(Duration.ofMinutes(15)), after.minus(Duration.ofMinutes(15)));
		assertThatExceptionOfType(TypeConversionException.class).isThrownBy(() -> converter.convert("yesterday"))
			.withMessageContaining("neither an ISO-8601 instant");
	}

	@Test
	void everyGivenCriterionMustMatch() {
		Selection selection = parse("--operation", "user.getUsers", "--since", "2026-11-30T14:00:00Z", "--trace-id",
				"4BF92F3577B34DA6A3CE929D0E0E4736");

		assertThat(selection.matches(recorded("user.getUsers", TIME, "4bf92f3577b34da6a3ce929d0e0e4736"))).isTrue();
		assertThat(selection.matches(recorded("user.getFriends", TIME, "4bf92f3577b34da6a3ce929d0e0e4736"))).isFalse();
		assertThat(selection.matches(recorded("user.getUsers", TIME.minusSeconds(7200), "4bf92f3577b34da6a3ce929d0e0e4736")))
			.isFalse();
		assertThat(selection.matches(recorded("user.getUsers", TIME, null))).isFalse();
	}

	@Test
	void topicsComeFromTheOptionsElseFromTheOperationsElseFromTheBroker() {
		Set<String> existing = Set.of("user.requests", "post.requests", "user.requests.canary", "gateway.replies.gw");

		assertThat(parse("--topic", "user.requests.canary").requestTopics(existing)).containsExactly("user.requests.canary");
		assertThat(parse("--operation", "post.getPosts,user.getUsers").requestTopics(existing))
			.containsExactly("post.requests", "user.requests");
		assertThat(parse().requestTopics(existing)).containsExactly("post.requests", "user.requests");
	}

	private static Selection parse(String... args) {
		Holder holder = new Holder();
		new CommandLine(holder).parseArgs(args);
		return holder.selection;
	}

	private static RecordedRequest recorded(String operation, Instant time, String traceId) {
		RequestHeaders headers = new RequestHeaders("c-1", operation, "gateway.replies.gw", time, null);
		return new RecordedRequest("user.requests", 0, 1, time, new BusRequest(headers, List.of("1"), Map.of()), traceId,
				null, null, null);
	}

	@CommandLine.Command
	static final class Holder {

		@CommandLine.Mixin
		Selection selection;

	}

}

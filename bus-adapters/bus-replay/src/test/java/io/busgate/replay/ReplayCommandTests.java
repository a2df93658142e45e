package io.busgate.replay;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replaying against a real broker with no bridge: what must hold before and without any answer.
 * Answered replays are tested end to end in the system tests.
 */
class ReplayCommandTests {

	private static RecordedBus bus;

	private static List<String> recorded;

	@BeforeAll
	static void record() {
		bus = new RecordedBus();
		recorded = bus.record("1", "2");
	}

	@AfterAll
	static void stop() {
		bus.close();
	}

	@Test
	void dryRunShowsWhereEachRequestWouldGoAndSendsNothing() throws Exception {
		long before = endOffset(RecordedBus.REQUESTS);

		RecordedBus.Result dryRun = bus.run("replay", "--dry-run");

		assertThat(dryRun.status()).isZero();
		assertThat(dryRun.out()).contains("would replay user.requests-0@0  user.getUsers keys=[\"1\"] -> user.requests",
				"dry run: 2 requests would be replayed, at most 50.0 per second; nothing was sent");
		assertThat(endOffset(RecordedBus.REQUESTS)).isEqualTo(before);
	}

	@Test
	void replaysGoOutAtTheRateAndUnansweredOnesAreNoReply() throws Exception {
		long before = endOffset(RecordedBus.REQUESTS);

		RecordedBus.Result replayed = bus.run("replay", "--timeout", "500ms", "--rate", "1", "--json");

		assertThat(replayed.status()).isEqualTo(BusReplay.DIFFERENT);
		assertThat(replayed.elements("/results")).hasSize(2).allSatisfy((result) -> {
			assertThat(result.get("outcome").asString()).isEqualTo("no_reply");
			assertThat(result.get("detail").asString()).isEqualTo("no reply from user.requests in time");
		});
		assertThat(replayed.json().at("/summary/no_reply").asInt()).isEqualTo(2);
		// One per second: the second goes out a second after the first, then its timeout runs.
		assertThat(replayed.json().at("/summary/tookMs").asLong()).isGreaterThanOrEqualTo(1500);
		assertThat(replayed.err()).contains("[replay] sent 2/2, answered 0");
		// Sent with bus-replay-of, so they are not taken for recorded traffic; the recorded
		// reply topic got nothing, and the run's own reply topic is gone.
		assertThat(endOffset(RecordedBus.REQUESTS)).isEqualTo(before + 2);
		assertThat(endOffset(RecordedBus.REPLIES)).isEqualTo(2);
		assertThat(bus.run("list", "--json").elements("/requests")).extracting(
				(request) -> request.get("correlationId").asString()).containsExactlyElementsOf(recorded);
		assertThat(bus.run("list").err()).contains("note: 2 replayed requests on user.requests skipped");
		try (Admin admin = admin()) {
			assertThat(admin.listTopics().names().get()).noneMatch((topic) -> topic.startsWith("replay.replies."));
		}
	}

	@Test
	void replayIntoAReplyTopicOrAMissingTopicIsRefused() {
		RecordedBus.Result intoReplies = bus.run("replay", "--to-topic", RecordedBus.REPLIES);
		assertThat(intoReplies.status()).isEqualTo(BusReplay.UNUSABLE);
		assertThat(intoReplies.err()).contains("--to-topic gateway.replies.gw is a reply topic");

		RecordedBus.Result intoNothing = bus.run("replay", "--to-topic", "user.requests.canary");
		assertThat(intoNothing.status()).isEqualTo(BusReplay.UNUSABLE);
		assertThat(intoNothing.err()).contains("no topic user.requests.canary to replay into");
	}

	private static long endOffset(String topic) throws Exception {
		try (Admin admin = admin()) {
			return admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest()))
				.all()
				.get()
				.values()
				.iterator()
				.next()
				.offset();
		}
	}

	private static Admin admin() {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bus.brokers()));
	}

}

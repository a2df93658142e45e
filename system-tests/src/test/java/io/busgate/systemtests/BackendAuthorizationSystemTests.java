package io.busgate.systemtests;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.test.TopicTail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN the whole stack; WHEN request records are put straight on the bus, past the gateway and
 * its checks, for another user or for no one; THEN the backends themselves refuse what is not the
 * caller's: a message only to its sender and recipient, no inbox and no write for an anonymous
 * caller, and idempotency keys that are the caller's own.
 */
class BackendAuthorizationSystemTests extends SystemTestSupport {

	private static final String REPLIES = BusTopics.replies("system-tests");

	private final BusCodec codec = new BusCodec();

	@Test
	void messageAskedForByAThirdUserIsAnsweredAsUnknown() {
		Map<String, Object> sent = item(ask(send("61", "61", "62", "between 61 and 62", key())));
		Object id = sent.get("id");

		// The seeded message 1 is between two other users too (7557 and 3376).
		assertThat(ask(request("message.getMessages", "63", List.of(id, "1"), Map.of())).items())
			.containsExactly(null, null);
		assertThat(ask(request("message.getMessages", null, List.of(id), Map.of())).items()).containsExactly((Object) null);
		for (String party : List.of("61", "62")) {
			assertThat(ask(request("message.getMessages", party, List.of(id, "1"), Map.of())).items())
				.containsExactly(sent, null);
		}
	}

	@Test
	void anonymousInboxAndWritesAreAnsweredWithAnError() {
		assertRefused(ask(request("message.inbox", null, List.of("50"), Map.of("first", 1))),
				"permission denied: an anonymous caller may not read an inbox");
		assertRefused(ask(send(null, "50", "51", "anonymous", key())),
				"permission denied: an anonymous caller may not send messages");
		assertRefused(ask(createPost(null, "50", "anonymous", key())),
				"permission denied: an anonymous caller may not create posts");
		assertRefused(ask(request("message.inbox", "51", List.of("50"), Map.of("first", 1))),
				"permission denied: user '51' may read only their own inbox, not [50]");

		assertThat(ask(request("message.inbox", "50", List.of("50"), Map.of("first", 1))).items()).hasSize(1);
	}

	@Test
	void sameKeyFromTwoUsersIsTwoMutationsEachAnsweredWithTheCallersOwn() {
		String key = key();

		Map<String, Object> fromTwo = item(ask(send("2", "2", "3", "from two", key)));
		Map<String, Object> fromOne = item(ask(send("1", "1", "4", "from one", key)));

		assertThat(fromOne.get("id")).isNotEqualTo(fromTwo.get("id"));
		assertThat(fromOne).containsEntry("fromUserId", "1").containsEntry("toUserId", "4").containsEntry("body", "from one");
		assertThat(fromTwo).containsEntry("fromUserId", "2").containsEntry("toUserId", "3").containsEntry("body", "from two");
		assertThat(ask(request("message.getMessages", "4", List.of(fromOne.get("id")), Map.of())).items())
			.containsExactly(fromOne);
		// The first user's retry still gets their own message, not the other user's.
		assertThat(item(ask(send("2", "2", "3", "from two", key)))).isEqualTo(fromTwo);

		Map<String, Object> postByTwo = item(ask(createPost("2", "2", "from two", key)));
		Map<String, Object> postByOne = item(ask(createPost("1", "1", "from one", key)));
		assertThat(postByOne.get("id")).isNotEqualTo(postByTwo.get("id"));
		assertThat(postByOne).containsEntry("authorId", "1").containsEntry("title", "from one");
	}

	@Test
	void sameKeyForAnotherRequestFromTheSameUserIsInvalid() {
		String key = key();
		Map<String, Object> first = item(ask(send("5", "5", "6", "first", key)));

		BusReply other = ask(send("5", "5", "6", "second", key));

		assertThat(other.status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
		assertThat(other.errorMessage()).isEqualTo("idempotency key '" + key + "' was used for a different request");
		assertThat(item(ask(send("5", "5", "6", "first", key)))).isEqualTo(first);
	}

	private static void assertRefused(BusReply reply, String message) {
		assertThat(reply.status()).isEqualTo(BusStatus.PERMISSION_DENIED);
		assertThat(reply.errorMessage()).isEqualTo(message);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> item(BusReply reply) {
		assertThat(reply.isOk()).as("%s: %s", reply.status(), reply.errorMessage()).isTrue();
		assertThat(reply.items()).singleElement().isInstanceOf(Map.class);
		return (Map<String, Object>) reply.items().get(0);
	}

	/** Puts the request on the bus and answers its reply. */
	private BusReply ask(BusRequest request) {
		try (TopicTail replies = TopicTail.atEnd(stack.brokers(), REPLIES)) {
			template().send(this.codec.requestRecord(request)).join();
			List<BusReply> received = new ArrayList<>();
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
				replies.poll(Duration.ofMillis(200))
					.stream()
					.map(this.codec::readReply)
					.filter((reply) -> reply.correlationId().equals(request.headers().correlationId()))
					.forEach(received::add);
				assertThat(received).isNotEmpty();
			});
			return received.get(0);
		}
	}

	private static BusRequest send(String principal, String from, String to, String body, String key) {
		return mutation("message.sendMessage", principal, key, Map.of("fromUserId", from, "toUserId", to, "body", body));
	}

	private static BusRequest createPost(String principal, String author, String title, String key) {
		return mutation("post.createPost", principal, key, Map.of("authorId", author, "title", title, "body", ""));
	}

	private static BusRequest mutation(String operation, String principal, String key, Map<String, Object> input) {
		return new BusRequest(headers(operation, principal, key), null, Map.of("input", input));
	}

	private static BusRequest request(String operation, String principal, List<Object> keys,
			Map<String, Object> args) {
		return new BusRequest(headers(operation, principal, null), keys, args);
	}

	private static RequestHeaders headers(String operation, String principal, String idempotencyKey) {
		return new RequestHeaders(CorrelationIds.next(), operation, REPLIES, Instant.now().plusSeconds(10),
				idempotencyKey, principal);
	}

	private static String key() {
		return "authz-" + UUID.randomUUID();
	}

}

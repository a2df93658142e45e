package io.busgate.systemtests;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.graphql.test.tester.GraphQlTester;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.test.TopicTail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN the whole stack (users over HTTP, posts over gRPC, messages over Thrift); WHEN clients
 * query across all three and create posts and messages; THEN the data is consistent, batched per
 * level, mutations act once per idempotency key, and a dead backend fails only its own fields,
 * fast.
 */
class PostsAndMessagesSystemTests extends SystemTestSupport {

	private static final List<String> REQUEST_TOPICS = List.of("user", "post", "message")
		.stream()
		.map(BusTopics::requests)
		.toList();

	/** The sender of the seeded message 1 (seed 42), which {@code userAndMessage} reads. */
	private static final String MESSAGE_ONE_SENDER = "7557";

	private final BusCodec codec = new BusCodec();

	@Test
	@SuppressWarnings("unchecked")
	void queryAcrossThreeProtocolsIsConsistentAndOneRecordPerOperationAndLevel() {
		List<TopicTail> tails = REQUEST_TOPICS.stream().map((topic) -> TopicTail.atEnd(stack.brokers(), topic)).toList();
		try {
			UsersAndInbox answer = usersWithPostsAndInbox(stack);

			for (Map<String, Object> user : answer.users()) {
				for (Map<String, Object> post : (List<Map<String, Object>>) user.get("posts")) {
					assertThat(post.get("author")).isEqualTo(Map.of("id", user.get("id"), "name", user.get("name")));
				}
			}
			for (Map<String, Object> message : answer.inbox()) {
				assertThat(message.get("to")).isEqualTo(Map.of("id", INBOX_OWNER));
				assertThat(((Map<String, Object>) message.get("from")).get("name")).isNotNull();
			}
			assertThat(answer.users()).filteredOn((user) -> !((List<?>) user.get("posts")).isEmpty()).isNotEmpty();
			assertThat(answer.inbox()).isNotEmpty();

			Map<String, Long> recordsPerOperation = tails.stream()
				.flatMap((tail) -> tail.drain(Duration.ofSeconds(1)).stream())
				.map((record) -> this.codec.readRequest(record).headers().operation())
				.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
			// Levels: getUsers, me (user.getUsers) | posts, inbox | author, from, to (all user.getUsers,
			// one level).
			assertThat(recordsPerOperation).isEqualTo(Map.of("user.listUsers", 1L, "post.listByAuthor", 1L,
					"message.inbox", 1L, "user.getUsers", 2L));
		}
		finally {
			tails.forEach(TopicTail::close);
		}
	}

	@Test
	void createdPostReadsBackAndTheSameKeyCreatesItOnce() {
		String author = "17";
		int postsBefore = counts(author).posts();
		Map<String, Object> input = Map.of("authorId", author, "title", "Kafka all the way", "body", "Hello",
				"idempotencyKey", "post-" + UUID.randomUUID());

		String id = graphQlAs(author).documentName("createPost")
			.variable("input", input)
			.execute()
			.path("createPost.author.id")
			.entity(String.class)
			.isEqualTo(author)
			.path("createPost.id")
			.entity(String.class)
			.get();
		graphQlAs(author).documentName("createPost")
			.variable("input", input)
			.execute()
			.path("createPost.id")
			.entity(String.class)
			.isEqualTo(id);

		graphQl().documentName("postById")
			.variable("id", id)
			.execute()
			.path("post.title")
			.entity(String.class)
			.isEqualTo("Kafka all the way");
		assertThat(counts(author).posts()).isEqualTo(postsBefore + 1);
	}

	@Test
	void sentMessageReadsBackAndTheSameKeySendsItOnce() {
		String to = "23";
		int inboxBefore = counts(to).inbox();
		Map<String, Object> input = Map.of("fromUserId", "5", "toUserId", to, "body", "See you at the broker",
				"idempotencyKey", "message-" + UUID.randomUUID());

		String id = graphQlAs("5").documentName("sendMessage")
			.variable("input", input)
			.execute()
			.path("sendMessage.to.id")
			.entity(String.class)
			.isEqualTo(to)
			.path("sendMessage.id")
			.entity(String.class)
			.get();
		graphQlAs("5").documentName("sendMessage")
			.variable("input", input)
			.execute()
			.path("sendMessage.id")
			.entity(String.class)
			.isEqualTo(id);

		graphQlAs("5").documentName("messageById")
			.variable("id", id)
			.execute()
			.path("message.body")
			.entity(String.class)
			.isEqualTo("See you at the broker")
			.path("message.from.id")
			.entity(String.class)
			.isEqualTo("5");
		assertThat(counts(to).inbox()).isEqualTo(inboxBefore + 1);
	}

	@Test
	void redeliveredMutationRecordsActOnce() {
		String author = "31";
		String recipient = "37";
		int postsBefore = counts(author).posts();
		int inboxBefore = counts(recipient).inbox();
		String replies = BusTopics.replies("system-tests");
		BusRequest createPost = mutation("post.createPost", author,
				Map.of("authorId", author, "title", "Once", "body", "only"));
		BusRequest sendMessage = mutation("message.sendMessage", "2",
				Map.of("fromUserId", "2", "toUserId", recipient, "body", "only once"));

		try (TopicTail replyTail = TopicTail.atEnd(stack.brokers(), replies)) {
			for (BusRequest request : List.of(createPost, createPost, sendMessage, sendMessage)) {
				template().send(this.codec.requestRecord(request)).join();
			}

			List<BusReply> received = new ArrayList<>();
			await().untilAsserted(() -> {
				replyTail.poll(Duration.ofMillis(200)).forEach((record) -> received.add(this.codec.readReply(record)));
				assertThat(received).hasSize(4);
			});
			assertThat(received).allMatch(BusReply::isOk);
			assertThat(idsAnswering(received, createPost)).hasSize(2).containsOnly(idsAnswering(received, createPost).get(0));
			assertThat(idsAnswering(received, sendMessage)).hasSize(2)
				.containsOnly(idsAnswering(received, sendMessage).get(0));
		}
		assertThat(counts(author).posts()).isEqualTo(postsBefore + 1);
		assertThat(counts(recipient).inbox()).isEqualTo(inboxBefore + 1);
	}

	@Test
	void invalidInputIsRefusedOnTheFieldAndNothingIsWritten() {
		String author = "41";
		Counts before = counts(author);

		assertCreatePostFails(author, Map.of("title", "", "body", "x"), "INVALID_ARGUMENT");
		// A valid token for a user the services do not know.
		assertCreatePostFails("999999", Map.of("title", "t", "body", "x"), "NOT_FOUND");
		assertCreatePostFails(author, Map.of("title", "t", "body", "x".repeat(10_001)), "INVALID_ARGUMENT");
		assertSendMessageFails("2", Map.of("toUserId", author, "body", " "), "INVALID_ARGUMENT");
		assertSendMessageFails("999999", Map.of("toUserId", author, "body", "hi"), "NOT_FOUND");

		assertThat(counts(author)).isEqualTo(before);
	}

	@Test
	void postServiceDownFailsItsFieldFastWithUnavailableAndTheRestResolves() {
		stack.stopPostService();
		try {
			assertBackendDownFailsOnly("userAndPost", "post");
		}
		finally {
			stack.startPostServiceAgain();
		}
		await().untilAsserted(() -> graphQl().documentName("userAndPost").execute().path("post.title").hasValue());
	}

	@Test
	void messageServiceDownFailsItsFieldFastWithUnavailableAndTheRestResolves() {
		stack.stopMessageService();
		try {
			assertBackendDownFailsOnly("userAndMessage", "message");
		}
		finally {
			stack.startMessageServiceAgain();
		}
		await().untilAsserted(() -> graphQlAs(MESSAGE_ONE_SENDER).documentName("userAndMessage")
			.execute()
			.path("message.body")
			.hasValue());
	}

	private void assertBackendDownFailsOnly(String document, String failingField) {
		// As the sender of the message read: a message is only for its sender and recipient. UNAVAILABLE
		// is the bridge's answer; had the gateway waited out its reply timeout, it would be UPSTREAM_TIMEOUT.
		graphQlAs(MESSAGE_ONE_SENDER).documentName(document)
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement().satisfies((error) -> {
				assertThat(error.getPath()).isEqualTo(failingField);
				assertThat(error.getExtensions()).containsEntry("code", "UNAVAILABLE");
			}))
			.path("getUser.name")
			.hasValue()
			.path(failingField)
			.valueIsNull();
	}

	private void assertCreatePostFails(String caller, Map<String, Object> input, String code) {
		assertMutationFails(caller, "createPost", input, code);
	}

	private void assertSendMessageFails(String caller, Map<String, Object> input, String code) {
		assertMutationFails(caller, "sendMessage", input, code);
	}

	private void assertMutationFails(String caller, String document, Map<String, Object> input, String code) {
		graphQlAs(caller).documentName(document)
			.variable("input", input)
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", code)));
	}

	private BusRequest mutation(String operation, String principal, Map<String, Object> input) {
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), operation, BusTopics.replies("system-tests"),
				Instant.now().plusSeconds(10), "redelivered-" + UUID.randomUUID(), principal);
		return new BusRequest(headers, null, Map.of("input", input));
	}

	@SuppressWarnings("unchecked")
	private static List<Object> idsAnswering(List<BusReply> replies, BusRequest request) {
		return replies.stream()
			.filter((reply) -> reply.correlationId().equals(request.headers().correlationId()))
			.map((reply) -> ((Map<String, Object>) reply.items().get(0)).get("id"))
			.toList();
	}

	private Counts counts(String userId) {
		GraphQlTester.Response response = graphQlAs(userId).documentName("postAndInboxCounts")
			.variable("id", userId)
			.execute();
		return new Counts(response.path("getUser.posts").entityList(Object.class).get().size(),
				response.path("getUser.inbox").entityList(Object.class).get().size());
	}

	private record Counts(int posts, int inbox) {
	}

}

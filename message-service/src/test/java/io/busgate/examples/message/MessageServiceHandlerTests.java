package io.busgate.examples.message;

import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import io.busgate.examples.message.thrift.Inbox;
import io.busgate.examples.message.thrift.InvalidArgument;
import io.busgate.examples.message.thrift.Message;
import io.busgate.examples.message.thrift.NotFound;
import io.busgate.examples.message.thrift.PermissionDenied;
import io.busgate.examples.message.thrift.SendMessageRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The service's methods called directly, without a server, for the caller in {@link #caller}. */
class MessageServiceHandlerTests {

	private final MessageStore store = MessageStore.seeded(MessageStoreTests.properties(100, 500, 100),
			Clock.systemUTC());

	/** Who the calls are made for; {@code null} for an anonymous caller. */
	private final AtomicReference<String> caller = new AtomicReference<>("1");

	private final MessageServiceHandler handler = new MessageServiceHandler(this.store, this.caller::get);

	@Test
	void getMessagesAnswersTheCallersMessagesOnceAndNobodyElses() throws Exception {
		StoredMessage seven = this.store.find(List.of("7")).get(0);
		List<String> ids = List.of("7", "nope", "3", "7", "501");

		for (String party : List.of(seven.fromUserId(), seven.toUserId())) {
			this.caller.set(party);
			List<Message> messages = this.handler.getMessages(ids);

			assertThat(messages).extracting(Message::getId).containsOnlyOnce("7");
			assertThat(messages).allSatisfy((message) -> assertThat(party).isIn(message.getFromUserId(),
					message.getToUserId()));
			assertThat(messages.get(0).getSentAt()).matches("2025-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
		}
		this.caller.set(someoneElseThan(seven));
		assertThat(this.handler.getMessages(List.of("7"))).isEmpty();
		this.caller.set(null);
		assertThat(this.handler.getMessages(ids)).isEmpty();
	}

	@Test
	void inboxAnswersOneEntryPerRequestedIdInOrder() throws Exception {
		this.caller.set("5");
		List<Inbox> inboxes = this.handler.inbox(List.of("5", "5"), 2);

		assertThat(inboxes).extracting(Inbox::getUserId).containsExactly("5", "5");
		assertThat(inboxes.get(0).getMessages()).hasSize(2)
			.allSatisfy((message) -> assertThat(message.getToUserId()).isEqualTo("5"));
		assertThat(inboxes.get(0).getMessages().get(0).getSentAt())
			.isGreaterThan(inboxes.get(0).getMessages().get(1).getSentAt());
		assertThat(inboxes.get(1)).isEqualTo(inboxes.get(0));
	}

	@Test
	void inboxIsOnlyForItsUser() {
		this.caller.set("5");
		assertThatExceptionOfType(PermissionDenied.class).isThrownBy(() -> this.handler.inbox(List.of("5", "6"), 2))
			.withMessage("permission denied: user '5' may read only their own inbox, not [6]");
		this.caller.set(null);
		assertThatExceptionOfType(PermissionDenied.class).isThrownBy(() -> this.handler.inbox(List.of("5"), 2))
			.withMessage("permission denied: an anonymous caller may not read an inbox");
	}

	@Test
	void sendMessageIsOnlyAsTheCaller() {
		int size = this.store.size();
		this.caller.set("2");
		assertThatExceptionOfType(PermissionDenied.class)
			.isThrownBy(() -> this.handler.sendMessage(request("1", "3", "forged", null)))
			.withMessage("permission denied: user '2' may send only as themselves, not as '1'");
		this.caller.set(null);
		assertThatExceptionOfType(PermissionDenied.class)
			.isThrownBy(() -> this.handler.sendMessage(request("1", "3", "anonymous", "k")))
			.withMessage("permission denied: an anonymous caller may not send messages");
		assertThat(this.store.size()).isEqualTo(size);
	}

	@Test
	void sendMessageReusingAKeyForAnotherSendIsInvalid() throws Exception {
		Message first = this.handler.sendMessage(request("1", "2", "Hi there", "k-1"));

		assertInvalid(() -> this.handler.sendMessage(request("1", "2", "Hi again", "k-1")),
				"idempotency key 'k-1' was used for a different request");
		assertThat(this.handler.sendMessage(request("1", "2", "Hi there", "k-1"))).isEqualTo(first);
		this.caller.set("3");
		assertThat(this.handler.sendMessage(request("3", "2", "Hi again", "k-1")).getId()).isNotEqualTo(first.getId());
	}

	@Test
	void sendMessageWithTheSameKeyTwiceReturnsTheSameMessage() throws Exception {
		Message first = this.handler.sendMessage(request("1", "2", "Hi there", "k-1"));
		Message again = this.handler.sendMessage(request("1", "2", "Hi there", "k-1"));
		Message unkeyed = this.handler.sendMessage(request("1", "2", "Hi there", null));

		assertThat(again).isEqualTo(first);
		assertThat(first.getId()).isEqualTo("501");
		assertThat(unkeyed.getId()).isEqualTo("502");
		this.caller.set("2");
		assertThat(this.handler.inbox(List.of("2"), 2).get(0).getMessages()).containsExactly(unkeyed, first);
	}

	@Test
	void limitsAreInvalidArgumentsThatSayWhich() {
		List<String> tooMany = IntStream.rangeClosed(1, 1001).mapToObj(Integer::toString).toList();
		String longest = "x".repeat(2000);

		assertInvalid(() -> this.handler.getMessages(tooMany), "ids must hold at most 1000 ids, was 1001");
		assertInvalid(() -> this.handler.getMessages(List.of()), "ids must hold at least one id");
		assertInvalid(() -> this.handler.inbox(tooMany, 10), "userIds must hold at most 1000 ids, was 1001");
		assertInvalid(() -> this.handler.inbox(List.of("1"), 0), "first must be between 1 and 100, was 0");
		assertInvalid(() -> this.handler.inbox(List.of("1"), 101), "first must be between 1 and 100, was 101");
		assertInvalid(() -> this.handler.inbox(Collections.singletonList(null), 1), "userIds must not contain null");
		assertInvalid(() -> this.handler.sendMessage(request("1", "2", " \n ", null)), "body must not be blank");
		assertInvalid(() -> this.handler.sendMessage(request("1", "2", longest + "y", null)),
				"body must be at most 2000 characters, was 2001");
		assertInvalid(() -> this.handler.sendMessage(request("1", "1", "hi", null)),
				"fromUserId and toUserId must differ, both were '1'");
		assertInvalid(() -> this.handler.sendMessage(request(null, "1", "hi", null)), "fromUserId must be given");
		assertInvalid(() -> this.handler.sendMessage(request("1", "2", "hi", "")),
				"idempotencyKey must be 1 to 200 characters and not blank");
		assertInvalid(() -> this.handler.sendMessage(null), "request must be given");
	}

	@Test
	void bodyLengthCountsCharactersNotUtf16Units() throws Exception {
		String emoji = "\uD83D\uDE00".repeat(2000);

		assertThat(this.handler.sendMessage(request("1", "2", emoji, null)).getBody()).isEqualTo(emoji);
	}

	@Test
	void unknownUsersAreNotFound() {
		assertThatExceptionOfType(NotFound.class).isThrownBy(() -> this.handler.sendMessage(request("1", "101", "hi", null)))
			.withMessage("No user with id '101'");
		this.caller.set("x");
		assertThatExceptionOfType(NotFound.class).isThrownBy(() -> this.handler.sendMessage(request("x", "1", "hi", null)))
			.withMessage("No user with id 'x'");
	}

	/** A user who neither sent nor received the message. */
	private static String someoneElseThan(StoredMessage message) {
		return IntStream.rangeClosed(1, 3)
			.mapToObj(Integer::toString)
			.filter((id) -> !id.equals(message.fromUserId()) && !id.equals(message.toUserId()))
			.findFirst()
			.orElseThrow();
	}

	static SendMessageRequest request(String from, String to, String body, String idempotencyKey) {
		SendMessageRequest request = new SendMessageRequest(from, to, body);
		request.setIdempotencyKey(idempotencyKey);
		return request;
	}

	private static void assertInvalid(ThrowingCallable call, String message) {
		assertThatExceptionOfType(InvalidArgument.class).isThrownBy(call).withMessage(message);
	}

}

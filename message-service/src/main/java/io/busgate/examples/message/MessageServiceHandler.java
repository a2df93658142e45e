package io.busgate.examples.message;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.busgate.backend.BackendContract;
import io.busgate.backend.IdempotencyKeyReusedException;
import io.busgate.backend.IdempotencyKeys;
import io.busgate.examples.message.thrift.Inbox;
import io.busgate.examples.message.thrift.InvalidArgument;
import io.busgate.examples.message.thrift.Message;
import io.busgate.examples.message.thrift.MessageService;
import io.busgate.examples.message.thrift.NotFound;
import io.busgate.examples.message.thrift.PermissionDenied;
import io.busgate.examples.message.thrift.SendMessageRequest;
import io.busgate.observability.thrift.ThriftPrincipal;

/**
 * The service's methods: checks the arguments against the documented limits (a broken limit is
 * an {@link InvalidArgument} whose message says which), then reads or writes the
 * {@link MessageStore}. Thread-safe, as the store is.
 *
 * <p>Access, checked here whatever the gateway checked before: every call is made for a
 * principal ({@link ThriftPrincipal#current()}, the user id the gateway verified) or for no one
 * (an anonymous caller). A message is shown only to its sender and its recipient: to anyone else,
 * and to an anonymous caller, {@code getMessages} answers as for an id that does not exist, so
 * that ids cannot be probed. An inbox is read only by its user, and a message is sent only as
 * the principal; otherwise, and always for an anonymous caller, the call is a
 * {@link PermissionDenied}.
 */
class MessageServiceHandler implements MessageService.Iface {

	/** Most ids in one getMessages or inbox call. */
	static final int MAX_IDS = 1000;

	/** Longest message body, in characters (code points). */
	static final int MAX_BODY_LENGTH = 2000;

	/** Most messages per user in one inbox call. */
	static final int MAX_FIRST = 100;

	private final MessageStore store;

	private final Supplier<String> principal;

	MessageServiceHandler(MessageStore store) {
		this(store, ThriftPrincipal::current);
	}

	/**
	 * A handler whose calls are made for whoever {@code principal} names, instead of the principal
	 * the call carries: for calling the methods without a server.
	 */
	MessageServiceHandler(MessageStore store, Supplier<String> principal) {
		this.store = store;
		this.principal = principal;
	}

	@Override
	public List<Message> getMessages(List<String> ids) throws InvalidArgument {
		checkIds("ids", ids);
		String principal = this.principal.get();
		if (principal == null) {
			return List.of();
		}
		return this.store.find(ids)
			.stream()
			.filter((message) -> principal.equals(message.fromUserId()) || principal.equals(message.toUserId()))
			.map(MessageServiceHandler::toThrift)
			.toList();
	}

	@Override
	public List<Inbox> inbox(List<String> userIds, int first) throws InvalidArgument, PermissionDenied {
		checkIds("userIds", userIds);
		if (first < 1 || first > MAX_FIRST) {
			throw new InvalidArgument("first must be between 1 and " + MAX_FIRST + ", was " + first);
		}
		String principal = this.principal.get();
		if (principal == null) {
			throw new PermissionDenied("permission denied: an anonymous caller may not read an inbox");
		}
		List<String> others = userIds.stream().filter((userId) -> !userId.equals(principal)).distinct().toList();
		if (!others.isEmpty()) {
			throw new PermissionDenied(
					"permission denied: user '" + principal + "' may read only their own inbox, not " + others);
		}
		List<Inbox> inboxes = new ArrayList<>(userIds.size());
		for (String userId : userIds) {
			List<Message> messages = this.store.inbox(userId, first)
				.stream()
				.map(MessageServiceHandler::toThrift)
				.toList();
			inboxes.add(new Inbox(userId, messages));
		}
		return inboxes;
	}

	@Override
	public Message sendMessage(SendMessageRequest request) throws InvalidArgument, NotFound, PermissionDenied {
		if (request == null) {
			throw new InvalidArgument("request must be given");
		}
		String from = required("fromUserId", request.getFromUserId());
		String to = required("toUserId", request.getToUserId());
		String body = required("body", request.getBody());
		String principal = this.principal.get();
		if (principal == null) {
			throw new PermissionDenied("permission denied: an anonymous caller may not send messages");
		}
		if (!principal.equals(from)) {
			throw new PermissionDenied(
					"permission denied: user '" + principal + "' may send only as themselves, not as '" + from + "'");
		}
		if (body.isBlank()) {
			throw new InvalidArgument("body must not be blank");
		}
		int length = body.codePointCount(0, body.length());
		if (length > MAX_BODY_LENGTH) {
			throw new InvalidArgument("body must be at most " + MAX_BODY_LENGTH + " characters, was " + length);
		}
		if (from.equals(to)) {
			throw new InvalidArgument("fromUserId and toUserId must differ, both were '" + from + "'");
		}
		String key = request.getIdempotencyKey();
		if (key != null && (key.isBlank() || key.length() > IdempotencyKeys.MAX_KEY_LENGTH)) {
			throw new InvalidArgument(
					BackendContract.THRIFT_IDEMPOTENCY_KEY_FIELD + " must be 1 to " + IdempotencyKeys.MAX_KEY_LENGTH + " characters and not blank");
		}
		for (String userId : List.of(from, to)) {
			if (!this.store.userExists(userId)) {
				throw new NotFound("No user with id '" + userId + "'");
			}
		}
		try {
			return toThrift(this.store.send(from, to, body, key));
		}
		catch (IdempotencyKeyReusedException ex) {
			throw new InvalidArgument(ex.getMessage());
		}
	}

	private static void checkIds(String name, List<String> ids) throws InvalidArgument {
		if (ids == null || ids.isEmpty()) {
			throw new InvalidArgument(name + " must hold at least one id");
		}
		if (ids.size() > MAX_IDS) {
			throw new InvalidArgument(name + " must hold at most " + MAX_IDS + " ids, was " + ids.size());
		}
		for (String id : ids) {
			if (id == null) {
				throw new InvalidArgument(name + " must not contain null");
			}
		}
	}

	private static String required(String name, String value) throws InvalidArgument {
		if (value == null) {
			throw new InvalidArgument(name + " must be given");
		}
		return value;
	}

	static Message toThrift(StoredMessage message) {
		return new Message(message.id(), message.body(), message.sentAt().toString(), message.fromUserId(),
				message.toUserId());
	}

}

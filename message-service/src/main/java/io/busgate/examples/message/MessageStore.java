package io.busgate.examples.message;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.busgate.backend.IdempotencyKeyReusedException;
import io.busgate.backend.IdempotencyKeys;

/**
 * The in-memory message store: seeded deterministically at startup, then grown by sends.
 *
 * <p>Thread-safe: one read-write lock guards the messages. Reads (lookups, inboxes) far outnumber
 * sends and run in parallel; a send is a few map and list insertions under the write lock.
 *
 * <p>Users are {@code "1"} to {@code "<userCount>"}; user {@code "k"} has index {@code k - 1}.
 * Message ids are decimal numbers counting up from {@code "1"}. Every message is kept, so memory
 * grows with the number of sends.
 *
 * <p>Idempotency keys are the sender's own ({@link IdempotencyKeys}: per sender, at most
 * {@code idempotencyKeysPerUser} each), so the same key from two senders is two sends, and
 * reusing a key for another send is refused. The keys are kept in memory with the messages they
 * protect: a restart loses both.
 */
final class MessageStore {

	/** Where the seeded history starts; the messages follow at random gaps of up to 10 minutes. */
	static final Instant SEED_START = Instant.parse("2025-01-01T00:00:00Z");

	private static final int MAX_SEED_GAP_SECONDS = 600;

	private static final int MIN_WORDS = 3;

	private static final int MAX_WORDS = 14;

	static final List<String> WORDS = List.of("about", "after", "again", "always", "answer", "around", "back",
			"best", "book", "call", "coffee", "come", "concert", "could", "dinner", "done", "early", "evening",
			"every", "friday", "good", "great", "have", "hello", "help", "here", "idea", "just", "know", "late",
			"later", "lunch", "maybe", "meet", "message", "monday", "more", "morning", "movie", "need", "news",
			"next", "nice", "now", "photos", "plan", "please", "project", "question", "quick", "ready", "really",
			"saturday", "see", "send", "soon", "sorry", "still", "sunday", "sure", "tell", "thanks", "there",
			"think", "ticket", "time", "today", "tomorrow", "tonight", "train", "trip", "walk", "want", "week",
			"weekend", "when", "where", "with", "work", "would", "yesterday");

	/** The operation idempotency keys are scoped to. */
	private static final String SEND_MESSAGE = "sendMessage";

	private static final List<String> ENDINGS = List.of(".", ".", ".", "!", "?");

	private final int userCount;

	private final Clock clock;

	private final ReadWriteLock lock = new ReentrantReadWriteLock();

	private final Map<String, StoredMessage> byId = new HashMap<>();

	/** {@code received[i]}: the messages user i received, oldest first. */
	private final List<List<StoredMessage>> received;

	/** The senders' idempotency keys, each with the message it sent. */
	private final IdempotencyKeys<StoredMessage> keys;

	private long lastId;

	/** The newest sentAt so far: sends never go back in time, so inboxes stay in send order. */
	private Instant lastSentAt = SEED_START;

	private MessageStore(int userCount, int idempotencyKeysPerUser, Clock clock) {
		this.userCount = userCount;
		this.keys = new IdempotencyKeys<>(idempotencyKeysPerUser);
		this.clock = clock;
		this.received = new ArrayList<>(userCount);
		for (int i = 0; i < userCount; i++) {
			this.received.add(new ArrayList<>(0));
		}
	}

	/**
	 * A store holding the seeded messages. Deterministic: equal settings give equal messages
	 * (ids, bodies, users and timestamps), on every machine and run.
	 * @param properties user count, seed, seeded message count and idempotency keys per user
	 * @param clock the time of new sends
	 */
	static MessageStore seeded(MessageServiceProperties properties, Clock clock) {
		MessageStore store = new MessageStore(properties.userCount(), properties.idempotencyKeysPerUser(), clock);
		SplittableRandom random = new SplittableRandom(properties.seed());
		int n = properties.userCount();
		Instant sentAt = SEED_START;
		for (int k = 0; k < properties.seededMessages(); k++) {
			sentAt = sentAt.plusSeconds(1 + random.nextInt(MAX_SEED_GAP_SECONDS));
			int from = random.nextInt(n);
			// Any user but the sender: draw from n - 1 and skip over the sender.
			int to = random.nextInt(n - 1);
			if (to >= from) {
				to++;
			}
			store.add(body(random), sentAt, idOf(from), idOf(to));
		}
		return store;
	}

	private static String body(SplittableRandom random) {
		int words = MIN_WORDS + random.nextInt(MAX_WORDS - MIN_WORDS + 1);
		StringBuilder text = new StringBuilder();
		for (int w = 0; w < words; w++) {
			String word = WORDS.get(random.nextInt(WORDS.size()));
			if (w == 0) {
				text.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
			}
			else {
				text.append(' ').append(word);
			}
		}
		return text.append(ENDINGS.get(random.nextInt(ENDINGS.size()))).toString();
	}

	/** Whether a user with this id exists. */
	boolean userExists(String userId) {
		return indexOf(userId) >= 0;
	}

	/** Number of messages stored. */
	int size() {
		this.lock.readLock().lock();
		try {
			return this.byId.size();
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** The messages with the given ids that exist, each once, in the order of their first id. */
	List<StoredMessage> find(Collection<String> ids) {
		this.lock.readLock().lock();
		try {
			List<StoredMessage> found = new ArrayList<>();
			for (String id : new LinkedHashSet<>(ids)) {
				StoredMessage message = this.byId.get(id);
				if (message != null) {
					found.add(message);
				}
			}
			return found;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/** Up to {@code first} messages the user received, newest first; none for an unknown user. */
	List<StoredMessage> inbox(String userId, int first) {
		int index = indexOf(userId);
		if (index < 0) {
			return List.of();
		}
		this.lock.readLock().lock();
		try {
			List<StoredMessage> all = this.received.get(index);
			List<StoredMessage> newest = new ArrayList<>(Math.min(first, all.size()));
			for (int k = all.size() - 1; k >= 0 && newest.size() < first; k--) {
				newest.add(all.get(k));
			}
			return newest;
		}
		finally {
			this.lock.readLock().unlock();
		}
	}

	/**
	 * Stores a new message, or, when the sender used {@code idempotencyKey} before for the same
	 * send, returns the message that send created and stores nothing. The users must exist.
	 * @param idempotencyKey {@code null} for a send that is not to be deduplicated
	 * @throws IdempotencyKeyReusedException if the sender used the key for another send (another
	 * recipient or body)
	 */
	StoredMessage send(String fromUserId, String toUserId, String body, String idempotencyKey) {
		if (!userExists(fromUserId) || !userExists(toUserId)) {
			throw new IllegalArgumentException("unknown user " + fromUserId + " or " + toUserId);
		}
		return this.keys.once(fromUserId, SEND_MESSAGE, idempotencyKey, List.of(fromUserId, toUserId, body),
				() -> store(fromUserId, toUserId, body));
	}

	private StoredMessage store(String fromUserId, String toUserId, String body) {
		this.lock.writeLock().lock();
		try {
			Instant now = this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
			return add(body, now.isAfter(this.lastSentAt) ? now : this.lastSentAt, fromUserId, toUserId);
		}
		finally {
			this.lock.writeLock().unlock();
		}
	}

	/** Adds a message; the caller holds the write lock or is still building the store. */
	private StoredMessage add(String body, Instant sentAt, String fromUserId, String toUserId) {
		StoredMessage message = new StoredMessage(Long.toString(++this.lastId), body, sentAt, fromUserId, toUserId);
		this.byId.put(message.id(), message);
		this.received.get(indexOf(toUserId)).add(message);
		this.lastSentAt = sentAt;
		return message;
	}

	/**
	 * Index of the user with the given id, or -1. Only the canonical spelling is a user, as in
	 * user-service: {@code "7"} is, {@code "07"} and {@code "+7"} are not.
	 */
	int indexOf(String id) {
		try {
			int value = Integer.parseInt(id);
			return (value >= 1 && value <= this.userCount && idOf(value - 1).equals(id)) ? value - 1 : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	static String idOf(int index) {
		return Integer.toString(index + 1);
	}

}

package io.busgate.examples.post;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.Timestamp;

import io.busgate.backend.IdempotencyKeyReusedException;
import io.busgate.backend.IdempotencyKeys;
import io.busgate.examples.post.v1.Post;

/**
 * The in-memory post store: seeded posts of the users {@code "1"} to {@code "<userCount>"},
 * plus the posts created since start.
 *
 * <p>Thread-safe. Reads take no lock: posts are immutable messages, and each author's list is
 * an immutable snapshot that a write replaces. Writes (creations) are serialized by one lock.
 *
 * <p>Idempotency keys are the author's own ({@link IdempotencyKeys}: per author, at most
 * {@code idempotencyKeysPerUser} each), so the same key from two authors is two posts, and
 * reusing a key for another post is refused. The keys are kept in memory with the posts they
 * protect: a restart loses both.
 */
final class PostStore {

	/** Seeded posts are dated up to a year before this instant, so they are the same on every run. */
	static final Instant SEED_EPOCH = Instant.parse("2025-01-01T00:00:00Z");

	/** How many posts the user at 1-based position {@code i} gets when seeded. */
	static final int SEED_CYCLE = 5;

	private static final long SEED_SPAN_SECONDS = 365L * 24 * 60 * 60;

	/** The operation idempotency keys are scoped to. */
	private static final String CREATE_POST = "createPost";

	static final List<String> WORDS = List.of("kafka", "gateway", "batch", "latency", "graph", "query", "topic",
			"partition", "replica", "offset", "schema", "bridge", "reply", "deadline", "retry", "idempotent",
			"stream", "event", "consumer", "producer", "broker", "cluster", "socket", "thread", "future", "promise",
			"cache", "index", "shard", "lease", "quorum", "journal", "ledger", "snapshot", "window", "backlog",
			"signal", "buffer", "channel", "vector", "tuple", "record", "header", "payload", "trace", "span",
			"metric", "alert", "coffee", "morning", "garden", "river", "mountain", "harbor", "lantern", "meadow",
			"winter", "summer", "orbit", "comet", "atlas", "compass", "harvest", "canvas", "melody", "puzzle");

	/** Newest first; posts created in the same instant by id, higher (later) first. */
	static final Comparator<Post> NEWEST_FIRST = Comparator
		.comparingLong((Post post) -> post.getCreatedAt().getSeconds())
		.thenComparingInt((post) -> post.getCreatedAt().getNanos())
		.thenComparingLong((post) -> Long.parseLong(post.getId()))
		.reversed();

	private final int userCount;

	private final Clock clock;

	private final Map<String, Post> byId = new ConcurrentHashMap<>();

	/** Each author's posts, newest first; an immutable list, replaced on each write. */
	private final Map<String, List<Post>> byAuthor = new ConcurrentHashMap<>();

	private final Object writeLock = new Object();

	/** The authors' idempotency keys, each with the post it created. */
	private final IdempotencyKeys<Post> keys;

	/** Guarded by writeLock. */
	private long lastId;

	private PostStore(int userCount, int idempotencyKeysPerUser, Clock clock) {
		this.userCount = userCount;
		this.keys = new IdempotencyKeys<>(idempotencyKeysPerUser);
		this.clock = clock;
	}

	/**
	 * A store with the seeded posts: the user at 1-based position {@code i} has
	 * {@code i % 5} posts, with titles and bodies from {@link #WORDS} and dates in the year
	 * before {@link #SEED_EPOCH}. Deterministic: equal settings give equal posts, ids included.
	 */
	static PostStore seeded(PostServiceProperties properties, Clock clock) {
		PostStore store = new PostStore(properties.userCount(), properties.idempotencyKeysPerUser(), clock);
		SplittableRandom random = new SplittableRandom(properties.seed());
		Map<String, List<Post>> byAuthor = new LinkedHashMap<>();
		for (int user = 1; user <= properties.userCount(); user++) {
			String authorId = Integer.toString(user);
			for (int k = 0; k < user % SEED_CYCLE; k++) {
				Instant createdAt = SEED_EPOCH.minusSeconds(1 + random.nextLong(SEED_SPAN_SECONDS));
				Post post = post(++store.lastId, authorId, title(random), body(random), createdAt);
				store.byId.put(post.getId(), post);
				byAuthor.computeIfAbsent(authorId, (id) -> new ArrayList<>()).add(post);
			}
		}
		byAuthor.forEach((authorId, posts) -> {
			posts.sort(NEWEST_FIRST);
			store.byAuthor.put(authorId, List.copyOf(posts));
		});
		return store;
	}

	/** The post with the given id, if there is one. */
	Optional<Post> find(String id) {
		return Optional.ofNullable(this.byId.get(id));
	}

	/** The newest {@code first} posts of an author, newest first; empty for an unknown author. */
	List<Post> newestByAuthor(String authorId, int first) {
		List<Post> posts = this.byAuthor.getOrDefault(authorId, List.of());
		return posts.subList(0, Math.min(first, posts.size()));
	}

	/**
	 * Whether the id names a user. Only the canonical spelling counts, as in user-service:
	 * {@code "7"} is a user, {@code "07"} and {@code "+7"} are not.
	 */
	boolean isUser(String id) {
		try {
			int value = Integer.parseInt(id);
			return value >= 1 && value <= this.userCount && Integer.toString(value).equals(id);
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	/** Number of posts. */
	int size() {
		return this.byId.size();
	}

	/**
	 * Creates a post dated now, unless the author used the idempotency key before for the same
	 * post: then that post is answered and nothing is created. The caller has validated the post
	 * and its author, who is the caller's principal.
	 * @param idempotencyKey the request's key, or {@code null} to create unconditionally
	 * @throws IdempotencyKeyReusedException if the author used the key for another post (another
	 * title or body)
	 */
	Post create(String authorId, String title, String body, String idempotencyKey) {
		return this.keys.once(authorId, CREATE_POST, idempotencyKey, List.of(authorId, title, body),
				() -> insert(authorId, title, body));
	}

	private Post insert(String authorId, String title, String body) {
		synchronized (this.writeLock) {
			Post post = post(++this.lastId, authorId, title, body, this.clock.instant());
			this.byId.put(post.getId(), post);
			List<Post> posts = new ArrayList<>(this.byAuthor.getOrDefault(authorId, List.of()));
			int at = Collections.binarySearch(posts, post, NEWEST_FIRST);
			posts.add((at < 0) ? -at - 1 : at, post);
			this.byAuthor.put(authorId, List.copyOf(posts));
			return post;
		}
	}

	private static Post post(long id, String authorId, String title, String body, Instant createdAt) {
		return Post.newBuilder()
			.setId(Long.toString(id))
			.setAuthorId(authorId)
			.setTitle(title)
			.setBody(body)
			.setCreatedAt(Timestamp.newBuilder().setSeconds(createdAt.getEpochSecond()).setNanos(createdAt.getNano()))
			.build();
	}

	private static String title(SplittableRandom random) {
		String words = words(random, 3 + random.nextInt(4));
		return Character.toUpperCase(words.charAt(0)) + words.substring(1);
	}

	private static String body(SplittableRandom random) {
		int sentences = 2 + random.nextInt(3);
		StringBuilder body = new StringBuilder();
		for (int s = 0; s < sentences; s++) {
			String words = words(random, 6 + random.nextInt(9));
			body.append((s == 0) ? "" : " ").append(Character.toUpperCase(words.charAt(0))).append(words, 1, words.length())
				.append('.');
		}
		return body.toString();
	}

	private static String words(SplittableRandom random, int count) {
		StringBuilder words = new StringBuilder();
		for (int w = 0; w < count; w++) {
			words.append((w == 0) ? "" : " ").append(WORDS.get(random.nextInt(WORDS.size())));
		}
		return words.toString();
	}

}

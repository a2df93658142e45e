package io.busgate.examples.post;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.busgate.backend.IdempotencyKeyReusedException;
import io.busgate.examples.post.v1.Post;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PostStoreTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

	@Test
	void everyUserHasTheirIndexModuloFivePostsNewestFirstAndDatedBeforeTheSeedEpoch() {
		PostStore store = PostStore.seeded(new PostServiceProperties(100, 42, 10), this.clock);

		assertThat(store.size()).isEqualTo(20 * (0 + 1 + 2 + 3 + 4));
		for (int user = 1; user <= 100; user++) {
			String id = Integer.toString(user);
			List<Post> posts = store.newestByAuthor(id, 100);
			assertThat(posts).hasSize(user % 5).isSortedAccordingTo(PostStore.NEWEST_FIRST);
			assertThat(posts).allSatisfy((post) -> {
				assertThat(post.getAuthorId()).isEqualTo(id);
				assertThat(post.getTitle()).isNotBlank();
				assertThat(post.getBody()).isNotBlank();
				assertThat(post.getCreatedAt().getSeconds()).isLessThan(PostStore.SEED_EPOCH.getEpochSecond());
				assertThat(store.find(post.getId())).contains(post);
			});
		}
	}

	@Test
	void sameSettingsGiveTheSamePostsAndAnotherSeedOthers() {
		PostServiceProperties settings = new PostServiceProperties(50, 7, 10);
		List<Post> first = allPosts(PostStore.seeded(settings, this.clock), 50);

		assertThat(allPosts(PostStore.seeded(settings, this.clock), 50)).isEqualTo(first);
		assertThat(allPosts(PostStore.seeded(new PostServiceProperties(50, 8, 10), this.clock), 50))
			.isNotEqualTo(first);
	}

	@Test
	void newestByAuthorReturnsAtMostFirstAndNothingForStrangers() {
		PostStore store = PostStore.seeded(new PostServiceProperties(10, 42, 10), this.clock);

		assertThat(store.newestByAuthor("4", 2)).hasSize(2);
		assertThat(store.newestByAuthor("5", 10)).isEmpty();
		assertThat(store.newestByAuthor("11", 10)).isEmpty();
	}

	@Test
	void createdPostIsDatedNowGetsTheNextIdAndComesFirst() {
		PostStore store = PostStore.seeded(new PostServiceProperties(10, 42, 10), this.clock);
		int before = store.size();

		Post post = store.create("4", "Hello", "World", null);

		assertThat(post.getId()).isEqualTo(Integer.toString(before + 1));
		assertThat(post.getCreatedAt().getSeconds()).isEqualTo(NOW.getEpochSecond());
		assertThat(store.newestByAuthor("4", 1)).containsExactly(post);
		assertThat(store.newestByAuthor("4", 10)).hasSize(5).isSortedAccordingTo(PostStore.NEWEST_FIRST);
		assertThat(store.find(post.getId())).contains(post);
	}

	@Test
	void idempotencyKeyAnswersTheFirstPostAndCreatesNothingMore() {
		PostStore store = PostStore.seeded(new PostServiceProperties(10, 42, 10), this.clock);
		Post first = store.create("1", "Once", "", "key-1");
		int size = store.size();

		assertThat(store.create("1", "Once", "", "key-1")).isEqualTo(first);
		assertThat(store.size()).isEqualTo(size);
		assertThat(store.create("1", "Other key", "", "key-2")).isNotEqualTo(first);
		assertThat(store.create("1", "No key", "", null)).isNotEqualTo(first);
		assertThat(store.size()).isEqualTo(size + 2);
	}

	@Test
	void keyReusedByItsAuthorForAnotherPostIsRefusedAndCreatesNothing() {
		PostStore store = PostStore.seeded(new PostServiceProperties(10, 42, 10), this.clock);
		Post first = store.create("1", "Once", "body", "k");
		int size = store.size();

		for (String[] other : new String[][] { { "Twice?", "body" }, { "Once", "other body" } }) {
			assertThatExceptionOfType(IdempotencyKeyReusedException.class)
				.isThrownBy(() -> store.create("1", other[0], other[1], "k"))
				.withMessage("idempotency key 'k' was used for a different request");
		}
		assertThat(store.create("1", "Once", "body", "k")).isEqualTo(first);
		assertThat(store.size()).isEqualTo(size);
	}

	@Test
	void sameKeyFromTwoAuthorsIsTwoPostsEachAnsweredWithItsOwn() {
		PostStore store = PostStore.seeded(new PostServiceProperties(10, 42, 10), this.clock);

		Post byTwo = store.create("2", "from two", "", "kx-9");
		Post byOne = store.create("1", "from one", "", "kx-9");

		assertThat(byOne.getId()).isNotEqualTo(byTwo.getId());
		assertThat(byOne.getAuthorId()).isEqualTo("1");
		assertThat(byOne.getTitle()).isEqualTo("from one");
		assertThat(store.create("2", "from two", "", "kx-9")).isEqualTo(byTwo);
		assertThat(store.create("1", "from one", "", "kx-9")).isEqualTo(byOne);
	}

	@Test
	void oneAuthorsKeysAreNotPushedOutByAnothersCreates() {
		PostStore store = PostStore.seeded(new PostServiceProperties(10, 42, 2), this.clock);
		Post kept = store.create("1", "mine", "", "k");

		for (int i = 0; i < 50; i++) {
			store.create("3", "flood " + i, "", "flood-" + i);
		}
		int size = store.size();

		assertThat(store.create("1", "mine", "", "k")).isEqualTo(kept);
		assertThat(store.size()).isEqualTo(size);
	}

	@Test
	void eachAuthorsRecordKeepsTheirMostRecentlyUsedKeys() {
		PostStore store = PostStore.seeded(new PostServiceProperties(10, 42, 2), this.clock);
		Post a = store.create("1", "a", "", "a");
		Post b = store.create("1", "b", "", "b");
		store.create("1", "a", "", "a"); // a is now the most recently used
		store.create("1", "c", "", "c"); // pushes out b, the author's least recently used key

		assertThat(store.create("1", "a", "", "a")).isEqualTo(a);
		assertThat(store.create("1", "b", "", "b").getId()).isNotEqualTo(b.getId());
	}

	@Test
	void concurrentCreatesWithOneKeyCreateOnePost() throws Exception {
		PostStore store = PostStore.seeded(new PostServiceProperties(10, 42, 100), this.clock);
		int size = store.size();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		CountDownLatch start = new CountDownLatch(1);
		Set<Post> answers = ConcurrentHashMap.newKeySet();
		List<Future<?>> calls = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			calls.add(pool.submit(() -> {
				start.await();
				return answers.add(store.create("3", "race", "", "same-key"));
			}));
		}
		start.countDown();
		for (Future<?> call : calls) {
			call.get(10, TimeUnit.SECONDS);
		}
		pool.shutdown();

		assertThat(answers).hasSize(1);
		assertThat(store.size()).isEqualTo(size + 1);
	}

	@Test
	void onlyCanonicalIdsUpToTheUserCountAreUsers() {
		PostStore store = PostStore.seeded(new PostServiceProperties(10, 42, 10), this.clock);

		assertThat(store.isUser("1")).isTrue();
		assertThat(store.isUser("10")).isTrue();
		assertThat(List.of("", "0", "01", "+1", "11", "x", "99999999999")).noneMatch(store::isUser);
	}

	private static List<Post> allPosts(PostStore store, int users) {
		List<Post> posts = new ArrayList<>();
		for (int user = 1; user <= users; user++) {
			posts.addAll(store.newestByAuthor(Integer.toString(user), 100));
		}
		return posts;
	}

}

package io.busgate.examples.message;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.busgate.backend.IdempotencyKeyReusedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MessageStoreTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00.123456Z"), ZoneOffset.UTC);

	@Test
	void seedingIsDeterministic() {
		MessageStore first = MessageStore.seeded(properties(100, 2000, 10), CLOCK);
		MessageStore second = MessageStore.seeded(properties(100, 2000, 10), CLOCK);

		List<String> ids = IntStream.rangeClosed(1, 2000).mapToObj(Integer::toString).toList();
		assertThat(first.find(ids)).hasSize(2000).isEqualTo(second.find(ids));
		assertThat(first.find(List.of("2001"))).isEmpty();
	}

	@Test
	void seededMessagesLinkTwoDistinctSeededUsersInTimeOrder() {
		MessageStore store = MessageStore.seeded(properties(50, 1000, 10), CLOCK);

		List<StoredMessage> all = store.find(IntStream.rangeClosed(1, 1000).mapToObj(Integer::toString).toList());

		assertThat(all).allSatisfy((message) -> {
			assertThat(store.userExists(message.fromUserId())).isTrue();
			assertThat(store.userExists(message.toUserId())).isTrue();
			assertThat(message.fromUserId()).isNotEqualTo(message.toUserId());
			assertThat(message.body()).isNotBlank().matches("[A-Z][a-z ]+[.!?]");
			assertThat(message.sentAt()).isAfter(MessageStore.SEED_START).isBefore(CLOCK.instant());
		});
		assertThat(all).isSortedAccordingTo(Comparator.comparing(StoredMessage::sentAt));
	}

	@Test
	void inboxIsNewestFirstAndCappedAndEmptyForUnknownUsers() {
		MessageStore store = MessageStore.seeded(properties(5, 200, 10), CLOCK);

		List<StoredMessage> inbox = store.inbox("3", 100);
		List<StoredMessage> firstThree = store.inbox("3", 3);

		assertThat(inbox).isNotEmpty().allSatisfy((message) -> assertThat(message.toUserId()).isEqualTo("3"));
		assertThat(inbox).isSortedAccordingTo(Comparator.comparing(StoredMessage::sentAt).reversed());
		assertThat(firstThree).isEqualTo(inbox.subList(0, 3));
		assertThat(store.inbox("6", 10)).isEmpty();
		assertThat(store.inbox("03", 10)).isEmpty();
	}

	@Test
	void sendIsStoredAtTheClocksTimeAndReachesTheInbox() {
		MessageStore store = MessageStore.seeded(properties(10, 20, 10), CLOCK);

		StoredMessage sent = store.send("1", "2", "hello", null);

		assertThat(sent.id()).isEqualTo("21");
		assertThat(sent.sentAt()).isEqualTo(Instant.parse("2026-03-01T12:00:00.123Z"));
		assertThat(store.inbox("2", 1)).containsExactly(sent);
		assertThat(store.find(List.of("21"))).containsExactly(sent);
	}

	@Test
	void repeatedIdempotencyKeyReturnsTheFirstMessageAndCreatesNothing() {
		MessageStore store = MessageStore.seeded(properties(10, 0, 10), CLOCK);

		StoredMessage first = store.send("1", "2", "hello", "key-1");
		StoredMessage again = store.send("1", "2", "hello", "key-1");
		StoredMessage other = store.send("1", "2", "hello", "key-2");

		assertThat(again).isSameAs(first);
		assertThat(other.id()).isNotEqualTo(first.id());
		assertThat(store.size()).isEqualTo(2);
	}

	@Test
	void sameKeyFromTwoSendersIsTwoSendsEachAnsweredWithItsOwn() {
		MessageStore store = MessageStore.seeded(properties(10, 0, 10), CLOCK);

		StoredMessage fromTwo = store.send("2", "3", "from two", "kx-9");
		StoredMessage fromOne = store.send("1", "4", "from one", "kx-9");

		assertThat(fromOne.id()).isNotEqualTo(fromTwo.id());
		assertThat(fromOne).extracting(StoredMessage::fromUserId, StoredMessage::toUserId, StoredMessage::body)
			.containsExactly("1", "4", "from one");
		assertThat(store.send("2", "3", "from two", "kx-9")).isSameAs(fromTwo);
		assertThat(store.send("1", "4", "from one", "kx-9")).isSameAs(fromOne);
		assertThat(store.inbox("4", 10)).containsExactly(fromOne);
		assertThat(store.size()).isEqualTo(2);
	}

	@Test
	void keyReusedByItsSenderForAnotherSendIsRefusedAndSendsNothing() {
		MessageStore store = MessageStore.seeded(properties(10, 0, 10), CLOCK);
		StoredMessage first = store.send("1", "2", "hello", "k");

		for (String[] other : new String[][] { { "1", "3", "hello" }, { "1", "2", "hello!" } }) {
			assertThatExceptionOfType(IdempotencyKeyReusedException.class)
				.isThrownBy(() -> store.send(other[0], other[1], other[2], "k"))
				.withMessage("idempotency key 'k' was used for a different request");
		}
		assertThat(store.send("1", "2", "hello", "k")).isSameAs(first);
		assertThat(store.size()).isEqualTo(1);
	}

	@Test
	void oneSendersKeysAreNotPushedOutByAnothersSends() {
		MessageStore store = MessageStore.seeded(properties(10, 0, 2), CLOCK);
		StoredMessage kept = store.send("1", "2", "mine", "k");

		for (int i = 0; i < 50; i++) {
			store.send("3", "2", "flood " + i, "flood-" + i);
		}

		assertThat(store.send("1", "2", "mine", "k")).isSameAs(kept);
		assertThat(store.size()).isEqualTo(51);
	}

	@Test
	void eachSendersRecordKeepsTheirMostRecentlyUsedKeys() {
		MessageStore store = MessageStore.seeded(properties(10, 0, 2), CLOCK);
		StoredMessage a = store.send("1", "2", "a", "a");
		store.send("1", "2", "b", "b");
		store.send("1", "2", "a", "a"); // a is now more recently used than b
		store.send("1", "2", "c", "c"); // pushes out b, the sender's least recently used key

		assertThat(store.send("1", "2", "a", "a")).isSameAs(a);
		assertThat(store.send("1", "2", "b", "b").id()).isEqualTo("4");
		assertThat(store.size()).isEqualTo(4);
	}

	@Test
	void concurrentSendsGetDistinctIdsAndRepeatedKeysOneMessage() throws Exception {
		MessageStore store = MessageStore.seeded(properties(100, 0, 10_000), CLOCK);
		ExecutorService pool = Executors.newFixedThreadPool(8);
		Set<String> ids = ConcurrentHashMap.newKeySet();
		try {
			List<Future<?>> sends = new ArrayList<>();
			for (int k = 0; k < 2000; k++) {
				String key = "key-" + (k % 1000);
				sends.add(pool.submit(() -> ids.add(store.send("1", "2", "hi", key).id())));
			}
			for (Future<?> send : sends) {
				send.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(ids).hasSize(1000);
		assertThat(store.size()).isEqualTo(1000);
		assertThat(store.inbox("2", 100)).hasSize(100);
	}

	@Test
	void onlyCanonicalIdsAreUsers() {
		MessageStore store = MessageStore.seeded(properties(10, 0, 10), CLOCK);

		assertThat(store.userExists("1")).isTrue();
		assertThat(store.userExists("10")).isTrue();
		assertThat(List.of("0", "11", "01", "+1", "", "1a", "99999999999")).noneMatch(store::userExists);
		assertThat(store.userExists(null)).isFalse();
	}

	static MessageServiceProperties properties(int userCount, int seededMessages, int idempotencyKeysPerUser) {
		return new MessageServiceProperties("127.0.0.1", 0, 1, 2, DataSize.ofKilobytes(64), userCount, 42L,
				seededMessages, idempotencyKeysPerUser);
	}

}

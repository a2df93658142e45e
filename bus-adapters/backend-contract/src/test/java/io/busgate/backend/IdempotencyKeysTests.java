package io.busgate.backend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class IdempotencyKeysTests {

	private final AtomicInteger made = new AtomicInteger();

	private String make() {
		return "result-" + this.made.incrementAndGet();
	}

	@Test
	void repeatIsAnsweredWithTheFirstResultAndRunsNothing() {
		IdempotencyKeys<String> keys = new IdempotencyKeys<>(10);

		String first = keys.once("1", "create", "k", List.of("a", "b"), this::make);

		assertThat(keys.once("1", "create", "k", List.of("a", "b"), this::make)).isEqualTo(first);
		assertThat(this.made).hasValue(1);
	}

	@Test
	void withoutKeyEveryRequestRuns() {
		IdempotencyKeys<String> keys = new IdempotencyKeys<>(10);

		assertThat(keys.once("1", "create", null, List.of("a"), this::make))
			.isNotEqualTo(keys.once("1", "create", null, List.of("a"), this::make));
		assertThat(keys.once(null, "create", null, List.of("a"), this::make)).isEqualTo("result-3");
	}

	@Test
	void keyReusedForOtherFieldsIsRefusedAndRunsNothing() {
		IdempotencyKeys<String> keys = new IdempotencyKeys<>(10);
		String first = keys.once("1", "create", "k", List.of("a", "b"), this::make);

		for (List<String> other : List.of(List.of("a", "c"), List.of("ab"), List.of("a", "b", ""), List.of("b", "a"))) {
			assertThatExceptionOfType(IdempotencyKeyReusedException.class)
				.isThrownBy(() -> keys.once("1", "create", "k", other, this::make))
				.withMessage("idempotency key 'k' was used for a different request")
				.satisfies((ex) -> assertThat(ex.idempotencyKey()).isEqualTo("k"));
		}
		assertThat(keys.once("1", "create", "k", List.of("a", "b"), this::make)).isEqualTo(first);
		assertThat(this.made).hasValue(1);
	}

	@Test
	void nullFieldIsNotTheSameAsAnyString() {
		IdempotencyKeys<String> keys = new IdempotencyKeys<>(10);
		keys.once("1", "create", "k", Arrays.asList("a", null), this::make);

		assertThatExceptionOfType(IdempotencyKeyReusedException.class)
			.isThrownBy(() -> keys.once("1", "create", "k", List.of("a", ""), this::make));
		assertThatExceptionOfType(IdempotencyKeyReusedException.class)
			.isThrownBy(() -> keys.once("1", "create", "k", List.of("a", "-"), this::make));
	}

	@Test
	void sameKeyFromTwoPrincipalsIsTwoRequests() {
		IdempotencyKeys<String> keys = new IdempotencyKeys<>(10);

		String byOne = keys.once("1", "create", "k", List.of("one"), this::make);
		String byTwo = keys.once("2", "create", "k", List.of("two"), this::make);

		assertThat(byOne).isNotEqualTo(byTwo);
		assertThat(keys.once("1", "create", "k", List.of("one"), this::make)).isEqualTo(byOne);
		assertThat(keys.once("2", "create", "k", List.of("two"), this::make)).isEqualTo(byTwo);
	}

	@Test
	void sameKeyForTwoOperationsIsTwoRequests() {
		IdempotencyKeys<String> keys = new IdempotencyKeys<>(10);

		String created = keys.once("1", "create", "k", List.of("a"), this::make);
		String deleted = keys.once("1", "delete", "k", List.of("a"), this::make);

		assertThat(created).isNotEqualTo(deleted);
		assertThat(keys.once("1", "delete", "k", List.of("a"), this::make)).isEqualTo(deleted);
	}

	@Test
	void eachPrincipalKeepsTheirMostRecentlyUsedKeys() {
		IdempotencyKeys<String> keys = new IdempotencyKeys<>(2);
		String a = keys.once("1", "create", "a", List.of("a"), this::make);
		keys.once("1", "create", "b", List.of("b"), this::make);
		keys.once("1", "create", "a", List.of("a"), this::make); // a is now more recently used than b
		keys.once("1", "create", "c", List.of("c"), this::make); // pushes out b

		assertThat(keys.once("1", "create", "a", List.of("a"), this::make)).isEqualTo(a);
		assertThat(this.made).hasValue(3);
		assertThat(keys.once("1", "create", "b", List.of("b"), this::make)).isEqualTo("result-4");
	}

	@Test
	void onePrincipalsKeysAreNotPushedOutByAnothersRequests() {
		IdempotencyKeys<String> keys = new IdempotencyKeys<>(2);
		String kept = keys.once("1", "create", "k", List.of("mine"), this::make);

		for (int i = 0; i < 50; i++) {
			keys.once("3", "create", "flood-" + i, List.of("flood " + i), this::make);
		}

		assertThat(keys.once("1", "create", "k", List.of("mine"), this::make)).isEqualTo(kept);
		assertThat(this.made).hasValue(51);
	}

	@Test
	void requestThatFailsIsNotRemembered() {
		IdempotencyKeys<String> keys = new IdempotencyKeys<>(10);

		assertThatIllegalArgumentException().isThrownBy(() -> keys.once("1", "create", "k", List.of("a"), () -> {
			throw new IllegalArgumentException("no");
		}));

		assertThat(keys.once("1", "create", "k", List.of("a"), this::make)).isEqualTo("result-1");
	}

	@Test
	void concurrentRepeatsRunOnce() throws Exception {
		IdempotencyKeys<String> keys = new IdempotencyKeys<>(10);
		int callers = 8;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(callers);
		try {
			List<Future<String>> answers = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				answers.add(executor.submit(() -> {
					start.await();
					return keys.once("1", "create", "k", List.of("a"), this::make);
				}));
			}
			start.countDown();
			for (Future<String> answer : answers) {
				assertThat(answer.get()).isEqualTo("result-1");
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.made).hasValue(1);
	}

	@Test
	void recordOfNoKeysIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new IdempotencyKeys<>(0))
			.withMessage("keysPerPrincipal must be at least 1, was 0");
	}

}

package io.busgate.bus.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class PendingRepliesTests {

	private final PendingReplies<String> pending = new PendingReplies<>(10_000);

	@AfterEach
	void close() {
		this.pending.close();
	}

	@Test
	void replyCompletesItsRequestAndLeavesTheMap() throws Exception {
		CompletableFuture<String> request = this.pending.register("c-1", Duration.ofSeconds(10));

		assertThat(this.pending.complete("c-1", "x")).isTrue();

		assertThat(request.get()).isEqualTo("x");
		assertThat(this.pending.size()).isZero();
	}

	@Test
	void timeoutFailsTheRequestNamingItAndTheLateReplyIsIgnored() {
		CompletableFuture<String> request = this.pending.register("c-1", Duration.ofMillis(50));

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(request::get)
			.havingCause()
			.isInstanceOf(ReplyTimeoutException.class)
			.withMessage("no reply to request c-1 within 50 ms");
		await().until(() -> this.pending.size() == 0);
		assertThat(this.pending.complete("c-1", "late")).isFalse();
	}

	@Test
	void aReplyForAnUnknownIdIsIgnoredAndCompletesNothing() {
		CompletableFuture<String> request = this.pending.register("c-1", Duration.ofSeconds(10));

		assertThat(this.pending.complete("c-2", "someone else's")).isFalse();

		assertThat(request).isNotDone();
		assertThat(this.pending.size()).isEqualTo(1);
	}

	@Test
	void failedRequestLeavesTheMap() {
		CompletableFuture<String> request = this.pending.register("c-1", Duration.ofSeconds(10));

		assertThat(this.pending.fail("c-1", new IllegalStateException("broken reply"))).isTrue();

		assertThat(request).isCompletedExceptionally();
		assertThat(this.pending.size()).isZero();
		assertThat(this.pending.fail("c-1", new IllegalStateException("again"))).isFalse();
	}

	@Test
	void manyRequestsLeaveNothingBehindWhateverHappensToThem() {
		IntStream.range(0, 3000).forEach((i) -> this.pending.register("c-" + i, Duration.ofMillis(100)));
		IntStream.range(0, 1000).forEach((i) -> this.pending.complete("c-" + i, "ok"));
		IntStream.range(1000, 2000).forEach((i) -> this.pending.fail("c-" + i, new IllegalStateException()));

		await().until(() -> this.pending.size() == 0);
	}

	@Test
	void correlationIdIsRegisteredOnlyOnce() {
		this.pending.register("c-1", Duration.ofSeconds(10));

		assertThatIllegalStateException().isThrownBy(() -> this.pending.register("c-1", Duration.ofSeconds(10)));
	}

	@Test
	void beyondItsMaximumANewRequestIsRefusedUntilOneLeaves() {
		try (PendingReplies<String> pending = new PendingReplies<>(3)) {
			CompletableFuture<String> first = pending.register("c-1", Duration.ofSeconds(10));
			pending.register("c-2", Duration.ofSeconds(10));
			pending.register("c-3", Duration.ofMillis(50));

			assertThatExceptionOfType(RejectedExecutionException.class)
				.isThrownBy(() -> pending.register("c-4", Duration.ofSeconds(10)))
				.withMessageContaining("3 requests wait");
			assertThat(pending.size()).isEqualTo(3);

			// A timeout, a reply and a failure each make room for one more.
			await().until(() -> pending.size() == 2);
			assertThat(pending.register("c-4", Duration.ofSeconds(10))).isNotDone();
			pending.complete("c-1", "ok");
			assertThat(first).isCompleted();
			assertThat(pending.register("c-5", Duration.ofSeconds(10))).isNotDone();
			pending.fail("c-2", new IllegalStateException("broken reply"));
			assertThat(pending.register("c-6", Duration.ofSeconds(10))).isNotDone();
			assertThatExceptionOfType(RejectedExecutionException.class)
				.isThrownBy(() -> pending.register("c-7", Duration.ofSeconds(10)));
		}
	}

	@Test
	void aRefusedDuplicateTakesNoRoom() {
		try (PendingReplies<String> pending = new PendingReplies<>(2)) {
			pending.register("c-1", Duration.ofSeconds(10));

			assertThatIllegalStateException().isThrownBy(() -> pending.register("c-1", Duration.ofSeconds(10)));

			assertThat(pending.size()).isEqualTo(1);
			assertThat(pending.register("c-2", Duration.ofSeconds(10))).isNotDone();
		}
	}

	@Test
	void concurrentRequestsNeverExceedTheMaximum() throws Exception {
		try (PendingReplies<String> pending = new PendingReplies<>(100)) {
			List<Boolean> accepted = Collections.synchronizedList(new ArrayList<>());
			List<Thread> threads = IntStream.range(0, 4).mapToObj((t) -> new Thread(() -> {
				for (int i = 0; i < 1000; i++) {
					try {
						pending.register(t + "-" + i, Duration.ofSeconds(10));
						accepted.add(true);
					}
					catch (RejectedExecutionException ex) {
						accepted.add(false);
					}
				}
			})).toList();
			threads.forEach(Thread::start);
			for (Thread thread : threads) {
				thread.join();
			}

			assertThat(accepted).hasSize(4000).filteredOn(Boolean::booleanValue).hasSize(100);
			assertThat(pending.size()).isEqualTo(100);
		}
	}

	@Test
	void closeFailsEveryWaitingRequestAndRefusesNewOnes() {
		CompletableFuture<String> first = this.pending.register("c-1", Duration.ofSeconds(10));
		CompletableFuture<String> second = this.pending.register("c-2", Duration.ofSeconds(10));

		this.pending.close();

		assertThat(List.of(first, second)).allSatisfy((request) -> assertThat(request).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("closed while request c-"));
		assertThat(this.pending.size()).isZero();
		assertThatIllegalStateException().isThrownBy(() -> this.pending.register("c-3", Duration.ofSeconds(10)))
			.withMessageContaining("closed");
	}

}

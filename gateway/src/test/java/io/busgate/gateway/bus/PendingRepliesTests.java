package io.busgate.gateway.bus;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.busgate.bus.BusReply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class PendingRepliesTests {

	private final PendingReplies pending = new PendingReplies();

	@Test
	void replyCompletesItsRequestAndLeavesTheMap() throws Exception {
		CompletableFuture<BusReply> request = this.pending.register("c-1", Duration.ofSeconds(10));

		assertThat(this.pending.complete(BusReply.ok("c-1", List.of("x")))).isTrue();

		assertThat(request.get().items()).containsExactly("x");
		assertThat(this.pending.size()).isZero();
	}

	@Test
	void timeoutFailsTheRequestAndLeavesTheMapAndTheLateReplyIsDropped() {
		CompletableFuture<BusReply> request = this.pending.register("c-1", Duration.ofMillis(50));

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(request::get)
			.withCauseInstanceOf(TimeoutException.class);
		await().until(() -> this.pending.size() == 0);
		assertThat(this.pending.complete(BusReply.ok("c-1", List.of()))).isFalse();
	}

	@Test
	void failedRequestLeavesTheMap() {
		CompletableFuture<BusReply> request = this.pending.register("c-1", Duration.ofSeconds(10));

		assertThat(this.pending.fail("c-1", new IllegalStateException("broken reply"))).isTrue();

		assertThat(request).isCompletedExceptionally();
		assertThat(this.pending.size()).isZero();
		assertThat(this.pending.fail("c-1", new IllegalStateException("again"))).isFalse();
	}

	@Test
	void manyRequestsLeaveNothingBehindWhateverHappensToThem() {
		IntStream.range(0, 3000).forEach((i) -> this.pending.register("c-" + i, Duration.ofMillis(100)));
		IntStream.range(0, 1000).forEach((i) -> this.pending.complete(BusReply.ok("c-" + i, List.of())));
		IntStream.range(1000, 2000).forEach((i) -> this.pending.fail("c-" + i, new IllegalStateException()));

		await().until(() -> this.pending.size() == 0);
	}

	@Test
	void correlationIdIsRegisteredOnlyOnce() {
		this.pending.register("c-1", Duration.ofSeconds(10));

		assertThatIllegalStateException().isThrownBy(() -> this.pending.register("c-1", Duration.ofSeconds(10)));
	}

}

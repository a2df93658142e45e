package io.busgate.gateway.limits;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The token buckets on a clock the tests move. */
class ClientBucketsTests {

	private final MutableClock clock = new MutableClock();

	/** 10 per second sustained, 3 at once. */
	private final ClientBuckets buckets = new ClientBuckets(10, Duration.ofSeconds(1), 3, 100, this.clock);

	@Test
	void burstIsAdmittedAndTheRequestAfterItWaitsForTheNextToken() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.buckets.acquire("a")).isZero();
		}

		// Up to a nanosecond of rounding.
		assertThat(this.buckets.acquire("a")).isBetween(Duration.ofMillis(100), Duration.ofNanos(100_000_001));
		this.clock.advance(Duration.ofMillis(40));
		assertThat(this.buckets.acquire("a")).isBetween(Duration.ofMillis(60), Duration.ofNanos(60_000_001));
	}

	@Test
	void clientUnderTheRateIsNeverRefused() {
		for (int i = 0; i < 100; i++) {
			assertThat(this.buckets.acquire("a")).isZero();
			this.clock.advance(Duration.ofMillis(100));
		}
	}

	@Test
	void clientsHaveBucketsOfTheirOwn() {
		for (int i = 0; i < 3; i++) {
			this.buckets.acquire("a");
		}

		assertThat(this.buckets.acquire("a")).isPositive();
		assertThat(this.buckets.acquire("b")).isZero();
	}

	@Test
	void refilledBucketAdmitsAgainUpToTheBurstOnly() {
		for (int i = 0; i < 3; i++) {
			this.buckets.acquire("a");
		}
		assertThat(this.buckets.acquire("a")).isPositive();

		this.clock.advance(Duration.ofMillis(100));
		assertThat(this.buckets.acquire("a")).isZero();
		assertThat(this.buckets.acquire("a")).isPositive();

		this.clock.advance(Duration.ofHours(1));
		for (int i = 0; i < 3; i++) {
			assertThat(this.buckets.acquire("a")).isZero();
		}
		assertThat(this.buckets.acquire("a")).isPositive();
	}

	@Test
	void idleClientsAreDroppedOnceTheirBucketWouldBeFull() {
		this.buckets.acquire("a");
		this.buckets.acquire("b");
		assertThat(this.buckets.clients()).isEqualTo(2);

		// A full refill takes 300 ms; "b" stays busy, "a" goes idle.
		this.clock.advance(Duration.ofMillis(200));
		this.buckets.acquire("b");
		this.clock.advance(Duration.ofMillis(200));
		this.buckets.acquire("b");

		assertThat(this.buckets.clients()).isEqualTo(1);
	}

	@Test
	void clientsBeyondTheMostTrackedShareOneBucket() {
		ClientBuckets small = new ClientBuckets(10, Duration.ofSeconds(1), 2, 2, this.clock);
		small.acquire("a");
		small.acquire("b");

		assertThat(small.acquire("c")).isZero();
		assertThat(small.acquire("d")).isZero();
		assertThat(small.acquire("e")).isPositive();
		assertThat(small.clients()).isEqualTo(2);
		assertThat(small.acquire("a")).isZero();
	}

}

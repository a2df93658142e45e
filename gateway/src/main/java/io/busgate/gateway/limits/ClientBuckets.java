package io.busgate.gateway.limits;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket per client: each holds up to {@code burst} tokens and refills at
 * {@code requests} per {@code period}; a request takes one token or waits for it.
 *
 * <p>Memory is bounded twice. A bucket left alone long enough to be full again is the same as
 * no bucket, so idle ones are dropped, in a sweep at most once per refill time (scanning the map
 * on the request thread that finds it due). And at most {@code maxClients} clients have a bucket
 * of their own: while the map is full, new clients share one overflow bucket until the sweep
 * makes room, so a flood of fresh addresses throttles itself instead of growing the map.
 */
final class ClientBuckets {

	private final Clock clock;

	private final double burst;

	private final double tokensPerNano;

	/** How long an empty bucket takes to be full again: idle longer, it can be dropped. */
	private final long refillNanos;

	private final int maxClients;

	private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

	private final Bucket overflow;

	private final AtomicLong nextSweep;

	ClientBuckets(int requests, Duration period, int burst, int maxClients, Clock clock) {
		this.clock = clock;
		this.burst = burst;
		this.tokensPerNano = requests / (double) period.toNanos();
		this.refillNanos = (long) Math.ceil(burst / this.tokensPerNano);
		this.maxClients = maxClients;
		long now = nanos();
		this.overflow = new Bucket(now);
		this.nextSweep = new AtomicLong(now + this.refillNanos);
	}

	/**
	 * Takes a token from the client's bucket.
	 * @param client who asks
	 * @return {@link Duration#ZERO} if the request may go ahead, otherwise how long until the
	 * client's next token
	 */
	Duration acquire(String client) {
		long now = nanos();
		sweepIfDue(now);
		Bucket bucket = this.buckets.get(client);
		if (bucket == null) {
			bucket = (this.buckets.size() < this.maxClients)
					? this.buckets.computeIfAbsent(client, (key) -> new Bucket(now)) : this.overflow;
		}
		return bucket.take(now);
	}

	/** A wait in whole seconds, rounded up, at least 1: for {@code Retry-After} and messages. */
	static long wholeSeconds(Duration wait) {
		return Math.max(1, (wait.toNanos() + 999_999_999) / 1_000_000_000);
	}

	/** Clients that have a bucket of their own. */
	int clients() {
		return this.buckets.size();
	}

	private void sweepIfDue(long now) {
		long due = this.nextSweep.get();
		if (now - due >= 0 && this.nextSweep.compareAndSet(due, now + this.refillNanos)) {
			this.buckets.values().removeIf((bucket) -> bucket.idleSince(now));
		}
	}

	private long nanos() {
		Instant now = this.clock.instant();
		return now.getEpochSecond() * 1_000_000_000L + now.getNano();
	}

	private final class Bucket {

		private double tokens = ClientBuckets.this.burst;

		private long updated;

		Bucket(long now) {
			this.updated = now;
		}

		synchronized Duration take(long now) {
			if (now > this.updated) {
				this.tokens = Math.min(ClientBuckets.this.burst,
						this.tokens + (now - this.updated) * ClientBuckets.this.tokensPerNano);
				this.updated = now;
			}
			if (this.tokens >= 1) {
				this.tokens -= 1;
				return Duration.ZERO;
			}
			return Duration.ofNanos((long) Math.ceil((1 - this.tokens) / ClientBuckets.this.tokensPerNano));
		}

		/** Whether it has been left alone long enough to be full again. */
		synchronized boolean idleSince(long now) {
			return now - this.updated >= ClientBuckets.this.refillNanos;
		}

	}

}

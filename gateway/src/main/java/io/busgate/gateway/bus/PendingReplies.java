package io.busgate.gateway.bus;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.busgate.bus.BusReply;
import io.busgate.bus.BusStatus;

/**
 * Requests waiting for their reply, by correlation id, at most {@code maxSize} at once. An entry
 * leaves the map when its reply arrives, when its timeout fires, or when it fails otherwise; a
 * reply that finds no entry (it came too late) is dropped.
 */
final class PendingReplies {

	private final Map<String, CompletableFuture<BusReply>> pending = new ConcurrentHashMap<>();

	private final int maxSize;

	/** Entries registered and not yet completed; the map's own size is only an estimate. */
	private final AtomicInteger size = new AtomicInteger();

	PendingReplies(int maxSize) {
		this.maxSize = maxSize;
	}

	/**
	 * Registers a request; the future fails with a {@code TimeoutException} after {@code timeout}.
	 * @throws BusFieldException with {@code UNAVAILABLE} when {@code maxSize} requests wait already
	 */
	CompletableFuture<BusReply> register(String correlationId, Duration timeout) {
		reserve();
		CompletableFuture<BusReply> reply = new CompletableFuture<>();
		if (this.pending.putIfAbsent(correlationId, reply) != null) {
			this.size.decrementAndGet();
			throw new IllegalStateException("correlation id " + correlationId + " is already waiting for a reply");
		}
		reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((result, failure) -> {
			this.pending.remove(correlationId, reply);
			this.size.decrementAndGet();
		});
		return reply;
	}

	private void reserve() {
		int size;
		do {
			size = this.size.get();
			if (size >= this.maxSize) {
				throw BusFieldException.of(BusStatus.UNAVAILABLE, "this gateway waits for " + this.maxSize
						+ " replies already (busgate.gateway.bus.max-pending-replies); try again later");
			}
		}
		while (!this.size.compareAndSet(size, size + 1));
	}

	/** Completes the request a reply answers; {@code false} if nobody waits for it any more. */
	boolean complete(BusReply reply) {
		CompletableFuture<BusReply> waiting = this.pending.remove(reply.correlationId());
		return waiting != null && waiting.complete(reply);
	}

	/** Fails a request, e.g. because its reply could not be decoded. */
	boolean fail(String correlationId, Throwable failure) {
		CompletableFuture<BusReply> waiting = this.pending.remove(correlationId);
		return waiting != null && waiting.completeExceptionally(failure);
	}

	/** How many requests are waiting. */
	int size() {
		return this.size.get();
	}

}

package io.busgate.gateway.bus;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.busgate.bus.BusReply;

/**
 * Requests waiting for their reply, by correlation id. An entry leaves the map when its reply
 * arrives, when its timeout fires, or when it fails otherwise; a reply that finds no entry
 * (it came too late) is dropped.
 */
final class PendingReplies {

	private final Map<String, CompletableFuture<BusReply>> pending = new ConcurrentHashMap<>();

	/** Registers a request; the future fails with a {@code TimeoutException} after {@code timeout}. */
	CompletableFuture<BusReply> register(String correlationId, Duration timeout) {
		CompletableFuture<BusReply> reply = new CompletableFuture<>();
		if (this.pending.putIfAbsent(correlationId, reply) != null) {
			throw new IllegalStateException("correlation id " + correlationId + " is already waiting for a reply");
		}
		reply.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((result, failure) -> this.pending.remove(correlationId, reply));
		return reply;
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
		return this.pending.size();
	}

}

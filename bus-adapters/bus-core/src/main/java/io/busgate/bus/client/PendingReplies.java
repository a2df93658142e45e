package io.busgate.bus.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests waiting for their reply, by correlation id, at most {@code maxSize} at once: the
 * correlation half of request/reply, whatever sends the requests and reads the replies. An entry
 * leaves the map when its reply arrives, when its timeout fires (failing it with a
 * {@link ReplyTimeoutException}), when it fails otherwise, or when this closes; a reply that finds
 * no entry (it came too late, or answers someone else) is ignored.
 *
 * <p>A future completes on the thread that completes it: the reply reader's, or this instance's
 * timer thread for timeouts. Whoever runs more than a few lines after a reply continues on an
 * executor of their own ({@code handleAsync}), so neither thread is held up.
 *
 * <p>Thread-safe.
 *
 * @param <R> what a reply is: a decoded {@code BusReply}, or the reply record itself
 */
public final class PendingReplies<R> implements AutoCloseable {

	private final Map<String, Waiting<R>> pending = new ConcurrentHashMap<>();

	private final int maxSize;

	/**
	 * Entries registered and not yet taken out; the map's own size is only an estimate. Taken out
	 * before the future completes, so that whoever sees the outcome sees the count without it.
	 */
	private final AtomicInteger size = new AtomicInteger();

	/** One thread for all timeouts; a timeout cancelled by its reply leaves the queue. */
	private final ScheduledThreadPoolExecutor timeouts;

	private volatile boolean closed;

	/**
	 * @param maxSize most requests waiting at once; beyond that {@link #register} refuses
	 */
	public PendingReplies(int maxSize) {
		if (maxSize < 1) {
			throw new IllegalArgumentException("maxSize must be at least 1, was " + maxSize);
		}
		this.maxSize = maxSize;
		this.timeouts = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "bus-reply-timeouts");
			thread.setDaemon(true);
			return thread;
		});
		this.timeouts.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Registers a request before it is sent, so that no reply can come before anyone waits for
	 * it.
	 * @param correlationId the request's {@code bus-correlation-id}
	 * @param timeout how long to wait; then the future fails with a {@link ReplyTimeoutException}
	 * @return completes with the reply
	 * @throws RejectedExecutionException when {@code maxSize} requests wait already
	 * @throws IllegalStateException when the correlation id waits already, or this is closed
	 */
	public CompletableFuture<R> register(String correlationId, Duration timeout) {
		if (this.closed) {
			throw closed();
		}
		reserve();
		Waiting<R> reply = new Waiting<>();
		if (this.pending.putIfAbsent(correlationId, reply) != null) {
			this.size.decrementAndGet();
			throw new IllegalStateException("correlation id " + correlationId + " is already waiting for a reply");
		}
		try {
			reply.timeout = this.timeouts.schedule(() -> expire(correlationId, reply, timeout), timeout.toNanos(),
					TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException closedMeanwhile) {
			if (this.pending.remove(correlationId, reply)) {
				this.size.decrementAndGet();
			}
			throw closed();
		}
		return reply;
	}

	private void reserve() {
		int size;
		do {
			size = this.size.get();
			if (size >= this.maxSize) {
				throw new RejectedExecutionException(
						this.maxSize + " requests wait for their replies already");
			}
		}
		while (!this.size.compareAndSet(size, size + 1));
	}

	private void expire(String correlationId, Waiting<R> reply, Duration timeout) {
		if (this.pending.remove(correlationId, reply)) {
			this.size.decrementAndGet();
			reply.completeExceptionally(new ReplyTimeoutException(correlationId, timeout));
		}
	}

	/**
	 * Completes the request a reply answers.
	 * @return {@code false} if nobody waits for it (any more), and the reply is ignored
	 */
	public boolean complete(String correlationId, R reply) {
		Waiting<R> waiting = take(correlationId);
		return waiting != null && waiting.complete(reply);
	}

	/**
	 * Fails a request, e.g. because it could not be sent or its reply could not be decoded.
	 * @return {@code false} if nobody waits for it (any more)
	 */
	public boolean fail(String correlationId, Throwable failure) {
		Waiting<R> waiting = take(correlationId);
		return waiting != null && waiting.completeExceptionally(failure);
	}

	private Waiting<R> take(String correlationId) {
		Waiting<R> waiting = this.pending.remove(correlationId);
		if (waiting != null) {
			this.size.decrementAndGet();
			// Not there yet only if the reply beat the scheduling; the timeout then finds nothing.
			ScheduledFuture<?> timeout = waiting.timeout;
			if (timeout != null) {
				timeout.cancel(false);
			}
		}
		return waiting;
	}

	/** How many requests are waiting. */
	public int size() {
		return this.size.get();
	}

	/**
	 * Fails every waiting request with an {@link IllegalStateException} and refuses new ones.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.timeouts.shutdownNow();
		this.pending.keySet().forEach((correlationId) -> fail(correlationId,
				new IllegalStateException("closed while request " + correlationId + " was waiting for its reply")));
	}

	private static IllegalStateException closed() {
		return new IllegalStateException("closed: no more requests are taken");
	}

	/** A request's future, which carries its timeout: no other object per request. */
	private static final class Waiting<R> extends CompletableFuture<R> {

		private volatile ScheduledFuture<?> timeout;

	}

}

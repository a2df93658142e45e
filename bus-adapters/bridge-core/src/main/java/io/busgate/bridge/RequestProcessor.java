package io.busgate.bridge;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchMessageListener;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusContractException;
import io.busgate.bus.BusEvent;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.RequestHeaders;

/**
 * Serves the records of one poll: all of them at once through the {@link BackendClient}, and
 * returns only when every one is answered, so the container commits the batch's offsets only
 * after its replies are produced (at-least-once).
 *
 * <ul>
 * <li>A record whose headers or value cannot be decoded goes to the dead-letter topic, and gets
 * an {@code INVALID_ARGUMENT} reply when its headers are readable.</li>
 * <li>A record whose deadline has passed is skipped: nobody waits for its reply.</li>
 * <li>Every other record gets exactly one reply, an error reply when the call fails.</li>
 * <li>A served mutation also publishes an event per entity it returned, unless it is a replay
 * ({@code bus-replay-of}).</li>
 * </ul>
 */
class RequestProcessor implements BatchMessageListener<String, byte[]> {

	private static final Log logger = LogFactory.getLog(RequestProcessor.class);

	private final BackendClient backend;

	private final KafkaTemplate<String, byte[]> template;

	private final BusCodec codec;

	private final Clock clock;

	private final String eventKeyField;

	/**
	 * @param eventKeyField the field of a mutation's result that keys its event, or {@code null}
	 * to publish no events
	 */
	RequestProcessor(BackendClient backend, KafkaTemplate<String, byte[]> template, BusCodec codec, Clock clock,
			String eventKeyField) {
		this.backend = backend;
		this.template = template;
		this.codec = codec;
		this.clock = clock;
		this.eventKeyField = eventKeyField;
	}

	@Override
	public void onMessage(List<ConsumerRecord<String, byte[]>> records) {
		CompletableFuture<?>[] answered = records.stream().map(this::process).toArray(CompletableFuture[]::new);
		// Each future is bounded by its record's deadline plus the producer's delivery timeout.
		// A failed send fails the batch, which the container's error handler retries.
		CompletableFuture.allOf(answered).join();
	}

	private CompletableFuture<?> process(ConsumerRecord<String, byte[]> record) {
		RequestHeaders headers;
		try {
			headers = this.codec.readRequestHeaders(record);
		}
		catch (BusContractException ex) {
			logger.warn("Dead-lettering a record nobody can be answered for: " + ex.getMessage());
			return deadLetter(record, ex);
		}
		BusRequest request;
		try {
			request = this.codec.readRequest(record);
		}
		catch (BusContractException ex) {
			logger.warn("Dead-lettering an undecodable request: " + ex.getMessage());
			return CompletableFuture.allOf(deadLetter(record, ex),
					reply(headers, BusReply.error(headers.correlationId(), BusStatus.INVALID_ARGUMENT, ex.getMessage())));
		}
		if (headers.isExpired(this.clock)) {
			if (logger.isDebugEnabled()) {
				logger.debug("Skipping expired request " + headers.correlationId() + " (" + headers.operation() + ")");
			}
			return CompletableFuture.completedFuture(null);
		}
		boolean replay = this.codec.readReplayOf(record) != null;
		return call(request).thenCompose((reply) -> CompletableFuture.allOf(reply(headers, reply),
				publishEvents(request, reply, replay)));
	}

	/**
	 * A served mutation becomes an event per returned entity on {@code <service>.events}, keyed by
	 * the entity. A redelivered mutation publishes again, with the same idempotency key, by which
	 * consumers drop the repeat. A replayed one publishes nothing: it happened when it was recorded,
	 * and subscribers must not see it twice.
	 */
	private CompletableFuture<?> publishEvents(BusRequest request, BusReply reply, boolean replay) {
		RequestHeaders headers = request.headers();
		if (this.eventKeyField == null || replay || !headers.isMutation() || !reply.isOk()) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<?>[] published = reply.items()
			.stream()
			.map((item) -> eventOf(headers, item))
			.filter(Objects::nonNull)
			.map((event) -> this.template.send(this.codec.eventRecord(event)))
			.toArray(CompletableFuture[]::new);
		return CompletableFuture.allOf(published);
	}

	private BusEvent eventOf(RequestHeaders headers, Object item) {
		Object key = (item instanceof Map<?, ?> entity) ? entity.get(this.eventKeyField) : null;
		if (key == null) {
			if (item != null) {
				logger.warn("No event for " + headers.operation() + " (" + headers.correlationId() + "): its result has no '"
						+ this.eventKeyField + "' to key the event by");
			}
			return null;
		}
		return new BusEvent(headers.operation(), key.toString(), item, headers.idempotencyKey());
	}

	private CompletableFuture<BusReply> call(BusRequest request) {
		String correlationId = request.headers().correlationId();
		Duration remaining = request.headers().remaining(this.clock);
		CompletableFuture<List<Object>> items;
		try {
			items = this.backend.call(request);
		}
		catch (RuntimeException ex) {
			items = CompletableFuture.failedFuture(ex);
		}
		return items.orTimeout(remaining.toMillis(), TimeUnit.MILLISECONDS)
			.handle((result, failure) -> (failure == null) ? checked(request, result)
					: toErrorReply(correlationId, request, failure));
	}

	private BusReply checked(BusRequest request, List<Object> items) {
		String correlationId = request.headers().correlationId();
		if (items == null || items.size() != request.expectedItemCount()) {
			String message = "backend answered " + ((items != null) ? items.size() : "no") + " items for "
					+ request.expectedItemCount() + " keys of " + request.headers().operation();
			logger.error(message);
			return BusReply.error(correlationId, BusStatus.INTERNAL, message);
		}
		return BusReply.ok(correlationId, items);
	}

	private BusReply toErrorReply(String correlationId, BusRequest request, Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof BackendException backendFailure) {
			return BusReply.error(correlationId, backendFailure.status(), backendFailure.getMessage());
		}
		if (cause instanceof TimeoutException) {
			return BusReply.error(correlationId, BusStatus.DEADLINE_EXCEEDED,
					request.headers().operation() + " did not answer before the deadline");
		}
		logger.error("Unexpected failure serving " + request.headers().operation() + " (" + correlationId + ")", cause);
		return BusReply.error(correlationId, BusStatus.INTERNAL, "internal error in the bridge serving "
				+ request.headers().operation() + ": " + cause.getClass().getSimpleName());
	}

	private CompletableFuture<?> reply(RequestHeaders headers, BusReply reply) {
		return this.template.send(this.codec.replyRecord(headers, reply));
	}

	private CompletableFuture<?> deadLetter(ConsumerRecord<String, byte[]> record, BusContractException ex) {
		return this.template.send(this.codec.deadLetterRecord(record, ex.getMessage()));
	}

}

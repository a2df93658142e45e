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

import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.MDC;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchMessageListener;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusContractException;
import io.busgate.bus.BusEvent;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.tracing.BusSpanAttributes;
import io.busgate.bus.tracing.RecordTraceContext;
import io.busgate.observability.ObservabilityDefaults;

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

	private static final String INSTRUMENTATION = "io.busgate.bridge";

	private final BackendClient backend;

	private final KafkaTemplate<String, byte[]> template;

	private final BusCodec codec;

	private final Clock clock;

	private final String eventKeyField;

	private final Tracer tracer;

	private final TextMapPropagator propagator;

	private final BridgeMetrics metrics;

	/**
	 * @param eventKeyField the field of a mutation's result that keys its event, or {@code null}
	 * to publish no events
	 */
	RequestProcessor(BackendClient backend, KafkaTemplate<String, byte[]> template, BusCodec codec, Clock clock,
			String eventKeyField, OpenTelemetry openTelemetry, BridgeMetrics metrics) {
		this.backend = backend;
		this.template = template;
		this.codec = codec;
		this.clock = clock;
		this.eventKeyField = eventKeyField;
		this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
		this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
		this.metrics = metrics;
	}

	@Override
	public void onMessage(List<ConsumerRecord<String, byte[]>> records) {
		CompletableFuture<?>[] answered = records.stream().map(this::process).toArray(CompletableFuture[]::new);
		// Each future is bounded by its record's deadline plus the producer's delivery timeout.
		// A failed send fails the batch, which the container's error handler retries.
		CompletableFuture.allOf(answered).join();
	}

	/**
	 * Serves a record inside its own span, child of the context the record carries, so that the
	 * backend call, the reply, events and dead letters belong to the requester's trace.
	 */
	private CompletableFuture<?> process(ConsumerRecord<String, byte[]> record) {
		Context parent = RecordTraceContext.of(record, this.propagator);
		Span span = this.tracer.spanBuilder("serve " + record.topic())
			.setParent(parent)
			.setAttribute(BusSpanAttributes.DESTINATION, record.topic())
			.startSpan();
		RequestScope scope = new RequestScope(parent.with(span));
		CompletableFuture<?> served;
		try (RequestScope.Opened opened = scope.open()) {
			served = serve(record, span, scope);
		}
		catch (RuntimeException ex) {
			served = CompletableFuture.failedFuture(ex);
		}
		return served.whenComplete((result, failure) -> {
			if (failure != null) {
				span.recordException(failure);
				span.setStatus(StatusCode.ERROR);
			}
			span.end();
		});
	}

	private CompletableFuture<?> serve(ConsumerRecord<String, byte[]> record, Span span, RequestScope scope) {
		RequestHeaders headers;
		try {
			headers = this.codec.readRequestHeaders(record);
		}
		catch (BusContractException ex) {
			logger.warn("Dead-lettering a record nobody can be answered for: " + ex.getMessage());
			return deadLetter(record, ex);
		}
		span.updateName(headers.operation());
		span.setAttribute(BusSpanAttributes.OPERATION, headers.operation());
		span.setAttribute(BusSpanAttributes.CORRELATION_ID, headers.correlationId());
		scope.correlate(headers.correlationId());
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
			this.metrics.expired(headers.operation());
			span.setAttribute(BusSpanAttributes.STATUS, BusStatus.DEADLINE_EXCEEDED.code());
			return CompletableFuture.completedFuture(null);
		}
		boolean replay = this.codec.readReplayOf(record) != null;
		Timer.Sample sample = this.metrics.started();
		return call(request, scope).thenCompose((reply) -> {
			try (RequestScope.Opened opened = scope.open()) {
				span.setAttribute(BusSpanAttributes.STATUS, reply.status().code());
				if (!reply.isOk()) {
					span.setStatus(StatusCode.ERROR, reply.status().code());
				}
				return CompletableFuture.allOf(reply(headers, reply), publishEvents(request, reply, replay))
					.whenComplete((sent, failure) -> this.metrics.answered(sample, headers.operation(), reply.status()));
			}
		});
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

	private CompletableFuture<BusReply> call(BusRequest request, RequestScope scope) {
		String correlationId = request.headers().correlationId();
		Duration remaining = request.headers().remaining(this.clock);
		CompletableFuture<List<Object>> items;
		try {
			items = this.backend.call(request);
		}
		catch (RuntimeException ex) {
			items = CompletableFuture.failedFuture(ex);
		}
		return items.orTimeout(remaining.toMillis(), TimeUnit.MILLISECONDS).handle((result, failure) -> {
			try (RequestScope.Opened opened = scope.open()) {
				return (failure == null) ? checked(request, result) : toErrorReply(correlationId, request, failure);
			}
		});
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
		ProducerRecord<String, byte[]> deadLetter = this.codec.deadLetterRecord(record, ex.getMessage());
		this.metrics.deadLettered(deadLetter.topic());
		return this.template.send(deadLetter);
	}

	/**
	 * What must be current wherever work for one request runs, including the backend's and the
	 * producer's threads: its span (so that the backend call, the reply and events are its
	 * children) and its correlation id in the logging context.
	 */
	private static final class RequestScope {

		private final Context context;

		private volatile String correlationId;

		RequestScope(Context context) {
			this.context = context;
		}

		void correlate(String correlationId) {
			this.correlationId = correlationId;
			MDC.put(ObservabilityDefaults.CORRELATION_ID, correlationId);
		}

		Opened open() {
			Scope scope = this.context.makeCurrent();
			String id = this.correlationId;
			if (id != null) {
				MDC.put(ObservabilityDefaults.CORRELATION_ID, id);
			}
			return () -> {
				MDC.remove(ObservabilityDefaults.CORRELATION_ID);
				scope.close();
			};
		}

		interface Opened extends AutoCloseable {

			@Override
			void close();

		}

	}

}

package io.busgate.gateway.bus;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import org.springframework.kafka.core.KafkaTemplate;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.client.PendingReplies;
import io.busgate.bus.tracing.BusSpanAttributes;

/**
 * Sends requests to the bus and completes them with their replies. Nothing blocks: a request is
 * a future that the reply listener (or the reply timeout) completes.
 */
public class BusClient {

	private static final String INSTRUMENTATION = "io.busgate.gateway";

	private final KafkaTemplate<String, byte[]> template;

	private final BusCodec codec;

	private final PendingReplies<BusReply> pending;

	private final String replyTopic;

	private final Duration replyTimeout;

	private final Duration sendTimeout;

	private final Duration requestBudget;

	private final Executor sender;

	private final Executor executor;

	private final Clock clock;

	private final Tracer tracer;

	private final BusMetrics metrics;

	BusClient(KafkaTemplate<String, byte[]> template, BusCodec codec, PendingReplies<BusReply> pending,
			String replyTopic, Duration replyTimeout, Duration sendTimeout, Duration requestBudget, Executor sender, Executor executor,
			Clock clock, OpenTelemetry openTelemetry, BusMetrics metrics) {
		this.template = template;
		this.codec = codec;
		this.pending = pending;
		this.replyTopic = replyTopic;
		this.replyTimeout = replyTimeout;
		this.sendTimeout = sendTimeout;
		this.requestBudget = requestBudget;
		this.sender = sender;
		this.executor = executor;
		this.clock = clock;
		this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
		this.metrics = metrics;
	}

	/**
	 * Requests the items for some keys, or one item for a keyless call.
	 * @param operation the operation, {@code <service>.<name>}
	 * @param keys the keys, or {@code null} for a keyless call
	 * @param args arguments shared by all keys
	 * @param principal the subject of the caller's verified token, or {@code null} for an
	 * anonymous caller; travels as the {@code bus-principal} header
	 * @return the items in key order, or a future failed with a {@link BusFieldException}
	 */
	public CompletableFuture<List<Object>> query(String operation, List<Object> keys, Map<String, Object> args,
			String principal) {
		return request(operation, keys, args, null, principal);
	}

	/**
	 * Requests a mutation. The idempotency key lets the bridge recognise a redelivery of the
	 * same mutation.
	 */
	public CompletableFuture<List<Object>> mutate(String operation, List<Object> keys, Map<String, Object> args,
			String idempotencyKey, String principal) {
		return request(operation, keys, args, idempotencyKey, principal);
	}

	/** Requests waiting for their reply right now. */
	public int pendingCount() {
		return this.pending.size();
	}

	private CompletableFuture<List<Object>> request(String operation, List<Object> keys, Map<String, Object> args,
			String idempotencyKey, String principal) {
		String correlationId = CorrelationIds.next();
		RequestHeaders headers = new RequestHeaders(correlationId, operation, this.replyTopic,
				this.clock.instant().plus(this.requestBudget), idempotencyKey, principal);
		BusRequest request = new BusRequest(headers, keys, args);
		Span span = this.tracer.spanBuilder("bus " + operation)
			.setAttribute(BusSpanAttributes.OPERATION, operation)
			.setAttribute(BusSpanAttributes.DESTINATION, BusTopics.requests(BusTopics.serviceOf(operation)))
			.setAttribute(BusSpanAttributes.CORRELATION_ID, correlationId)
			.setAttribute(BusSpanAttributes.KEYS, (keys != null) ? keys.size() : 0)
			.startSpan();
		Context traced = Context.current().with(span);
		Timer.Sample sample = this.metrics.started();
		CompletableFuture<BusReply> reply;
		try {
			reply = this.pending.register(correlationId, this.replyTimeout);
			dispatch(request, traced);
		}
		catch (RejectedExecutionException tooManyPending) {
			// Refused before anything is sent: no backend works on a request nobody could wait for.
			reply = CompletableFuture.failedFuture(BusFieldException.of(BusStatus.UNAVAILABLE, "this gateway's "
					+ tooManyPending.getMessage() + " (busgate.gateway.bus.max-pending-replies); try again later"));
		}
		// Continue off the reply listener's and the timer's threads, so neither runs GraphQL.
		return reply.handleAsync((result, failure) -> {
			String status = BusStatus.OK.code();
			try {
				return itemsOf(request, result, failure);
			}
			catch (BusFieldException ex) {
				status = ex.code();
				span.setStatus(StatusCode.ERROR, ex.getMessage());
				throw ex;
			}
			finally {
				span.setAttribute(BusSpanAttributes.STATUS, status);
				span.end();
				this.metrics.finished(sample, operation, status);
			}
		}, traced.wrap(this.executor));
	}

	private void dispatch(BusRequest request, Context traced) {
		String operation = request.headers().operation();
		String correlationId = request.headers().correlationId();
		// The send timeout runs from here: the producer may block (no metadata while the broker is
		// unreachable, or a full buffer) and the request may wait for a bus thread meanwhile.
		CompletableFuture<Void> acknowledged = new CompletableFuture<>();
		acknowledged.orTimeout(this.sendTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((result, failure) -> {
			if (failure != null) {
				// An unacknowledged request may still be delivered and answered later; its reply is
				// then dropped like any late one.
				this.pending.fail(correlationId, BusFieldException.unavailable(operation, failure));
			}
		});
		try {
			// Off the caller's thread, which may be a network thread, and off the executor that
			// completes fields: a send may block while the broker is gone, a failure must not wait.
			// The producer's span and the record's trace context are children of this request's.
			this.sender.execute(traced.wrap(() -> send(request, acknowledged)));
		}
		catch (RejectedExecutionException ex) {
			acknowledged.completeExceptionally(ex);
		}
	}

	private void send(BusRequest request, CompletableFuture<Void> acknowledged) {
		if (acknowledged.isDone()) {
			return;
		}
		try {
			this.template.send(this.codec.requestRecord(request)).whenComplete((result, failure) -> {
				if (failure != null) {
					acknowledged.completeExceptionally(failure);
				}
				else {
					acknowledged.complete(null);
				}
			});
		}
		catch (RuntimeException ex) {
			acknowledged.completeExceptionally(ex);
		}
	}

	private List<Object> itemsOf(BusRequest request, BusReply reply, Throwable failure) {
		String operation = request.headers().operation();
		if (failure != null) {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
					: failure;
			if (cause instanceof TimeoutException) {
				throw BusFieldException.timeout(operation, this.replyTimeout);
			}
			if (cause instanceof BusFieldException fieldFailure) {
				throw fieldFailure;
			}
			throw new BusFieldException(BusStatus.INTERNAL.code(), operation + " failed", cause);
		}
		if (!reply.isOk()) {
			throw BusFieldException.of(reply.status(), reply.errorMessage());
		}
		if (reply.items().size() != request.expectedItemCount()) {
			throw BusFieldException.of(BusStatus.INTERNAL, operation + " answered " + reply.items().size()
					+ " items for " + request.expectedItemCount() + " keys");
		}
		return reply.items();
	}

}

package io.busgate.bridge;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.MDC;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.support.Acknowledgment;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusContractException;
import io.busgate.bus.BusEvent;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.BusTopics;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.tracing.BusSpanAttributes;
import io.busgate.bus.tracing.RecordTraceContext;
import io.busgate.observability.ObservabilityDefaults;

/**
 * Serves request records as a sliding window of calls in flight: each record is called as soon
 * as it is read, up to {@code max-in-flight} at once (the consumer thread waits for a free
 * place: the back-pressure on the backend), and its offset is acknowledged once it is answered.
 * The container commits only contiguous answered offsets ({@link PartitionWindows}), so a slow
 * call delays no other record's reply, only the commit past itself (at-least-once: a crash
 * redelivers it and the records answered after it).
 *
 * <p>Why not spring-kafka's own out-of-order acknowledgments ({@code AckMode.MANUAL} with
 * {@code ContainerProperties#setAsyncAcks}): they defer out-of-order commits the same way, but
 * the container then pauses the consumer after each poll until every record of that poll is
 * acknowledged, so one slow call would still hold back every record of the next polls. Here the
 * container runs with {@code AckMode.MANUAL} and is only told about the contiguous prefix.
 *
 * <ul>
 * <li>A record whose headers or value cannot be decoded goes to the dead-letter topic, and gets
 * an {@code INVALID_ARGUMENT} reply when its headers are readable.</li>
 * <li>A record whose deadline has passed is skipped: nobody waits for its reply.</li>
 * <li>Every other record gets exactly one reply, an error reply when the call fails, and
 * {@code RESPONSE_TOO_LARGE} when the answer does not fit in a reply record.</li>
 * <li>A reply, event or dead letter the producer gives up on is tried {@code send-attempts} times
 * in all when the failure may pass; a request whose reply cannot be produced goes to the
 * dead-letter topic; one whose dead letter cannot be produced either is logged and counted.
 * Either way its offset moves on: no failure holds a partition for good.</li>
 * <li>A served mutation also publishes an event per entity it returned, unless it is a replay
 * ({@code bus-replay-of}).</li>
 * </ul>
 *
 * <p>Coalescing ({@code busgate.bridge.coalescing.enabled}): the records a consumer thread reads
 * in one poll are gathered, and called when the container is done handing it that poll's records
 * (this is the container's {@link RecordInterceptor}, whose {@code clearThreadState} marks the
 * end of each poll on its consumer thread), or earlier when no place in flight is free. Records
 * asking the same operation with the same arguments for the same caller ({@code bus-principal})
 * then share one backend call ({@link CoalescedCall}): only records of the same principal are
 * ever combined, so no caller receives items fetched under another caller's identity. Mutations
 * are never combined. Replayed queries are combined like live ones: a query's answer is the
 * backend's current state, whoever asks it again; only a mutation's events depend on being a
 * replay. Each record keeps its own deadline, reply, span and meters; the shared call runs under
 * the span of the first record whose trace is sampled (of the first record if none is), so that
 * every sampled trace holds its backend call, and every record's span tells how many records shared its call
 * ({@value #SHARED_BY}) and links to the span the call ran under. A shared call that fails with
 * a status one record's keys may cause ({@code INVALID_ARGUMENT}, {@code NOT_FOUND},
 * {@code PERMISSION_DENIED}, {@code RESPONSE_TOO_LARGE}), or answers the wrong number of items, is
 * made again record by record, so that one caller's bad key fails no other record; any other
 * failure is every record's error reply.
 */
class RequestProcessor implements AcknowledgingMessageListener<String, byte[]>, RecordInterceptor<String, byte[]>,
		ConsumerAwareRebalanceListener {

	private static final Log logger = LogFactory.getLog(RequestProcessor.class);

	private static final String INSTRUMENTATION = "io.busgate.bridge";

	/** On a record's span: how many records shared its backend call. */
	static final String SHARED_BY = "bus.coalesced.records";

	private static final AttributeKey<Long> SHARED_BY_ATTRIBUTE = AttributeKey.longKey(SHARED_BY);

	/** Failures that may be caused by one record's keys rather than by the backend. */
	private static final Set<BusStatus> MAY_BE_ONE_RECORDS = EnumSet.of(BusStatus.INVALID_ARGUMENT,
			BusStatus.NOT_FOUND, BusStatus.PERMISSION_DENIED, BusStatus.RESPONSE_TOO_LARGE);

	private final BackendClient backend;

	private final KafkaTemplate<String, byte[]> template;

	private final BusCodec codec;

	private final Clock clock;

	private final String eventKeyField;

	private final Tracer tracer;

	private final TextMapPropagator propagator;

	private final BridgeMetrics metrics;

	private final PartitionWindows windows;

	private final Semaphore places;

	private final int sendAttempts;

	private final Executor retryDelay;

	private final boolean coalescing;

	private final int maxKeys;

	/** The records read in the current poll and not called yet, per consumer thread. */
	private final ThreadLocal<List<Pending>> gathered = ThreadLocal.withInitial(ArrayList::new);

	/** Span names by topic, so that a record whose trace is not sampled builds no string for its name. */
	private final Map<String, String> spanNames = new ConcurrentHashMap<>();

	/**
	 * @param eventKeyField the field of a mutation's result that keys its event, or {@code null}
	 * to publish no events
	 * @param coalescing how records of one poll share backend calls
	 */
	RequestProcessor(BackendClient backend, KafkaTemplate<String, byte[]> template, BusCodec codec, Clock clock,
			String eventKeyField, OpenTelemetry openTelemetry, BridgeMetrics metrics, PartitionWindows windows,
			int maxInFlight, int sendAttempts, Duration retryBackoff, BridgeProperties.Coalescing coalescing) {
		this.backend = backend;
		this.template = template;
		this.codec = codec;
		this.clock = clock;
		this.eventKeyField = eventKeyField;
		this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
		this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
		this.metrics = metrics;
		this.windows = windows;
		this.places = new Semaphore(maxInFlight);
		this.sendAttempts = sendAttempts;
		this.retryDelay = CompletableFuture.delayedExecutor(retryBackoff.toMillis(), TimeUnit.MILLISECONDS);
		this.coalescing = coalescing.enabled();
		this.maxKeys = coalescing.maxKeys();
	}

	@Override
	public void onMessage(ConsumerRecord<String, byte[]> record, Acknowledgment acknowledgment) {
		try {
			if (!this.places.tryAcquire()) {
				// The records gathered hold places: once called, they free them.
				flush();
				this.places.acquire();
			}
		}
		catch (InterruptedException ex) {
			// The container is stopping: this record is not entered, so no offset is committed
			// past it, and the container's error handler seeks back to it.
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for a request in flight to finish", ex);
		}
		PartitionWindows.Slot slot = this.windows.track(record, acknowledgment);
		CompletableFuture<?> served;
		try {
			served = process(record);
		}
		catch (RuntimeException ex) {
			served = CompletableFuture.failedFuture(ex);
		}
		served.whenComplete((result, failure) -> {
			if (failure != null) {
				logger.error("Unexpected failure serving " + record.topic() + "-" + record.partition() + "@"
						+ record.offset() + "; it is not answered", failure);
			}
			this.places.release();
			slot.done();
		});
	}

	@Override
	public ConsumerRecord<String, byte[]> intercept(ConsumerRecord<String, byte[]> record,
			Consumer<String, byte[]> consumer) {
		return record;
	}

	/** The container handed this consumer thread every record of its poll: calls what was gathered. */
	@Override
	public void clearThreadState(Consumer<?, ?> consumer) {
		flush();
	}

	/** Calls what was gathered first, so that the partitions' windows drain every record read. */
	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		flush();
		this.windows.onPartitionsRevokedBeforeCommit(consumer, partitions);
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		flush();
		this.windows.onPartitionsLost(consumer, partitions);
	}

	/**
	 * Serves a record inside its own span, child of the context the record carries, so that the
	 * backend call, the reply, events and dead letters belong to the requester's trace.
	 */
	private CompletableFuture<?> process(ConsumerRecord<String, byte[]> record) {
		Context parent = RecordTraceContext.of(record, this.propagator);
		Span span = this.tracer.spanBuilder(this.spanNames.computeIfAbsent(record.topic(), (topic) -> "serve " + topic))
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
			return deadLetter(record, ex.getMessage());
		}
		if (span.isRecording()) {
			span.updateName(headers.operation());
			span.setAttribute(BusSpanAttributes.OPERATION, headers.operation());
			span.setAttribute(BusSpanAttributes.CORRELATION_ID, headers.correlationId());
		}
		scope.correlate(headers.correlationId());
		BusRequest request;
		try {
			request = this.codec.readRequest(record);
		}
		catch (BusContractException ex) {
			logger.warn("Dead-lettering an undecodable request: " + ex.getMessage());
			BusReply invalid = BusReply.error(headers.correlationId(), BusStatus.INVALID_ARGUMENT, ex.getMessage());
			return CompletableFuture.allOf(deadLetter(record, ex.getMessage()),
					send(() -> this.codec.replyRecord(headers, invalid)).exceptionally((failure) -> {
						logger.warn("No " + invalid.status().code() + " reply for dead-lettered " + headers.correlationId()
								+ ": " + rootCause(failure));
						return null;
					}));
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
		return call(request, scope, span).thenCompose((reply) -> {
			try (RequestScope.Opened opened = scope.open()) {
				span.setAttribute(BusSpanAttributes.STATUS, reply.status().code());
				if (!reply.isOk()) {
					span.setStatus(StatusCode.ERROR, reply.status().code());
				}
				CompletableFuture<BusStatus> answered = answer(record, headers, reply);
				return CompletableFuture.allOf(answered, publishEvents(request, reply, replay))
					.whenComplete((sent, failure) -> this.metrics.answered(sample, headers.operation(),
							answered.getNow(reply.status())));
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
			.map((event) -> send(() -> this.codec.eventRecord(event)).exceptionally((failure) -> {
				logger.error("Event " + event.type() + " of " + event.key() + " (" + headers.correlationId()
						+ ") could not be published: " + rootCause(failure));
				this.metrics.undelivered(BusTopics.events(BusTopics.serviceOf(event.type())));
				return null;
			}))
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

	/**
	 * Asks the backend for a request's items, at once, or at the end of the poll when coalescing;
	 * either way the request times out at its own deadline.
	 */
	private CompletableFuture<BusReply> call(BusRequest request, RequestScope scope, Span span) {
		String correlationId = request.headers().correlationId();
		Duration remaining = request.headers().remaining(this.clock);
		CompletableFuture<List<Object>> items;
		if (this.coalescing) {
			items = new CompletableFuture<>();
			this.gathered.get().add(new Pending(request, scope, span, items));
		}
		else {
			items = callBackend(request, false);
		}
		return items.orTimeout(remaining.toMillis(), TimeUnit.MILLISECONDS).handle((result, failure) -> {
			try (RequestScope.Opened opened = scope.open()) {
				return (failure == null) ? checked(request, result) : toErrorReply(correlationId, request, failure);
			}
		});
	}

	private CompletableFuture<List<Object>> callBackend(BusRequest request, boolean shared) {
		this.metrics.backendCalled(shared);
		try {
			return this.backend.call(request);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** Calls the backend for the records this consumer thread gathered, as few times as may be. */
	private void flush() {
		List<Pending> gathered = this.gathered.get();
		if (gathered.isEmpty()) {
			return;
		}
		List<Pending> taken = List.copyOf(gathered);
		gathered.clear();
		for (CoalescedCall<Pending> call : CoalescedCall.plan(taken, Pending::request, this.maxKeys)) {
			if (call.isShared()) {
				callShared(call);
			}
			else {
				callAlone(call.members().get(0));
			}
		}
	}

	private void callAlone(Pending pending) {
		try (RequestScope.Opened opened = pending.scope().open()) {
			callBackend(pending.request(), false).whenComplete((items, failure) -> pending.complete(items, failure));
		}
	}

	private void callShared(CoalescedCall<Pending> call) {
		List<Pending> members = call.members();
		// A sampled trace must hold its backend call, so the call runs under a sampled record's
		// span whenever one shares it.
		Pending caller = members.stream()
			.filter((member) -> member.span().getSpanContext().isSampled())
			.findFirst()
			.orElse(members.get(0));
		for (Pending member : members) {
			if (member.span().isRecording()) {
				member.span().setAttribute(SHARED_BY_ATTRIBUTE, (long) members.size());
				if (member != caller) {
					member.span().addLink(caller.span().getSpanContext());
				}
			}
		}
		CompletableFuture<List<Object>> items;
		try (RequestScope.Opened opened = caller.scope().open()) {
			items = callBackend(call.request(), true);
		}
		Duration remaining = call.request().headers().remaining(this.clock);
		items.orTimeout(remaining.toMillis(), TimeUnit.MILLISECONDS).whenComplete((answer, failure) -> {
			List<List<Object>> split = (failure == null) ? call.split(answer) : null;
			if (split != null) {
				for (int i = 0; i < members.size(); i++) {
					members.get(i).complete(split.get(i), null);
				}
			}
			else if (failure == null || MAY_BE_ONE_RECORDS.contains(statusOf(failure))) {
				retryAlone(call, (failure != null) ? statusOf(failure).code()
						: "an answer of " + ((answer != null) ? answer.size() : "no") + " items");
			}
			else {
				members.forEach((member) -> member.complete(null, failure));
			}
		});
	}

	/** Calls each record still waiting on its own, so that one record's keys fail no other record. */
	private void retryAlone(CoalescedCall<Pending> call, String reason) {
		if (logger.isDebugEnabled()) {
			logger.debug("Calling " + call.request().headers().operation() + " record by record after " + reason
					+ " for the " + call.members().size() + " records that shared the call");
		}
		call.members().stream().filter((member) -> !member.items().isDone()).forEach(this::callAlone);
	}

	/** The status a backend failure maps to, {@code null} for any other failure. */
	private static BusStatus statusOf(Throwable failure) {
		return (unwrapped(failure) instanceof BackendException backendFailure) ? backendFailure.status() : null;
	}

	private static Throwable unwrapped(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
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
		Throwable cause = unwrapped(failure);
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

	/**
	 * Produces the reply. One too large for a reply record becomes a {@code RESPONSE_TOO_LARGE}
	 * reply; a request whose reply cannot be produced at all goes to the dead-letter topic.
	 * Completes, never exceptionally, with the status replied ({@code null} if none was).
	 */
	private CompletableFuture<BusStatus> answer(ConsumerRecord<String, byte[]> record, RequestHeaders headers,
			BusReply reply) {
		Context context = Context.current();
		return send(() -> this.codec.replyRecord(headers, reply)).thenApply((sent) -> reply.status())
			.exceptionallyCompose((failure) -> {
				try (Scope scope = context.makeCurrent()) {
					if (isTooLarge(failure) && reply.status() != BusStatus.RESPONSE_TOO_LARGE) {
						String message = "the answer of " + headers.operation()
								+ " is larger than a reply record may be (" + rootCause(failure) + ")";
						logger.warn(message + "; replying " + BusStatus.RESPONSE_TOO_LARGE.code());
						return answer(record, headers,
								BusReply.error(headers.correlationId(), BusStatus.RESPONSE_TOO_LARGE, message));
					}
					String reason = "the reply to " + headers.replyTo() + " could not be produced: "
							+ rootCause(failure);
					logger.error("Dead-lettering " + headers.correlationId() + " (" + headers.operation() + "): " + reason);
					return deadLetter(record, reason).thenApply((deadLettered) -> null);
				}
			});
	}

	/**
	 * Sends a record, again after {@code retry-backoff} while the failure may pass, at most
	 * {@code send-attempts} times in all. A new record for every attempt: a sent record's headers
	 * are frozen, and the producer's instrumentation writes its trace context into them; every
	 * attempt is under the request's span, current when the first was made.
	 */
	private CompletableFuture<Void> send(Supplier<ProducerRecord<String, byte[]>> record) {
		return send(record, Context.current(), 1);
	}

	private CompletableFuture<Void> send(Supplier<ProducerRecord<String, byte[]>> record, Context context,
			int attempt) {
		CompletableFuture<Void> sent;
		try (Scope scope = context.makeCurrent()) {
			sent = this.template.send(record.get()).thenAccept((result) -> {
			});
		}
		catch (RuntimeException ex) {
			sent = CompletableFuture.failedFuture(ex);
		}
		return sent.exceptionallyCompose((failure) -> {
			if (attempt >= this.sendAttempts || !isRetriable(failure)) {
				return CompletableFuture.failedFuture(failure);
			}
			logger.warn("Sending again (attempt " + (attempt + 1) + " of " + this.sendAttempts + ") after: "
					+ rootCause(failure));
			return CompletableFuture.runAsync(() -> {
			}, this.retryDelay).thenCompose((waited) -> send(record, context, attempt + 1));
		});
	}

	/**
	 * Copies the record to its dead-letter topic. Completes, never exceptionally: a dead letter
	 * that cannot be produced is logged and counted, and the record's offset moves on all the same.
	 */
	private CompletableFuture<?> deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
		String topic = BusTopics.deadLetter(record.topic());
		return send(() -> this.codec.deadLetterRecord(record, reason)).handle((sent, failure) -> {
			if (failure == null) {
				this.metrics.deadLettered(topic);
			}
			else {
				logger.error("Giving up on " + record.topic() + "-" + record.partition() + "@" + record.offset()
						+ ": it could not be dead-lettered either (" + rootCause(failure) + "); it was: " + reason);
				this.metrics.undelivered(topic);
			}
			return null;
		});
	}

	private static boolean isTooLarge(Throwable failure) {
		return causes(failure).anyMatch(
				(cause) -> cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException);
	}

	private static boolean isRetriable(Throwable failure) {
		return causes(failure).anyMatch(RetriableException.class::isInstance);
	}

	private static String rootCause(Throwable failure) {
		Throwable root = causes(failure).reduce((first, second) -> second).orElse(failure);
		return root.getClass().getSimpleName() + ": " + root.getMessage();
	}

	private static Stream<Throwable> causes(Throwable failure) {
		return Stream.iterate(failure, Objects::nonNull, Throwable::getCause).limit(10);
	}

	/** A record read in this poll whose backend call waits for the end of the poll. */
	private record Pending(BusRequest request, RequestScope scope, Span span, CompletableFuture<List<Object>> items) {

		void complete(List<Object> answer, Throwable failure) {
			if (failure == null) {
				this.items.complete(answer);
			}
			else {
				this.items.completeExceptionally(failure);
			}
		}

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

		/**
		 * Makes the request's context current; opened again where it is current already (the
		 * backend or the producer answered on the calling thread), it leaves the logging context
		 * as it is, and closing restores whatever was there before.
		 */
		Opened open() {
			Scope scope = this.context.makeCurrent();
			String id = this.correlationId;
			String previous = MDC.get(ObservabilityDefaults.CORRELATION_ID);
			if (id != null && !id.equals(previous)) {
				MDC.put(ObservabilityDefaults.CORRELATION_ID, id);
			}
			return () -> {
				if (previous == null) {
					MDC.remove(ObservabilityDefaults.CORRELATION_ID);
				}
				else if (!previous.equals(MDC.get(ObservabilityDefaults.CORRELATION_ID))) {
					MDC.put(ObservabilityDefaults.CORRELATION_ID, previous);
				}
				scope.close();
			};
		}

		interface Opened extends AutoCloseable {

			@Override
			void close();

		}

	}

}

package io.busgate.bridge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.busgate.bus.BusStatus;

/**
 * The bridge's meters, all tagged with the {@code service} served (Prometheus names in
 * brackets):
 * <ul>
 * <li>{@value #REQUESTS} ({@code busgate_bridge_requests_seconds}, a histogram): from reading a
 * request to its reply being acknowledged, by {@code operation} and reply {@code status}
 * ({@code ok}, the error code, or {@code undelivered} when no reply could be produced);</li>
 * <li>{@value #IN_FLIGHT}: requests being served;</li>
 * <li>{@value #EXPIRED}: requests skipped because their deadline had passed, by
 * {@code operation};</li>
 * <li>{@value #DEAD_LETTERS}: records sent to the dead-letter topic, by {@code topic};</li>
 * <li>{@value #UNDELIVERED}: records given up on after {@code send-attempts}, by the
 * {@code topic} they could not be produced to: a request that could be neither answered nor
 * dead-lettered (the topic is the dead-letter topic), or an event;</li>
 * <li>{@value #BACKEND_CALLS} ({@code busgate_bridge_backend_calls_total}): calls made to the
 * backend, by {@code coalesced} ({@code true} for a call several records shared). Divided by
 * the count of {@value #REQUESTS}, it is the backend calls per request served.</li>
 * </ul>
 */
final class BridgeMetrics {

	static final String REQUESTS = "busgate.bridge.requests";

	static final String IN_FLIGHT = "busgate.bridge.in.flight";

	static final String EXPIRED = "busgate.bridge.expired";

	static final String DEAD_LETTERS = "busgate.bridge.dead.letters";

	static final String UNDELIVERED = "busgate.bridge.undelivered";

	static final String BACKEND_CALLS = "busgate.bridge.backend.calls";

	private static final String NOT_REPLIED = "undelivered";

	private final MeterRegistry registry;

	private final String service;

	private final AtomicInteger inFlight = new AtomicInteger();

	/** {@value #REQUESTS} by operation and status replied. */
	private final Map<String, Map<String, Timer>> requestTimers = new ConcurrentHashMap<>();

	private final Counter sharedCalls;

	private final Counter ownCalls;

	BridgeMetrics(MeterRegistry registry, String service) {
		this.registry = registry;
		this.service = service;
		Gauge.builder(IN_FLIGHT, this.inFlight, AtomicInteger::get)
			.description("Requests being served")
			.tag("service", service)
			.register(registry);
		this.sharedCalls = backendCalls(true);
		this.ownCalls = backendCalls(false);
	}

	private Counter backendCalls(boolean coalesced) {
		return Counter.builder(BACKEND_CALLS)
			.description("Calls made to the backend; coalesced calls served several requests at once")
			.tags("service", this.service, "coalesced", Boolean.toString(coalesced))
			.register(this.registry);
	}

	/** A backend call is made, shared by several requests or for one. */
	void backendCalled(boolean coalesced) {
		((coalesced) ? this.sharedCalls : this.ownCalls).increment();
	}

	/** A request is being served; pass the sample to {@link #answered}. */
	Timer.Sample started() {
		this.inFlight.incrementAndGet();
		return Timer.start(this.registry);
	}

	/** The request is done; {@code status} is the status replied, {@code null} if no reply could be produced. */
	void answered(Timer.Sample sample, String operation, BusStatus status) {
		this.inFlight.decrementAndGet();
		String replied = (status != null) ? status.code() : NOT_REPLIED;
		// Looked up, not built and registered again, for every request.
		sample.stop(this.requestTimers.computeIfAbsent(operation, (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(replied, (key) -> Timer.builder(REQUESTS)
				.description("Requests served, from reading to the reply being acknowledged")
				.tags("service", this.service, "operation", operation, "status", replied)
				.publishPercentileHistogram()
				.register(this.registry)));
	}

	void expired(String operation) {
		Counter.builder(EXPIRED)
			.description("Requests skipped because their deadline had passed")
			.tags("service", this.service, "operation", operation)
			.register(this.registry)
			.increment();
	}

	void deadLettered(String topic) {
		Counter.builder(DEAD_LETTERS)
			.description("Records sent to a dead-letter topic")
			.tags("service", this.service, "topic", topic)
			.register(this.registry)
			.increment();
	}

	void undelivered(String topic) {
		Counter.builder(UNDELIVERED)
			.description("Records given up on: they could not be produced after every attempt")
			.tags("service", this.service, "topic", topic)
			.register(this.registry)
			.increment();
	}

}

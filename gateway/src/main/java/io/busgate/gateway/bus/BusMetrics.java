package io.busgate.gateway.bus;

import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's bus meters (Prometheus names in brackets):
 * <ul>
 * <li>{@value #REQUESTS} ({@code busgate_bus_requests_seconds}, a histogram): round trips
 * from sending a request to its outcome, by {@code operation} and {@code status}: {@code ok},
 * the error reply's code, {@code UPSTREAM_TIMEOUT}, or {@code UNAVAILABLE} when it could not be
 * sent;</li>
 * <li>{@value #IN_FLIGHT}: requests waiting for their reply;</li>
 * <li>{@value #TIMEOUTS}: requests whose reply did not come within the reply timeout, by
 * {@code operation};</li>
 * <li>{@value #DEAD_LETTERS}: undecodable replies sent to the reply topic's dead-letter topic,
 * by {@code topic}.</li>
 * </ul>
 */
final class BusMetrics {

	static final String REQUESTS = "busgate.bus.requests";

	static final String IN_FLIGHT = "busgate.bus.in.flight";

	static final String TIMEOUTS = "busgate.bus.timeouts";

	static final String DEAD_LETTERS = "busgate.bus.dead.letters";

	private final MeterRegistry registry;

	BusMetrics(MeterRegistry registry, Supplier<Number> inFlight) {
		this.registry = registry;
		Gauge.builder(IN_FLIGHT, inFlight).description("Requests waiting for their reply").register(registry);
	}

	Timer.Sample started() {
		return Timer.start(this.registry);
	}

	void finished(Timer.Sample sample, String operation, String status) {
		sample.stop(Timer.builder(REQUESTS)
			.description("Bus round trips, from sending a request to its outcome")
			.tags("operation", operation, "status", status)
			.publishPercentileHistogram()
			.register(this.registry));
		if (BusFieldException.UPSTREAM_TIMEOUT.equals(status)) {
			Counter.builder(TIMEOUTS)
				.description("Requests not answered within the reply timeout")
				.tag("operation", operation)
				.register(this.registry)
				.increment();
		}
	}

	void deadLettered(String topic) {
		Counter.builder(DEAD_LETTERS)
			.description("Undecodable replies sent to a dead-letter topic")
			.tag("topic", topic)
			.register(this.registry)
			.increment();
	}

}

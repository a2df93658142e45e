package io.busgate.gateway.events;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import io.busgate.bus.BusEvent;

/**
 * One client's subscription: the events it wants and the bounded buffer between the event
 * consumer and the client.
 */
final class EventSubscription {

	private final String type;

	private final Map<String, Object> filter;

	private final Sinks.Many<Object> events;

	private final Sinks.Empty<Object> end = Sinks.empty();

	/**
	 * @param type the event type wanted
	 * @param filter payload fields and the values they must have (compared as text)
	 * @param capacity how many events may wait for the client
	 */
	EventSubscription(String type, Map<String, Object> filter, int capacity) {
		this.type = type;
		this.filter = Map.copyOf(filter);
		// An exact bound: Reactor's own queues round their capacity up.
		this.events = Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(capacity));
	}

	/**
	 * The events for the client. An error ends it at once, ahead of any events still buffered
	 * (a buffered sink alone would deliver the error only once the client had read them all,
	 * which a stuck client never does).
	 */
	Flux<Object> flux() {
		return Flux.merge(1, this.events.asFlux(), this.end.asMono());
	}

	String type() {
		return this.type;
	}

	boolean matches(BusEvent event) {
		if (!this.type.equals(event.type()) || !(event.payload() instanceof Map<?, ?> payload)) {
			return false;
		}
		return this.filter.entrySet()
			.stream()
			.allMatch((wanted) -> Objects.equals(String.valueOf(wanted.getValue()), text(payload.get(wanted.getKey()))));
	}

	/** Hands the payload over without waiting; {@code false} if the buffer is full. */
	boolean offer(Object payload) {
		return this.events.tryEmitNext(payload).isSuccess();
	}

	void fail(Throwable failure) {
		this.end.tryEmitError(failure);
	}

	void complete() {
		this.events.tryEmitComplete();
		this.end.tryEmitEmpty();
	}

	private static String text(Object value) {
		return (value != null) ? value.toString() : null;
	}

}

package io.busgate.bus;

import java.util.Objects;

/**
 * An event: something that happened to an entity, published on {@code <service>.events} keyed by
 * that entity, so that the events of one entity stay in order.
 *
 * @param type what happened, {@code <service>.<name>}; events of mutations served by a bridge are
 * named after the operation, e.g. {@code message.sendMessage}
 * @param key the key of the entity the event is about
 * @param payload the entity as the mutation returned it (JSON object as maps and lists)
 * @param idempotencyKey the key of the mutation that caused the event, or {@code null}; a
 * redelivered mutation publishes its event again with the same key
 */
public record BusEvent(String type, String key, Object payload, String idempotencyKey) {

	public BusEvent {
		Objects.requireNonNull(type, "type");
		Objects.requireNonNull(key, "key");
		BusTopics.serviceOf(type);
	}

	/** The topic the event belongs on: {@code <service>.events}. */
	public String topic() {
		return BusTopics.events(BusTopics.serviceOf(this.type));
	}

}

package io.busgate.gateway.events;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.busgate.bus.BusTopics;

/** The services whose events the schema subscribes to, collected while the schema is wired. */
final class EventTypes {

	private final Set<String> services = ConcurrentHashMap.newKeySet();

	/**
	 * Notes a subscribed event type.
	 * @throws IllegalArgumentException if the type is not of the form {@code <service>.<name>}
	 */
	void add(String type) {
		this.services.add(BusTopics.serviceOf(type));
	}

	/** The services whose event topics must be read. */
	Set<String> services() {
		return Set.copyOf(this.services);
	}

}

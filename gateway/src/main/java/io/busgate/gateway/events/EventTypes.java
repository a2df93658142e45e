package io.busgate.gateway.events;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.busgate.bus.BusTopics;

/** The event types the schema subscribes to, collected while the schema is wired. */
final class EventTypes {

	private final Set<String> types = ConcurrentHashMap.newKeySet();

	void add(String type) {
		BusTopics.serviceOf(type);
		this.types.add(type);
	}

	/** The services whose event topics must be read. */
	Set<String> services() {
		return this.types.stream().map(BusTopics::serviceOf).collect(Collectors.toSet());
	}

}

package io.busgate.gateway.events;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.TopicBuilder;

import io.busgate.bus.BusTopics;
import io.busgate.gateway.bus.GatewayTopics;
import io.busgate.gateway.bus.TopicReader;

/**
 * One reader per event topic the schema subscribes to, reading every partition the broker
 * describes (those added later too) by assignment, with no consumer group, so that every
 * gateway instance sees every event. Started once the schema is built and the topics exist; on
 * shutdown, every subscription is completed before the readers stop.
 */
final class EventConsumers implements SmartLifecycle {

	private final EventTypes eventTypes;

	private final EventHub hub;

	private final GatewayTopics topics;

	private final int partitions;

	private final List<TopicReader> readers = new CopyOnWriteArrayList<>();

	private volatile CompletableFuture<Void> started;

	EventConsumers(EventTypes eventTypes, EventHub hub, GatewayTopics topics, int partitions) {
		this.eventTypes = eventTypes;
		this.hub = hub;
		this.topics = topics;
		this.partitions = partitions;
	}

	@Override
	public void start() {
		// Creates only missing topics; the bridges create theirs with the same default.
		List<NewTopic> topics = this.eventTypes.services()
			.stream()
			.map(BusTopics::events)
			.sorted()
			.map((topic) -> TopicBuilder.name(topic).partitions(this.partitions).build())
			.toList();
		this.started = topics.isEmpty() ? CompletableFuture.completedFuture(null)
				: this.topics.create(topics).thenAccept((created) -> created.values().forEach(this::read));
	}

	@Override
	public void stop() {
		this.started.cancel(false);
		this.hub.completeAll();
		this.readers.forEach(TopicReader::stop);
		this.readers.clear();
	}

	@Override
	public boolean isRunning() {
		return this.started != null && !this.started.isCancelled();
	}

	/** Whether every event topic is assigned and positioned, so no new event can be missed. */
	boolean isAssigned() {
		CompletableFuture<Void> started = this.started;
		return started != null && started.isDone() && !started.isCompletedExceptionally()
				&& this.readers.stream().allMatch(TopicReader::isAssigned);
	}

	private void read(TopicDescription topic) {
		TopicReader reader = this.topics.reader("busgate-events-" + topic.name(), topic.name(), this.hub);
		this.readers.add(reader);
		reader.start(topic);
	}

}

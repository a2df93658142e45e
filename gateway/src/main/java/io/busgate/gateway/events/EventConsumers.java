package io.busgate.gateway.events;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.support.TopicPartitionOffset.SeekPosition;

import io.busgate.bus.BusTopics;
import io.busgate.gateway.bus.GatewayTopics;

/**
 * One consumer per event topic the schema subscribes to, reading every partition from its end
 * by assignment (no consumer group), so that every gateway instance sees every event. Started
 * once the schema is built and the topics exist; on shutdown, every subscription is completed
 * before the consumers stop.
 */
final class EventConsumers implements SmartLifecycle {

	private final EventTypes eventTypes;

	private final EventHub hub;

	private final GatewayTopics topics;

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final int partitions;

	private final List<ConcurrentMessageListenerContainer<String, byte[]>> containers = new CopyOnWriteArrayList<>();

	private final Set<String> assignedTopics = ConcurrentHashMap.newKeySet();

	private volatile CompletableFuture<Void> started;

	EventConsumers(EventTypes eventTypes, EventHub hub, GatewayTopics topics,
			ConsumerFactory<String, byte[]> consumerFactory, int partitions) {
		this.eventTypes = eventTypes;
		this.hub = hub;
		this.topics = topics;
		this.consumerFactory = consumerFactory;
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
				: this.topics.create(topics).thenAccept((created) -> created.values().forEach(this::startConsumer));
	}

	@Override
	public void stop() {
		this.started.cancel(false);
		this.hub.completeAll();
		this.containers.forEach(ConcurrentMessageListenerContainer::stop);
		this.containers.clear();
		this.assignedTopics.clear();
	}

	@Override
	public boolean isRunning() {
		return this.started != null && !this.started.isCancelled();
	}

	/** Whether every event topic is assigned and positioned, so no new event can be missed. */
	boolean isAssigned() {
		CompletableFuture<Void> started = this.started;
		return started != null && started.isDone() && !started.isCompletedExceptionally()
				&& this.assignedTopics.size() == this.containers.size();
	}

	private void startConsumer(TopicDescription topic) {
		TopicPartitionOffset[] partitions = topic.partitions()
			.stream()
			.map((partition) -> new TopicPartitionOffset(topic.name(), partition.partition(), SeekPosition.END))
			.toArray(TopicPartitionOffset[]::new);
		ContainerProperties properties = new ContainerProperties(partitions);
		properties.setMessageListener(new TopicListener(topic.name()));
		ConcurrentMessageListenerContainer<String, byte[]> container = new ConcurrentMessageListenerContainer<>(
				this.consumerFactory, properties);
		container.setBeanName("busgate-events-" + topic.name());
		this.containers.add(container);
		container.start();
	}

	/** Hands a topic's events to the hub and notes when the topic is assigned. */
	private final class TopicListener implements BatchMessageListener<String, byte[]>, ConsumerSeekAware {

		private final String topic;

		TopicListener(String topic) {
			this.topic = topic;
		}

		@Override
		public void onMessage(List<ConsumerRecord<String, byte[]>> records) {
			EventConsumers.this.hub.onMessage(records);
		}

		@Override
		public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
			EventConsumers.this.assignedTopics.add(this.topic);
		}

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			EventConsumers.this.assignedTopics.remove(this.topic);
		}

	}

}

package io.busgate.gateway.bus;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.kafka.common.config.TopicConfig;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusTopics;
import io.busgate.bus.client.PendingReplies;
import io.busgate.gateway.GatewayProperties;

/**
 * The gateway's side of the bus: one shared producer for requests (Boot's, with the settings of
 * {@code BusKafkaAutoConfiguration}), and the reader of this instance's reply topic.
 */
@Configuration(proxyBeanMethods = false)
public class BusClientConfiguration {

	/** Requests waiting for their replies; closed with the context, which fails what still waits. */
	@Bean
	PendingReplies<BusReply> pendingReplies(GatewayProperties properties) {
		return new PendingReplies<>(properties.bus().maxPendingReplies());
	}

	/**
	 * Sends requests, off the network threads. The producer blocks a sending thread (up to its
	 * {@code max.block.ms}) while it has no metadata or buffer space, which is when the broker is
	 * gone; requests that wait longer than the send timeout meanwhile are failed and never sent.
	 */
	@Bean
	ThreadPoolTaskExecutor busSendExecutor() {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setThreadNamePrefix("bus-send-");
		executor.setCorePoolSize(2 * Runtime.getRuntime().availableProcessors());
		executor.setMaxPoolSize(2 * Runtime.getRuntime().availableProcessors());
		return executor;
	}

	/** Runs what follows a reply (or its failure), off the network, consumer and timer threads. */
	@Bean
	ThreadPoolTaskExecutor busExecutor() {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setThreadNamePrefix("bus-");
		executor.setCorePoolSize(Runtime.getRuntime().availableProcessors());
		executor.setMaxPoolSize(Runtime.getRuntime().availableProcessors());
		return executor;
	}

	@Bean
	GatewayTopics gatewayTopics(KafkaAdmin admin, ConsumerFactory<String, byte[]> consumerFactory,
			GatewayProperties properties) {
		return new GatewayTopics(admin, consumerFactory, properties.topicRetryInterval(),
				properties.bus().partitionRefreshInterval());
	}

	/**
	 * Creates the reply topics, then reads all partitions of the reply topic by assignment, not
	 * through a consumer group: there is no rebalance to wait for, and every partition starts at
	 * its end because a gateway only waits for replies to requests it sends from now on.
	 */
	@Bean
	ReplyConsumer replyConsumer(GatewayTopics topics, GatewayProperties properties, ReplyListener listener) {
		String replies = BusTopics.replies(properties.instanceId());
		return new ReplyConsumer(topics, List.of(
				TopicBuilder.name(replies)
					.partitions(properties.replyPartitions())
					.config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(properties.replyRetention().toMillis()))
					.build(),
				TopicBuilder.name(BusTopics.deadLetter(replies)).partitions(1).build()),
				topics.reader("busgate-replies", replies, listener));
	}

	@Bean
	BusMetrics busMetrics(MeterRegistry registry, PendingReplies<BusReply> pending) {
		return new BusMetrics(registry, pending::size);
	}

	@Bean
	ReplyListener replyListener(PendingReplies<BusReply> pending, BusCodec codec,
			KafkaTemplate<String, byte[]> template, BusMetrics metrics, ObjectProvider<OpenTelemetry> openTelemetry) {
		return new ReplyListener(pending, codec, template, metrics,
				openTelemetry.getIfAvailable(OpenTelemetry::noop).getPropagators().getTextMapPropagator());
	}

	@Bean
	BusClient busClient(GatewayProperties properties, KafkaTemplate<String, byte[]> template, BusCodec codec,
			PendingReplies<BusReply> pending, ThreadPoolTaskExecutor busSendExecutor,
			ThreadPoolTaskExecutor busExecutor, ObjectProvider<OpenTelemetry> openTelemetry, BusMetrics metrics) {
		return new BusClient(template, codec, pending, BusTopics.replies(properties.instanceId()),
				properties.replyTimeout(), properties.sendTimeout(), properties.requestBudget(), busSendExecutor,
				busExecutor, Clock.systemUTC(), openTelemetry.getIfAvailable(OpenTelemetry::noop), metrics);
	}

	/** Ready only once the reply partitions are held, so no reply can be missed. */
	@Bean
	HealthIndicator busRepliesHealthIndicator(ReplyConsumer consumer, GatewayProperties properties) {
		String replies = BusTopics.replies(properties.instanceId());
		return () -> (consumer.isAssigned() ? Health.up() : Health.outOfService())
			.withDetails(Map.of("topic", replies))
			.build();
	}

}

package io.busgate.bridge;

import java.time.Clock;
import java.util.Map;
import java.util.Properties;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusTopics;
import io.busgate.bus.autoconfigure.BusKafkaAutoConfiguration;

/**
 * The mechanics every protocol bridge shares. A bridge application adds a
 * {@link BackendClient} bean and sets {@code busgate.bridge.service}; this consumes the
 * service's request topic in the service's consumer group and answers every request.
 */
@AutoConfiguration(after = { KafkaAutoConfiguration.class, BusKafkaAutoConfiguration.class })
@ConditionalOnBean(BackendClient.class)
@EnableConfigurationProperties(BridgeProperties.class)
public final class BridgeAutoConfiguration {

	@Bean
	KafkaAdmin.NewTopics bridgeTopics(BridgeProperties properties) {
		NewTopic requests = TopicBuilder.name(properties.requestTopic())
			.partitions(properties.partitions())
			.config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(properties.requestRetention().toMillis()))
			.build();
		NewTopic deadLetters = TopicBuilder.name(BusTopics.deadLetter(properties.requestTopic()))
			.partitions(properties.partitions())
			.build();
		NewTopic events = TopicBuilder.name(BusTopics.events(properties.service()))
			.partitions(properties.partitions())
			.build();
		return new KafkaAdmin.NewTopics(requests, deadLetters, events);
	}

	@Bean
	BackendHealthIndicator backendHealthIndicator(BackendClient backend) {
		return new BackendHealthIndicator(backend);
	}

	@Bean
	RequestConsumerHealthIndicator busRequestsHealthIndicator(BridgeProperties properties) {
		return new RequestConsumerHealthIndicator(properties.requestTopic(), properties.groupId());
	}

	@Bean
	ConcurrentMessageListenerContainer<String, byte[]> requestListenerContainer(BridgeProperties properties,
			ConsumerFactory<String, byte[]> consumerFactory, KafkaTemplate<String, byte[]> template, BusCodec codec,
			BackendClient backend, ObjectProvider<OpenTelemetry> openTelemetry, MeterRegistry meterRegistry) {
		ContainerProperties containerProperties = new ContainerProperties(properties.requestTopic());
		containerProperties.setGroupId(properties.groupId());
		// Client ids <group>-<n> name the group in the consumers' metrics, lag included.
		containerProperties.setClientId(properties.groupId());
		// RequestProcessor acknowledges a record once it and every record before it on its
		// partition are answered; the container commits what was acknowledged after each poll.
		containerProperties.setAckMode(ContainerProperties.AckMode.MANUAL);
		// Offsets are committed only after the replies are produced; but without waiting for the
		// broker's answer, so the next poll does not wait a round trip. A commit lost to a crash or
		// a rebalance is a redelivery, which the contract allows anyway (a late reply is dropped by
		// correlation id; mutations carry idempotency keys).
		containerProperties.setSyncCommits(false);
		// A refused consumer (ACLs) retries instead of stopping for good; busRequests tells meanwhile.
		containerProperties.setAuthExceptionRetryInterval(properties.authRetryInterval());
		RequestProcessor processor = new RequestProcessor(backend, template, codec, Clock.systemUTC(),
				properties.eventKeyField(), openTelemetry.getIfAvailable(OpenTelemetry::noop),
				new BridgeMetrics(meterRegistry, properties.service()), new PartitionWindows(properties.drainTimeout()),
				properties.maxInFlight(), properties.sendAttempts(), properties.retryBackoff(), properties.coalescing());
		containerProperties.setMessageListener(processor);
		// It drains the revoked partitions' windows, calling first what it gathered of the poll.
		containerProperties.setConsumerRebalanceListener(processor);
		Properties consumerProperties = new Properties();
		consumerProperties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxInFlight());
		// A bridge whose group has no offsets yet (its first start, or a new group id) serves the
		// requests already waiting instead of skipping them.
		consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		// Fast failover: a dead member is noticed after the session timeout, a leaving one at the
		// others' next heartbeat, and the cooperative protocol moves only its partitions instead
		// of stopping the whole group.
		consumerProperties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) properties.sessionTimeout().toMillis());
		consumerProperties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
				(int) properties.heartbeatInterval().toMillis());
		consumerProperties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
				CooperativeStickyAssignor.class.getName());
		containerProperties.setKafkaConsumerProperties(consumerProperties);
		ConcurrentMessageListenerContainer<String, byte[]> container = new ConcurrentMessageListenerContainer<>(
				consumerFactory, containerProperties);
		container.setConcurrency(properties.concurrency());
		container.setBeanName("busgate-" + properties.service() + "-bridge");
		// Tells the processor where each poll's records end, so that they can share backend calls.
		container.setRecordInterceptor(processor);
		// The listener fails only when interrupted while waiting for room in flight: a few more
		// tries, then the record is logged and skipped. Never committed by the error handler: the
		// windows commit only past answered records.
		DefaultErrorHandler errorHandler = new DefaultErrorHandler(
				new FixedBackOff(properties.retryBackoff().toMillis(), properties.sendAttempts() - 1L));
		errorHandler.setAckAfterHandle(false);
		container.setCommonErrorHandler(errorHandler);
		return container;
	}

	/**
	 * The reply producer's {@code max.request.size} is the largest reply; an answer beyond it is
	 * replied to with {@code RESPONSE_TOO_LARGE}.
	 */
	@Bean
	DefaultKafkaProducerFactoryCustomizer bridgeReplySizeLimit(BridgeProperties properties) {
		return (factory) -> factory
			.updateConfigs(Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) properties.maxReplySize().toBytes()));
	}

}

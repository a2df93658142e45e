package io.busgate.gateway.events;

import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;
import org.springframework.kafka.core.ConsumerFactory;

import io.busgate.bus.BusCodec;
import io.busgate.gateway.GatewayProperties;
import io.busgate.gateway.bus.GatewayTopics;

/**
 * Subscriptions: {@code @busEvent} fields stream events from {@code <service>.events}, read
 * once per gateway and fanned out in memory.
 */
@Configuration(proxyBeanMethods = false)
public class EventConfiguration {

	@Bean
	EventTypes eventTypes() {
		return new EventTypes();
	}

	@Bean
	EventHub eventHub(BusCodec codec, GatewayProperties properties) {
		return new EventHub(codec, properties.subscriptionBuffer());
	}

	@Bean
	RuntimeWiringConfigurer busEventWiring(EventHub hub, EventTypes eventTypes) {
		return (wiring) -> wiring.directive(BusEventWiring.DIRECTIVE, new BusEventWiring(hub, eventTypes));
	}

	@Bean
	EventConsumers eventConsumers(EventTypes eventTypes, EventHub hub, GatewayTopics topics,
			ConsumerFactory<String, byte[]> consumerFactory, GatewayProperties properties) {
		return new EventConsumers(eventTypes, hub, topics, consumerFactory, properties.eventPartitions());
	}

	/** Ready only once every event topic is held, so a new subscription misses nothing. */
	@Bean
	HealthIndicator busEventsHealthIndicator(EventConsumers consumers, EventHub hub) {
		return () -> (consumers.isAssigned() ? Health.up() : Health.outOfService())
			.withDetails(Map.of("subscriptions", hub.subscriptionCount()))
			.build();
	}

}

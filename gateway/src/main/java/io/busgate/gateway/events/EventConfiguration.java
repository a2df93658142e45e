package io.busgate.gateway.events;

import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;

import io.busgate.bus.BusCodec;
import io.busgate.gateway.GatewayProperties;
import io.busgate.gateway.bus.GatewayTopics;

/**
 * Subscriptions: {@code @busEvent} fields stream events from {@code <service>.events}, read
 * once per gateway and fanned out in memory.
 */
@Configuration(proxyBeanMethods = false)
public class EventConfiguration {

	static final String SUBSCRIPTIONS = "busgate.gateway.subscriptions";

	@Bean
	EventTypes eventTypes() {
		return new EventTypes();
	}

	/** With the gauge {@value #SUBSCRIPTIONS}: the subscriptions open on this gateway. */
	@Bean
	EventHub eventHub(BusCodec codec, GatewayProperties properties, MeterRegistry registry) {
		EventHub hub = new EventHub(codec, properties.subscriptionBuffer());
		Gauge.builder(SUBSCRIPTIONS, hub, EventHub::subscriptionCount)
			.description("Subscriptions open on this gateway")
			.register(registry);
		return hub;
	}

	@Bean
	RuntimeWiringConfigurer busEventWiring(EventHub hub, EventTypes eventTypes) {
		return (wiring) -> wiring.directive(BusEventWiring.DIRECTIVE, new BusEventWiring(hub, eventTypes));
	}

	@Bean
	EventConsumers eventConsumers(EventTypes eventTypes, EventHub hub, GatewayTopics topics,
			GatewayProperties properties) {
		return new EventConsumers(eventTypes, hub, topics, properties.eventPartitions());
	}

	/** Ready only once every event topic is held, so a new subscription misses nothing. */
	@Bean
	HealthIndicator busEventsHealthIndicator(EventConsumers consumers, EventHub hub) {
		return () -> (consumers.isAssigned() ? Health.up() : Health.outOfService())
			.withDetails(Map.of("subscriptions", hub.subscriptionCount()))
			.build();
	}

}

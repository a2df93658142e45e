package io.busgate.examples.message;

import java.time.Clock;

import io.opentelemetry.api.OpenTelemetry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

import io.busgate.observability.thrift.ThriftServerTracing;

/**
 * Builds the seeded store, the handler and the Thrift server. The server starts once the context
 * is refreshed, so the service reports ready only after the data is built and the port listens.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MessageServiceProperties.class)
class MessageServiceConfiguration {

	private static final Log logger = LogFactory.getLog(MessageServiceConfiguration.class);

	/** The Thrift service's name in its spans. */
	static final String SERVICE_NAME = "MessageService";

	@Bean
	MessageStore messageStore(MessageServiceProperties properties) {
		long started = System.nanoTime();
		MessageStore store = MessageStore.seeded(properties, Clock.systemUTC());
		long millis = (System.nanoTime() - started) / 1_000_000;
		logger.info("Seeded " + store.size() + " messages between " + properties.userCount() + " users (seed "
				+ properties.seed() + ") in " + millis + " ms");
		return store;
	}

	@Bean
	MessageServiceHandler messageServiceHandler(MessageStore store) {
		return new MessageServiceHandler(store);
	}

	@Bean
	MessageThriftServer messageThriftServer(MessageServiceHandler handler, MessageServiceProperties properties,
			ConfigurableEnvironment environment, ObjectProvider<OpenTelemetry> openTelemetry) {
		return new MessageThriftServer(handler, properties, environment,
				new ThriftServerTracing(openTelemetry.getIfAvailable(OpenTelemetry::noop), SERVICE_NAME));
	}

	/**
	 * Health of the Thrift server, {@code thriftServer}: part of the readiness group (see
	 * message-service.yml), so that readiness means the Thrift port answers, not only the HTTP
	 * management port.
	 */
	@Bean
	HealthIndicator thriftServerHealthIndicator(MessageThriftServer server) {
		return () -> server.isServing() ? Health.up().withDetail("port", server.port()).build()
				: Health.down().withDetail("port", server.port()).build();
	}

}

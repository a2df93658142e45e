package io.busgate.bus.autoconfigure;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Traces the bus with OpenTelemetry's Kafka instrumentation, for apps with an
 * {@link OpenTelemetry} bean: every producer of Boot's factory writes the current trace context
 * into each record's W3C headers (replacing any the record carried, so no record has two), in a
 * {@code PRODUCER} span of its own when the trace is sampled ({@link SampledProducerTracing});
 * every consumer gets a {@code CONSUMER} span per record read, child of the producer's.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class,
		afterName = "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration")
@ConditionalOnClass({ KafkaTelemetry.class, DefaultKafkaProducerFactoryCustomizer.class })
@ConditionalOnBean(OpenTelemetry.class)
public final class BusTracingAutoConfiguration {

	@Bean
	KafkaTelemetry busKafkaTelemetry(OpenTelemetry openTelemetry) {
		return KafkaTelemetry.create(openTelemetry);
	}

	@Bean
	DefaultKafkaProducerFactoryCustomizer busProducerTracing(KafkaTelemetry telemetry, OpenTelemetry openTelemetry) {
		TextMapPropagator propagator = openTelemetry.getPropagators().getTextMapPropagator();
		return (factory) -> factory
			.addPostProcessor((producer) -> SampledProducerTracing.wrap(producer, telemetry, propagator));
	}

	@Bean
	DefaultKafkaConsumerFactoryCustomizer busConsumerTracing(KafkaTelemetry telemetry) {
		return (factory) -> factory.addPostProcessor(telemetry::wrap);
	}

}

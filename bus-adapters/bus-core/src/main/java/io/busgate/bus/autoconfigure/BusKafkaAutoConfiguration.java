package io.busgate.bus.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;

/**
 * For Spring Boot applications on the bus (gateway and bridges): Boot's Kafka clients get
 * {@link BusClientDefaults} on top of whatever {@code spring.kafka.*} says, and a shared
 * {@link BusCodec}. Inert without Spring Boot's Kafka support on the classpath.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@ConditionalOnClass(DefaultKafkaProducerFactoryCustomizer.class)
public final class BusKafkaAutoConfiguration {

	@Bean
	DefaultKafkaProducerFactoryCustomizer busProducerDefaults() {
		return (factory) -> factory.updateConfigs(BusClientDefaults.producer());
	}

	@Bean
	DefaultKafkaConsumerFactoryCustomizer busConsumerDefaults() {
		return (factory) -> factory.updateConfigs(BusClientDefaults.consumer());
	}

	@Bean
	@ConditionalOnMissingBean
	BusCodec busCodec() {
		return new BusCodec();
	}

}

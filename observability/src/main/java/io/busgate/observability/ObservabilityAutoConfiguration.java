package io.busgate.observability;

import io.micrometer.observation.ObservationPredicate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/** What every Busgate app observes the same way: no spans for health checks. */
@AutoConfiguration
public final class ObservabilityAutoConfiguration {

	@Bean
	ObservationPredicate healthCheckObservations() {
		return new HealthCheckObservations();
	}

}

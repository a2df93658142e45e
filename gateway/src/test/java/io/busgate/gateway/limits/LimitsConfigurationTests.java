package io.busgate.gateway.limits;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.busgate.gateway.GatewayProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** Which limits the configuration sets up, from the gateway's properties. */
class LimitsConfigurationTests {

	private final ApplicationContextRunner contexts = new ApplicationContextRunner()
		.withUserConfiguration(Properties.class, LimitsConfiguration.class);

	@Test
	void rateLimitIsOnByDefaultAtFiftyPerSecondWithABurstOfAHundred() {
		this.contexts.run((context) -> {
			assertThat(context).hasSingleBean(ClientRateLimit.class);
			assertThat(context.getBean(GatewayProperties.class).limits().rate().describe())
				.isEqualTo("50 requests per 1s (burst 100)");
		});
	}

	@Test
	void rateLimitCanBeTurnedOff() {
		this.contexts.withPropertyValues("busgate.gateway.limits.rate.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClientRateLimit.class)
				.hasSingleBean(RequestBodyLimit.class));
	}

	@Test
	void rateOfNoRequestsIsRefusedAtStartup() {
		this.contexts.withPropertyValues("busgate.gateway.limits.rate.burst=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("burst (0)")
				.hasMessageContaining("must be at least 1"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ GatewayProperties.class, GraphQlProperties.class })
	static class Properties {

	}

}

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
		.withUserConfiguration(Properties.class, LimitsConfiguration.class)
		// As gateway.yml sets it.
		.withPropertyValues("server.forward-headers-strategy=none");

	@Test
	void rateLimitIsOnByDefaultAtFiftyPerSecondWithABurstOfAHundred() {
		this.contexts.run((context) -> {
			assertThat(context).hasSingleBean(ClientRateLimit.class).hasSingleBean(WebSocketRateLimit.class);
			assertThat(context.getBean(GatewayProperties.class).limits().rate().describe())
				.isEqualTo("50 requests per 1s (burst 100)");
		});
	}

	@Test
	void rateLimitCanBeTurnedOff() {
		this.contexts.withPropertyValues("busgate.gateway.limits.rate.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClientRateLimit.class)
				.doesNotHaveBean(WebSocketRateLimit.class)
				.hasSingleBean(RequestBodyLimit.class)
				.hasSingleBean(SubscriptionLimit.class));
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

	@Test
	void bootsOwnForwardingHeadersAreRefusedAtStartup() {
		for (String strategy : new String[] { "native", "framework" }) {
			this.contexts.withPropertyValues("server.forward-headers-strategy=" + strategy)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.hasMessageContaining("server.forward-headers-strategy must be none, was '" + strategy + "'")
					.hasMessageContaining("busgate.gateway.limits.trusted-proxies"));
		}
	}

	@Test
	void trustedProxyThatIsAHostNameIsRefusedAtStartup() {
		this.contexts.withPropertyValues("busgate.gateway.limits.trusted-proxies=10.0.0.0/8,haproxy")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("'haproxy' is not an IP address or CIDR range"));
	}

	@Test
	void subscriptionsHaveDocumentedDefaults() {
		this.contexts.run((context) -> assertThat(context.getBean(GatewayProperties.class).limits().subscriptions())
			.isEqualTo(new GatewayProperties.Subscriptions(25, 100)));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ GatewayProperties.class, GraphQlProperties.class })
	static class Properties {

	}

}

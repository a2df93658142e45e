package io.busgate.gateway.bus;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import io.busgate.gateway.GatewayProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway's bus settings, {@code busgate.gateway.bus.*}, as they bind. */
class BusSettingsTests {

	private final ApplicationContextRunner contexts = new ApplicationContextRunner()
		.withUserConfiguration(Properties.class);

	@Test
	void defaults() {
		this.contexts.run((context) -> {
			GatewayProperties.Bus bus = context.getBean(GatewayProperties.class).bus();
			assertThat(bus.maxPendingReplies()).isEqualTo(10_000);
			assertThat(bus.maxBatchSize("user")).isEqualTo(100);
			assertThat(bus.partitionRefreshInterval()).isEqualTo(Duration.ofSeconds(5));
		});
	}

	@Test
	void aServiceMayTakeBatchesOfItsOwnSize() {
		this.contexts
			.withPropertyValues("busgate.gateway.bus.max-batch-size=50",
					"busgate.gateway.bus.services.post.max-batch-size=500")
			.run((context) -> {
				GatewayProperties.Bus bus = context.getBean(GatewayProperties.class).bus();
				assertThat(bus.maxBatchSize("post")).isEqualTo(500);
				assertThat(bus.maxBatchSize("user")).isEqualTo(50);
			});
	}

	@Test
	void batchesOfNoKeysAreRefusedAtStartup() {
		this.contexts.withPropertyValues("busgate.gateway.bus.services.post.max-batch-size=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("busgate.gateway.bus.services.post.max-batch-size must be at least 1"));
	}

	@Test
	void noRoomForPendingRepliesIsRefusedAtStartup() {
		this.contexts.withPropertyValues("busgate.gateway.bus.max-pending-replies=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("max-pending-replies (0)"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(GatewayProperties.class)
	static class Properties {

	}

}

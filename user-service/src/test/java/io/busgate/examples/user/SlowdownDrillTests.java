package io.busgate.examples.user;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=user-service", "busgate.user-service.drills=true",
				"busgate.user-service.user-count=100" })
@AutoConfigureRestTestClient
class SlowdownDrillTests {

	@Autowired
	private RestTestClient client;

	@Test
	void slowsDownTheUserApiAndCountsItsCalls() {
		this.client.put().uri("/drill/slowdown?ms=300").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.delayMs").isEqualTo(300);
		try {
			long started = System.nanoTime();
			this.client.get().uri("/user/1").exchange().expectStatus().isOk();
			assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(300);
			this.client.get().uri("/actuator/health").exchange().expectStatus().isOk();
			this.client.get().uri("/drill/slowdown").exchange().expectStatus().isOk()
				.expectBody().jsonPath("$.calls").isEqualTo(1);
		}
		finally {
			this.client.put().uri("/drill/slowdown?ms=0").exchange().expectStatus().isOk();
		}
	}

	@Test
	void refusesANegativeDelay() {
		this.client.put().uri("/drill/slowdown?ms=-1").exchange().expectStatus().isBadRequest()
			.expectBody().jsonPath("$.detail").isEqualTo("ms must be 0 or more, was -1");
	}

}

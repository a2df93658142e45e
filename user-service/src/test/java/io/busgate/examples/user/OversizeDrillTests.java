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
class OversizeDrillTests {

	private static final int TWO_MB = 2 * 1024 * 1024;

	@Autowired
	private RestTestClient client;

	@Test
	void padsTheFirstUserOfEveryAnswerUntilTurnedOff() {
		String name = this.client.get().uri("/user/1").exchange().expectStatus().isOk()
			.returnResult(User.class).getResponseBody().name();
		this.client.put().uri("/drill/oversize?bytes=" + TWO_MB).exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.bytes").isEqualTo(TWO_MB);
		try {
			byte[] one = this.client.get().uri("/user/1").exchange().expectStatus().isOk()
				.returnResult(byte[].class).getResponseBody();
			assertThat(one.length).isGreaterThan(TWO_MB);
			assertThat(this.client.get().uri("/user/1").exchange().returnResult(User.class).getResponseBody().name())
				.startsWith(name).hasSize(name.length() + TWO_MB);
			byte[] batch = this.client.get().uri("/user?ids=1,2,3").exchange().expectStatus().isOk()
				.returnResult(byte[].class).getResponseBody();
			assertThat(batch.length).isBetween(TWO_MB, TWO_MB + 1024);
			this.client.get().uri("/drill/oversize").exchange().expectStatus().isOk()
				.expectBody().jsonPath("$.bytes").isEqualTo(TWO_MB);
		}
		finally {
			this.client.put().uri("/drill/oversize?bytes=0").exchange().expectStatus().isOk();
		}
		this.client.get().uri("/user/1").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.name").isEqualTo(name);
	}

	@Test
	void refusesAPaddingOutOfRange() {
		this.client.put().uri("/drill/oversize?bytes=-1").exchange().expectStatus().isBadRequest()
			.expectBody().jsonPath("$.detail").isEqualTo("bytes must be 0 to 16777216, was -1");
	}

	@Test
	void apiDocumentLeavesTheDrillsOut() {
		String document = this.client.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(document).contains("\"/user/{id}\"").doesNotContain("/drill", "/actuator");
	}

}

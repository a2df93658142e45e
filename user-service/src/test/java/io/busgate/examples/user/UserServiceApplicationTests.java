package io.busgate.examples.user;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole application on a real port, with its real configuration ({@code user-service.yml},
 * 10,000 users).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.config.name=user-service")
@AutoConfigureRestTestClient
@Import(UserServiceApplicationTests.RecordedRequests.class)
class UserServiceApplicationTests {

	@Autowired
	private RestTestClient client;

	@Autowired
	private UserServiceProperties properties;

	@Autowired
	private RecordedRequests requests;

	@Test
	void usesTheDefaultConfiguration() {
		assertThat(this.properties).isEqualTo(UserServiceProperties.defaults());
	}

	@Test
	void readinessAndLivenessProbesAreUp() {
		this.client.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
		this.client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
	}

	@Test
	void faultDrillsAreOffByDefault() {
		this.client.put().uri("/drill/slowdown?ms=3000").exchange().expectStatus().isNotFound();
		this.client.put().uri("/drill/oversize?bytes=2097152").exchange().expectStatus().isNotFound();
	}

	@Test
	void servesUsersOverHttp() {
		this.client.get().uri("/user/10000").exchange().expectStatus().isOk()
			.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.expectBody().jsonPath("$.id").isEqualTo("10000")
			.jsonPath("$.name").isNotEmpty();
		this.client.get().uri("/user?ids=1,10001").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$[0].id").isEqualTo("1")
			.jsonPath("$[1]").isEmpty();
		this.client.get().uri("/user/1/friends?pageSize=3").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.length()").isEqualTo(3);
	}

	@Test
	void spanOfARequestNamesTheCallerFromTheBusPrincipalHeader() {
		this.client.get().uri("/user/7").header("bus-principal", "user-7").exchange().expectStatus().isOk();
		this.client.get().uri("/user/8").exchange().expectStatus().isOk();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.requests.callers)
			.containsEntry("/user/7", "user-7")
			.containsEntry("/user/8", "-"));
	}

	@Test
	void errorsAreProblemDetailsWithoutStackTraces() {
		String body = this.client.get().uri("/user/10001").exchange().expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody(String.class).returnResult().getResponseBody();
		assertThat(body).contains("\"detail\":\"No user with id '10001'\"").doesNotContain("trace", "Exception");
		this.client.get().uri("/users?pageSize=500").exchange().expectStatus().isBadRequest()
			.expectBody().jsonPath("$.detail").isEqualTo("pageSize must be between 1 and 100, was 500");
		this.client.get().uri("/no/such/path").exchange().expectStatus().isNotFound()
			.expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
	}

	/** Records the {@code enduser.id} of each request's observation when it stops, by path. */
	static class RecordedRequests implements ObservationHandler<ServerRequestObservationContext> {

		final Map<String, String> callers = new ConcurrentHashMap<>();

		@Override
		public void onStop(ServerRequestObservationContext context) {
			KeyValue caller = context.getHighCardinalityKeyValue(CallerObservationConvention.ENDUSER_ID);
			this.callers.put(context.getCarrier().getRequestURI(), (caller != null) ? caller.getValue() : "-");
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof ServerRequestObservationContext;
		}

	}

}

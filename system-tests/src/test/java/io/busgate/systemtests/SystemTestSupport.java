package io.busgate.systemtests;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/** What every system test class uses: the running stack and clients for it. */
@ExtendWith(RunningBusgate.class)
abstract class SystemTestSupport {

	static BusgateStack stack;

	@BeforeAll
	static void useStack(BusgateStack running) {
		stack = running;
	}

	/** A GraphQL client of the (first) gateway; documents come from {@code graphql-test/}. */
	static HttpGraphQlTester graphQl() {
		return graphQl(stack);
	}

	/** A GraphQL client of the given stack's (first) gateway. */
	static HttpGraphQlTester graphQl(BusgateStack target) {
		return HttpGraphQlTester.create(WebTestClient.bindToServer()
			.baseUrl(target.gatewayUrl() + "/graphql")
			.responseTimeout(Duration.ofSeconds(20))
			.build());
	}

	/** The 50 users of {@code usersWithPostsAndInbox}, each with its posts and inbox. */
	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> usersWithPostsAndInbox(HttpGraphQlTester graphQl) {
		return graphQl.documentName("usersWithPostsAndInbox")
			.execute()
			.path("getUsers")
			.entityList(Map.class)
			.hasSize(50)
			.get()
			.stream()
			.map((user) -> (Map<String, Object>) user)
			.toList();
	}

	/** The gateway's producer, for records that tests put on the bus themselves. */
	@SuppressWarnings("unchecked")
	static KafkaTemplate<String, byte[]> template() {
		return stack.gateway().getBean(KafkaTemplate.class);
	}

	/** Whether a gateway (or any app) reports ready. */
	static boolean isReady(WebClient app) {
		return app.get()
			.uri("/actuator/health/readiness")
			.exchangeToMono((response) -> Mono.just(response.statusCode().is2xxSuccessful()))
			.block(Duration.ofSeconds(5));
	}

	/**
	 * Posts a query to the (first) gateway and returns the whole response, extensions included,
	 * after checking that it has no errors.
	 */
	static Map<String, Object> postQuery(String query) {
		Map<String, Object> response = postQuery(stack.gatewayUrl(), query);
		assertThat(response).doesNotContainKey("errors");
		return response;
	}

	/** Posts a query to a gateway and returns the whole response, which must be a 200. */
	static Map<String, Object> postQuery(String gatewayUrl, String query) {
		return WebTestClient.bindToServer()
			.baseUrl(gatewayUrl)
			.responseTimeout(Duration.ofSeconds(20))
			.build()
			.post()
			.uri("/graphql")
			.bodyValue(Map.of("query", query))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	/** The trace id a gateway response names in its extensions. */
	@SuppressWarnings("unchecked")
	static String traceIdOf(Map<String, Object> response) {
		return (String) ((Map<String, Object>) response.get("extensions")).get("traceId");
	}

}

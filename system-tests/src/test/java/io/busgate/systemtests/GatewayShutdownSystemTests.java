package io.busgate.systemtests;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN a gateway with a query in flight to a slow backend; WHEN the gateway is shut down;
 * THEN its graceful shutdown lets the query finish, replies included, before the gateway stops.
 */
class GatewayShutdownSystemTests extends SystemTestSupport {

	@AfterEach
	void fullSpeed() {
		slowDownUserService(0);
	}

	@Test
	void aQueryInFlightIsAnsweredWhileTheGatewayShutsDown() {
		ConfigurableApplicationContext gatewayApp = stack.startGateway("shutdown-tests");
		WebClient gateway = WebClient.create(BusgateStack.url(gatewayApp));
		await().atMost(Duration.ofSeconds(30)).until(() -> isReady(gateway));
		long callsBefore = userServiceCalls();
		slowDownUserService(1500);

		Mono<Map<String, Object>> response = gateway.post()
			.uri("/graphql")
			.bodyValue(Map.of("query", "{ getUser(id: \"7\") { id } }"))
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<>() {
			});
		CompletableFuture<Map<String, Object>> answer = response.toFuture();
		await().atMost(Duration.ofSeconds(10)).until(() -> userServiceCalls() > callsBefore);
		gatewayApp.close();

		assertThat(answer).succeedsWithin(Duration.ofSeconds(10))
			.satisfies((body) -> assertThat(body).containsEntry("data", Map.of("getUser", Map.of("id", "7")))
				.doesNotContainKey("errors"));
	}

}

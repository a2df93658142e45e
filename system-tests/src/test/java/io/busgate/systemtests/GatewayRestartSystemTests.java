package io.busgate.systemtests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN a gateway in a process of its own with a query in flight (held at the user service by
 * its slowdown drill); WHEN it is killed with SIGKILL; THEN the query's client is not left
 * waiting (its connection closes with the process), and a gateway started again with the same
 * instance id, so on the same reply topic, answers queries with data. The killed gateway is a
 * process because only a process dies without its graceful shutdown (which
 * {@link GatewayShutdownSystemTests} checks); the one started again runs in this JVM, as quick to
 * start as the stack's, since what it must show is only that the instance id's reply topic
 * serves it again. The same fault behind HAProxy, under load, is compose/chaos/run.sh's fault 3.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GatewayRestartSystemTests extends SystemTestSupport {

	private static final String INSTANCE_ID = "restart-tests";

	private final List<AutoCloseable> started = new ArrayList<>();

	@AfterEach
	void cleanUp() throws Exception {
		slowDownUserService(0);
		for (AutoCloseable gateway : this.started) {
			gateway.close();
		}
	}

	@Test
	void aGatewayKilledAndStartedAgainWithTheSameInstanceIdAnswersAgain() {
		ChildApp killed = ChildApp.gateway("gateway-killed", stack.brokers(), INSTANCE_ID);
		this.started.add(killed);
		killed.awaitReady();
		long callsBefore = userServiceCalls();
		slowDownUserService(3000);
		CompletableFuture<Map<String, Object>> inFlight = getUser(killed.url(), "7");
		await().atMost(Duration.ofSeconds(10)).until(() -> userServiceCalls() > callsBefore);

		killed.kill();

		assertThat(inFlight).as("the query in flight when its gateway died").failsWithin(Duration.ofSeconds(10));
		slowDownUserService(0);
		ConfigurableApplicationContext restarted = stack.startGateway(INSTANCE_ID);
		this.started.add(restarted);
		await().atMost(Duration.ofSeconds(30)).until(() -> isReady(WebClient.create(BusgateStack.url(restarted))));
		for (String id : List.of("7", "8", "9")) {
			assertThat(getUser(BusgateStack.url(restarted), id)).succeedsWithin(Duration.ofSeconds(10))
				.satisfies((body) -> assertThat(body).containsEntry("data", Map.of("getUser", Map.of("id", id)))
					.doesNotContainKey("errors"));
		}
	}

	private static CompletableFuture<Map<String, Object>> getUser(String gatewayUrl, String id) {
		return WebClient.create(gatewayUrl)
			.post()
			.uri("/graphql")
			.bodyValue(Map.of("query", "{ getUser(id: \"" + id + "\") { id } }"))
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.toFuture();
	}

}

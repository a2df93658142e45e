package io.busgate.systemtests;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

import io.busgate.bus.BusTopics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN two http-bridges sharing the user group; WHEN one of them stops while 300 queries are
 * in flight; THEN it finishes what it took, its partitions move to the other, and every query
 * is answered with data. (The crash, SIGKILL under load, is BridgeKillSystemTests.)
 * The queries go through a gateway of their own with the default reply timeout (10 s), as in a
 * deployment; the shared stack's gateways wait only 3 s.
 */
class BridgeScaleInSystemTests extends SystemTestSupport {

	private static final String USER_GROUP = BusTopics.bridgeGroup("user");

	private static final int QUERIES = 300;

	@Test
	void aBridgeStoppedUnderLoadLosesNoQuery() throws Exception {
		ConfigurableApplicationContext extraBridge = stack.startExtraHttpBridge();
		ConfigurableApplicationContext gatewayApp = stack.startGateway("scale-in-tests");
		try {
			WebClient gateway = WebClient.create(BusgateStack.url(gatewayApp));
			await().atMost(Duration.ofSeconds(30))
				.until(() -> membersWithPartitions(USER_GROUP) == 2 && isReady(gateway));

			AtomicInteger answered = new AtomicInteger();
			Flux<Map<String, Object>> responses = Flux.range(0, QUERIES)
				.flatMap((i) -> gateway.post()
					.uri("/graphql")
					.bodyValue(Map.of("query", "{ getUser(id: \"" + (1 + i) + "\") { id name } }"))
					.retrieve()
					.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
					})
					.doOnNext((response) -> {
						if (answered.incrementAndGet() == QUERIES / 3) {
							// Closing blocks until the bridge has finished its work: off the event loop.
							new Thread(extraBridge::close, "stop-extra-bridge").start();
						}
					}), 30);
			List<Map<String, Object>> all = responses.collectList().block(Duration.ofSeconds(120));

			assertThat(all).hasSize(QUERIES).allSatisfy((response) -> {
				assertThat(response).doesNotContainKey("errors");
				assertThat(response).extractingByKey("data").isNotNull();
			});
			await().atMost(Duration.ofSeconds(30)).until(() -> !extraBridge.isActive());
			assertThat(membersWithPartitions(USER_GROUP)).isEqualTo(1);
		}
		finally {
			extraBridge.close();
			gatewayApp.close();
		}
	}

}

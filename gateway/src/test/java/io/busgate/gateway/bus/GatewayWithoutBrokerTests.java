package io.busgate.gateway.bus;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.busgate.gateway.GatewayApplication;
import io.busgate.gateway.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway started while its broker is down comes up not ready, fails bus fields fast with
 * {@code UNAVAILABLE}, and becomes ready on its own once the broker is there.
 */
class GatewayWithoutBrokerTests {

	private ConfigurableApplicationContext gateway;

	private EmbeddedKafkaKraftBroker broker;

	private LoopbackForwarder forwarder;

	@AfterEach
	void stop() throws IOException {
		if (this.gateway != null) {
			this.gateway.close();
		}
		if (this.forwarder != null) {
			this.forwarder.close();
		}
		if (this.broker != null) {
			this.broker.destroy();
		}
	}

	@Test
	void startsBeforeItsBrokerAndBecomesReadyWhenTheBrokerIsThere() throws Exception {
		int kafkaPort = freePort();
		this.gateway = GatewayApplication.application()
			.run("--server.port=0", "--spring.kafka.bootstrap-servers=127.0.0.1:" + kafkaPort,
					"--busgate.gateway.instance-id=no-broker-tests", "--busgate.gateway.reply-timeout=3s",
					"--busgate.gateway.send-timeout=1s", "--busgate.gateway.limits.request-timeout=5s",
					"--busgate.gateway.topic-retry-interval=200ms", "--" + TestTokens.SIGNING_KEY_PROPERTY,
					// A producer that blocks sends for longer than the request timeout.
					"--spring.kafka.producer.properties.max.block.ms=10000");
		String url = "http://127.0.0.1:" + ((WebServerApplicationContext) this.gateway).getWebServer().getPort();
		WebTestClient web = WebTestClient.bindToServer()
			.baseUrl(url)
			.responseTimeout(Duration.ofSeconds(10))
			.build();

		web.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
		// Sends block in the producer while it has no broker; their failures must not queue
		// behind them (or the 5 s request timeout would answer 504 first).
		List<String> codes = Flux.range(1, 20)
			.flatMap((i) -> WebClient.create(url)
				.post()
				.uri("/graphql")
				.bodyValue(Map.of("query", "{ getUser(id: \"" + i + "\") { name } }"))
				.retrieve()
				.bodyToMono(JsonNode.class)
				.map((response) -> response.at("/errors/0/extensions/code").asString()))
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(codes).hasSize(20).containsOnly("UNAVAILABLE");

		this.broker = new EmbeddedKafkaKraftBroker(1, 1);
		this.broker.afterPropertiesSet();
		// The embedded broker takes a random port: the gateway's bootstrap address leads there.
		int brokerPort = Integer.parseInt(this.broker.getBrokersAsString().replaceAll(".*:", ""));
		this.forwarder = new LoopbackForwarder(kafkaPort, brokerPort);

		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
		assertThat(topicNames())
			.contains("gateway.replies.no-broker-tests", "gateway.replies.no-broker-tests-dlt", "post.events",
					"message.events");
	}

	private Set<String> topicNames() throws Exception {
		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString()))) {
			return admin.listTopics().names().get(10, TimeUnit.SECONDS);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

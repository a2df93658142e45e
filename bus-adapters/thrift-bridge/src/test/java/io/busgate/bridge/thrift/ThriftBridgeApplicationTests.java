package io.busgate.bridge.thrift;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

import io.busgate.bus.BusReply;
import io.busgate.bus.BusStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * End to end over a real broker: request records on {@code message.requests} are answered on a
 * reply topic by the whole thrift-bridge application (its real configuration files, profile
 * {@code message}, message-service's IDL) calling the real message-service over Thrift.
 */
@EmbeddedKafka(partitions = 1, topics = "gateway.replies.e2e")
class ThriftBridgeApplicationTests {

	private static RunningMessageService backend;

	private static ConfigurableApplicationContext bridge;

	private static String brokers;

	@BeforeAll
	static void start(EmbeddedKafkaBroker broker) {
		brokers = broker.getBrokersAsString();
		backend = RunningMessageService.start(0);
		bridge = ThriftBridgeApplication.application()
			.profiles("message")
			.run("--spring.kafka.bootstrap-servers=" + brokers,
					// Requests written before the bridge's consumer is assigned are still served.
					"--busgate.bridge.partitions=2",
					"--busgate.bridge.thrift.port=" + backend.port(),
					"--busgate.bridge.thrift.idl=" + ShippedConfiguration.MESSAGE_IDL, "--server.port=0",
					"--spring.main.banner-mode=off");
	}

	@AfterAll
	static void stop() {
		bridge.close();
		backend.close();
	}

	@Test
	void messageOperationsAreAnsweredOnTheReplyTopic() throws Exception {
		try (BusCaller gateway = new BusCaller(brokers, "e2e")) {
			// As the sender of the seeded message 1 (seed 42): a message is only for its sender and recipient.
			String lookup = gateway.send("message.getMessages", List.of("1", "no-such-id"), Map.of(), null, "7557");
			String inbox = gateway.send("message.inbox", List.of("5"), Map.of("first", 1), null, "5");
			Map<String, Object> input = Map.of("input", Map.of("fromUserId", "5", "toUserId", "6", "body", "Walk?"));
			String sent = gateway.send("message.sendMessage", null, input, "e2e-key", "5");
			String again = gateway.send("message.sendMessage", null, input, "e2e-key", "5");
			String invalid = gateway.send("message.inbox", List.of("5"), Map.of("first", 500), null, "5");

			Map<String, BusReply> received = gateway.awaitReplies(List.of(lookup, inbox, sent, again, invalid));

			assertThat(received.get(lookup).items()).hasSize(2);
			assertThat(received.get(lookup).items().get(0)).asInstanceOf(MAP).containsEntry("id", "1");
			assertThat(received.get(lookup).items().get(1)).isNull();
			assertThat(received.get(inbox).items()).singleElement().asInstanceOf(LIST).hasSizeLessThanOrEqualTo(1);
			assertThat(received.get(sent).items()).singleElement().asInstanceOf(MAP)
				.containsEntry("body", "Walk?")
				.containsEntry("toUserId", "6");
			assertThat(received.get(again).items()).isEqualTo(received.get(sent).items());
			assertThat(received.get(invalid).status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
			assertThat(received.get(invalid).errorMessage()).isEqualTo("first must be between 1 and 100, was 500");
		}
	}

	@Test
	void bridgeIsReadyOnItsManagementPort() throws Exception {
		String port = bridge.getEnvironment().getProperty("local.server.port");
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
				// A bound, not a latency check: the first answer (the broker's and the backend's
				// checks behind it) took over 5 s on a loaded machine.
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"status\":\"UP\"", "\"backend\":", "\"kafka\":");
	}

}

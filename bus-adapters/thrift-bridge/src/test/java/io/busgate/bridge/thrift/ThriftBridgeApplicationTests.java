package io.busgate.bridge.thrift;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.test.TopicTail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.awaitility.Awaitility.await;

/**
 * End to end over a real broker: request records on {@code message.requests} are answered on a
 * reply topic by the whole thrift-bridge application (its real configuration files, profile
 * {@code message}) calling the real message-service over Thrift.
 */
@EmbeddedKafka(partitions = 1, topics = "gateway.replies.e2e")
class ThriftBridgeApplicationTests {

	private static final String REPLY_TOPIC = BusTopics.replies("e2e");

	private static RunningMessageService backend;

	private static ConfigurableApplicationContext bridge;

	private static KafkaProducer<String, byte[]> gateway;

	private final BusCodec codec = new BusCodec();

	@BeforeAll
	static void start(EmbeddedKafkaBroker broker) {
		backend = RunningMessageService.start(0);
		bridge = ThriftBridgeApplication.application()
			.profiles("message")
			.run("--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
					// Requests written before the bridge's consumer is assigned are still served.
					"--busgate.bridge.partitions=2",
					"--busgate.bridge.thrift.port=" + backend.port(), "--server.port=0",
					"--spring.main.banner-mode=off");
		Map<String, Object> producer = new HashMap<>(BusClientDefaults.producer());
		producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
		gateway = new KafkaProducer<>(producer);
	}

	@AfterAll
	static void stop() {
		gateway.close(Duration.ofSeconds(5));
		bridge.close();
		backend.close();
	}

	@Test
	void messageOperationsAreAnsweredOnTheReplyTopic() throws Exception {
		try (TopicTail replies = TopicTail.atEnd(bridge.getEnvironment().getProperty("spring.kafka.bootstrap-servers"),
				REPLY_TOPIC)) {
			// As the sender of the seeded message 1 (seed 42): a message is only for its sender and recipient.
			String lookup = send("message.getMessages", List.of("1", "no-such-id"), Map.of(), null, "7557");
			String inbox = send("message.inbox", List.of("5"), Map.of("first", 1), null, "5");
			Map<String, Object> input = Map.of("input", Map.of("fromUserId", "5", "toUserId", "6", "body", "Walk?"));
			String sent = send("message.sendMessage", null, input, "e2e-key", "5");
			String again = send("message.sendMessage", null, input, "e2e-key", "5");
			String invalid = send("message.inbox", List.of("5"), Map.of("first", 500), null, "5");

			Map<String, BusReply> received = awaitReplies(replies, List.of(lookup, inbox, sent, again, invalid));

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
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"status\":\"UP\"", "\"backend\":", "\"kafka\":");
	}

	private String send(String operation, List<Object> keys, Map<String, Object> args, String idempotencyKey,
			String principal) throws Exception {
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), operation, REPLY_TOPIC,
				Instant.now().plusSeconds(30), idempotencyKey, principal);
		ProducerRecord<String, byte[]> record = this.codec.requestRecord(new BusRequest(headers, keys, args));
		gateway.send(record).get();
		return new String(record.headers().lastHeader(BusHeaders.CORRELATION_ID).value(), StandardCharsets.UTF_8);
	}

	private Map<String, BusReply> awaitReplies(TopicTail replies, List<String> correlationIds) {
		Map<String, BusReply> received = new HashMap<>();
		await().atMost(Duration.ofSeconds(45)).until(() -> {
			replies.poll(Duration.ofMillis(200))
				.forEach((record) -> {
					BusReply reply = this.codec.readReply(record);
					received.put(reply.correlationId(), reply);
				});
			return received.keySet().containsAll(correlationIds);
		});
		return received;
	}

}

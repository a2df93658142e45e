package io.busgate.gateway.events;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.graphql.client.WebSocketGraphQlClient;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusEvent;
import io.busgate.gateway.FakeBridges;
import io.busgate.gateway.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Subscriptions over both transports, against a real broker: events published on
 * {@code message.events} (by any producer, here the test) reach the matching subscribers with
 * their nested fields resolved over the bus.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=gateway", "busgate.gateway.instance-id=subscription-tests",
				"busgate.gateway.subscription-buffer=16", TestTokens.SIGNING_KEY_PROPERTY })
@EmbeddedKafka(topics = { "user.requests", "post.requests" })
@Import(FakeBridges.class)
class BusSubscriptionTests {

	private static final String MESSAGE_RECEIVED = """
			subscription($to: ID!) { messageReceived(toUserId: $to) { id body from { name } } }""";

	@LocalServerPort
	private int port;

	@Autowired
	private KafkaTemplate<String, byte[]> template;

	@Autowired
	private EventHub hub;

	@Autowired
	private EventConsumers eventConsumers;

	private final BusCodec codec = new BusCodec();

	/** The event topics are created after start-up; the gateway reads them once they exist. */
	@BeforeEach
	void eventTopicsAreRead() {
		await().atMost(Duration.ofSeconds(30)).until(this.eventConsumers::isAssigned);
	}

	@Test
	void webSocketSubscriberGetsItsMessagesWithNestedFieldsResolved() {
		WebSocketGraphQlClient client = client("2");
		List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
		Disposable subscription = client.document(MESSAGE_RECEIVED)
			.variable("to", "2")
			.executeSubscription()
			.map((response) -> response.field("messageReceived").<Map<String, Object>>getValue())
			.subscribe(received::add);
		try {
			await().until(() -> this.hub.subscriptionCount() == 1);

			publishMessage("m1", "5", "3");
			publishMessage("m2", "7", "2");

			await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
			assertThat(received).containsExactly(Map.of("id", "m2", "body", "hello 2", "from", Map.of("name", "User 7")));
		}
		finally {
			subscription.dispose();
			client.stop().block(Duration.ofSeconds(5));
		}
		await().until(() -> this.hub.subscriptionCount() == 0);
	}

	@Test
	void sseSubscriberGetsItsMessagesWithNestedFieldsResolved() {
		List<String> received = new CopyOnWriteArrayList<>();
		Disposable subscription = WebClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.header("Authorization", TestTokens.bearer("4"))
			.bodyValue(Map.of("query", MESSAGE_RECEIVED, "variables", Map.of("to", "4")))
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.filter((event) -> "next".equals(event.event()))
			.subscribe((event) -> received.add(event.data()));
		try {
			await().until(() -> this.hub.subscriptionCount() == 1);

			publishMessage("m3", "9", "4");
			publishMessage("m4", "9", "5");

			await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
			assertThat(received.get(0)).contains("\"id\":\"m3\"").contains("\"name\":\"User 9\"");
		}
		finally {
			subscription.dispose();
		}
		await().until(() -> this.hub.subscriptionCount() == 0);
	}

	@Test
	void clientThatStopsReadingLosesItsSubscriptionAndTheOthersGetEverything() {
		int events = 1000;
		String body = "x".repeat(20_000);
		StuckClient stuck = StuckClient.subscribe(URI.create("ws://127.0.0.1:" + this.port + "/graphql"),
				"subscription { messageReceived(toUserId: \"6\") { id body } }", TestTokens.bearer("6"));
		WebSocketGraphQlClient client = client("6");
		List<String> received = new CopyOnWriteArrayList<>();
		Disposable reader = client.document("subscription { messageReceived(toUserId: \"6\") { id body } }")
			.executeSubscription()
			.map((response) -> response.field("messageReceived.id").<String>getValue())
			.subscribe(received::add);
		try {
			await().until(() -> this.hub.subscriptionCount() == 2);

			// 20 MB, far more than the socket buffers between the gateway and the stuck client;
			// one key, so Kafka keeps them in order.
			for (int i = 0; i < events; i++) {
				publish("conversation-6", "big-" + i, "1", "6", body);
			}

			await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == events);
			assertThat(this.hub.subscriptionCount()).isEqualTo(1);
			assertThat(received).containsExactlyElementsOf(
					IntStream.range(0, events).mapToObj((i) -> "big-" + i).toList());
		}
		finally {
			reader.dispose();
			client.stop().block(Duration.ofSeconds(5));
			stuck.abort();
		}
	}

	/** A graphql-transport-ws client authenticated as the user in its connection_init payload. */
	private WebSocketGraphQlClient client(String userId) {
		return WebSocketGraphQlClient
			.builder("ws://127.0.0.1:" + this.port + "/graphql", new ReactorNettyWebSocketClient())
			.interceptor(TestTokens.connectionInit(userId))
			.build();
	}

	private void publishMessage(String id, String from, String to) {
		publish(id, id, from, to, "hello " + to);
	}

	private void publish(String key, String id, String from, String to, String body) {
		this.template.send(this.codec.eventRecord(new BusEvent("message.sendMessage", key,
				Map.of("id", id, "body", body, "sentAt", "2026-01-01T00:00:00Z", "fromUserId", from, "toUserId", to),
				null)))
			.join();
	}

	/**
	 * A graphql-transport-ws client that subscribes and then reads nothing more: the JDK's
	 * WebSocket reads from the socket only on demand, so the gateway's writes back up.
	 */
	private static final class StuckClient implements WebSocket.Listener {

		private final CompletableFuture<Void> acknowledged = new CompletableFuture<>();

		private WebSocket socket;

		static StuckClient subscribe(URI uri, String query, String authorization) {
			StuckClient client = new StuckClient();
			client.socket = HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.subprotocols("graphql-transport-ws")
				.buildAsync(uri, client)
				.join();
			client.socket.sendText("{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"" + authorization
					+ "\"}}", true).join();
			client.acknowledged.orTimeout(10, TimeUnit.SECONDS).join();
			client.socket.sendText("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":\""
					+ query.replace("\"", "\\\"") + "\"}}", true).join();
			return client;
		}

		@Override
		public void onOpen(WebSocket webSocket) {
			webSocket.request(1);
		}

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			// The first message is connection_ack; after it, no more demand: nothing is read.
			this.acknowledged.complete(null);
			return null;
		}

		void abort() {
			this.socket.abort();
		}

	}

}

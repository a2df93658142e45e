package io.busgate.systemtests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.graphql.client.WebSocketGraphQlClient;
import org.springframework.graphql.client.WebSocketGraphQlClientInterceptor;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN the whole stack with two gateways; WHEN clients subscribe over WebSocket and messages
 * are sent; THEN every subscriber on every gateway gets exactly the messages meant for it, in
 * order, with nested fields resolved over the bus.
 */
class SubscriptionSystemTests extends SystemTestSupport {

	private static final String MESSAGE_RECEIVED = """
			subscription($to: ID!) { messageReceived(toUserId: $to) { id body from { name } } }""";

	private static final String MESSAGE_IDS = """
			subscription($to: ID!) { messageReceived(toUserId: $to) { id } }""";

	private final BusCodec codec = new BusCodec();

	@Test
	void sentMessageReachesTheRecipientsSubscribersOnBothGatewaysAndNobodyElse() {
		WebSocketGraphQlClient first = client(stack.gatewayUrl(), "2");
		WebSocketGraphQlClient second = client(stack.secondGatewayUrl(), "2");
		WebSocketGraphQlClient someoneElse = client(stack.gatewayUrl(), "3");
		List<Map<String, Object>> onFirst = new CopyOnWriteArrayList<>();
		List<Map<String, Object>> onSecond = new CopyOnWriteArrayList<>();
		List<Map<String, Object>> forSomeoneElse = new CopyOnWriteArrayList<>();
		List<String> overSse = new CopyOnWriteArrayList<>();
		Disposable subscriptions = Disposables.composite(subscribe(first, MESSAGE_RECEIVED, "2", onFirst),
				subscribe(second, MESSAGE_RECEIVED, "2", onSecond),
				subscribe(someoneElse, MESSAGE_RECEIVED, "3", forSomeoneElse),
				subscribeOverSse(MESSAGE_RECEIVED, "2", overSse));
		try {
			awaitSubscribed(4);
			String name = sender("11");

			String id = sendMessage("11", "2", "over Thrift, then Kafka, then WebSocket");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> onFirst.size() == 1 && onSecond.size() == 1 && overSse.size() == 1);

			Map<String, Object> expected = Map.of("id", id, "body", "over Thrift, then Kafka, then WebSocket", "from",
					Map.of("name", name));
			assertThat(onFirst).containsExactly(expected);
			assertThat(onSecond).containsExactly(expected);
			assertThat(forSomeoneElse).isEmpty();
			assertThat(overSse).singleElement()
				.isEqualTo("{\"data\":{\"messageReceived\":{\"id\":\"" + id
						+ "\",\"body\":\"over Thrift, then Kafka, then WebSocket\",\"from\":{\"name\":\"" + name
						+ "\"}}}}");
		}
		finally {
			subscriptions.dispose();
			first.stop().block(Duration.ofSeconds(10));
			second.stop().block(Duration.ofSeconds(10));
			someoneElse.stop().block(Duration.ofSeconds(10));
		}
	}

	@Test
	void thousandSubscribersGetExactlyTheirEventsInOrderPerKey() {
		int users = 50;
		int subscribersPerUser = 20;
		int events = 100;
		// One connection per user (a connection is one caller's), each with 20 subscriptions.
		List<WebSocketGraphQlClient> connections = IntStream.range(0, users)
			.mapToObj((i) -> client(stack.gatewayUrl(), Integer.toString(1000 + i)))
			.toList();
		Map<Integer, List<String>> receivedBySubscriber = new ConcurrentHashMap<>();
		List<Disposable> subscriptions = new ArrayList<>();
		for (int subscriber = 0; subscriber < users * subscribersPerUser; subscriber++) {
			List<String> received = new CopyOnWriteArrayList<>();
			receivedBySubscriber.put(subscriber, received);
			String user = Integer.toString(1000 + subscriber % users);
			subscriptions.add(connections.get(subscriber % users)
				.document(MESSAGE_IDS)
				.variable("to", user)
				.executeSubscription()
				.map((response) -> response.field("messageReceived.id").<String>getValue())
				.subscribe(received::add));
		}
		try {
			awaitSubscribed(users * subscribersPerUser);

			// Events as any producer may publish them, 2 per recipient. Kafka orders per key, so
			// the two for one recipient share a key and must arrive in the order sent.
			for (int event = 0; event < events; event++) {
				String to = Integer.toString(1000 + event % users);
				String id = "load-" + event;
				template().send(this.codec.eventRecord(new BusEvent("message.sendMessage", "conversation-" + to,
						Map.of("id", id, "body", "b", "sentAt", "2026-01-01T00:00:00Z", "fromUserId", "1", "toUserId", to),
						null)));
			}
			template().flush();

			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> receivedBySubscriber.forEach((subscriber,
					received) -> assertThat(received).hasSize(events / users)));
			receivedBySubscriber.forEach((subscriber, received) -> {
				int user = subscriber % users;
				assertThat(received).as("subscriber %d", subscriber)
					.containsExactly("load-" + user, "load-" + (user + users));
			});
		}
		finally {
			subscriptions.forEach(Disposable::dispose);
			connections.forEach((connection) -> connection.stop().block(Duration.ofSeconds(10)));
		}
	}

	@Test
	void gatewayShutdownCompletesItsSubscriptions() {
		ConfigurableApplicationContext gateway = stack.startGateway("shutting-down");
		WebSocketGraphQlClient client = client(BusgateStack.url(gateway), "8");
		AtomicReference<SignalType> ended = new AtomicReference<>();
		Disposable subscription = client.document(MESSAGE_IDS)
			.variable("to", "8")
			.executeSubscription()
			.doFinally(ended::set)
			.subscribe((response) -> {
			}, (error) -> {
			});
		try {
			await().until(() -> subscriptions(BusgateStack.url(gateway)) == 1);

			gateway.close();

			await().untilAsserted(() -> assertThat(ended.get()).isEqualTo(SignalType.ON_COMPLETE));
		}
		finally {
			subscription.dispose();
			gateway.close();
		}
	}

	/** A WebSocket client for the user, who sends their token in the {@code connection_init} payload. */
	private static WebSocketGraphQlClient client(String gatewayUrl, String userId) {
		return WebSocketGraphQlClient.builder(gatewayUrl.replace("http://", "ws://") + "/graphql",
				new ReactorNettyWebSocketClient())
			.interceptor(new WebSocketGraphQlClientInterceptor() {

				@Override
				public Mono<Object> connectionInitPayload() {
					return Mono.just(Map.of("Authorization", BusgateStack.bearer(userId)));
				}

			})
			.build();
	}

	private static Disposable subscribe(WebSocketGraphQlClient client, String document, String to,
			List<Map<String, Object>> received) {
		return client.document(document)
			.variable("to", to)
			.executeSubscription()
			.map((response) -> response.field("messageReceived").<Map<String, Object>>getValue())
			.subscribe(received::add);
	}

	/** A subscription over GraphQL over SSE, read as plain server-sent events. */
	private static Disposable subscribeOverSse(String document, String to, List<String> received) {
		return WebClient.create(stack.gatewayUrl())
			.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.header(HttpHeaders.AUTHORIZATION, BusgateStack.bearer(to))
			.bodyValue(Map.of("query", document, "variables", Map.of("to", to)))
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.filter((event) -> "next".equals(event.event()))
			.subscribe((event) -> received.add(event.data()));
	}

	/** Waits until the gateways report that many open subscriptions in their readiness details. */
	private static void awaitSubscribed(int count) {
		await().atMost(Duration.ofSeconds(30)).until(() -> subscriptions(stack.gatewayUrl())
				+ subscriptions(stack.secondGatewayUrl()) == count);
	}

	@SuppressWarnings("unchecked")
	private static int subscriptions(String gatewayUrl) {
		// A loaded gateway (fifty connections subscribing at once) may take longer than the default 5 s.
		Map<String, Object> health = WebTestClient.bindToServer()
			.baseUrl(gatewayUrl)
			.responseTimeout(Duration.ofSeconds(20))
			.build()
			.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		Map<String, Object> components = (Map<String, Object>) health.get("components");
		Map<String, Object> events = (Map<String, Object>) components.get("busEvents");
		return (Integer) ((Map<String, Object>) events.get("details")).get("subscriptions");
	}

	private static String sender(String id) {
		return graphQl().document("query($id: ID!) { getUser(id: $id) { name } }")
			.variable("id", id)
			.execute()
			.path("getUser.name")
			.entity(String.class)
			.get();
	}

	private static String sendMessage(String from, String to, String body) {
		return graphQlAs(from).document("mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }")
			.variable("input", Map.of("fromUserId", from, "toUserId", to, "body", body))
			.execute()
			.path("sendMessage.id")
			.entity(String.class)
			.get();
	}

}

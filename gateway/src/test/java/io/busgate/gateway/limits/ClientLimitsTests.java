package io.busgate.gateway.limits;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusEvent;
import io.busgate.gateway.FakeBridges;
import io.busgate.gateway.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The limits per client of a whole gateway, over real HTTP and real WebSockets. Ten requests per
 * client and then, within the test's time, no more (1 per hour). Each test is its own client: its
 * own loopback address, its own user; 127.0.0.9 is the one trusted proxy.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=gateway", "busgate.gateway.instance-id=client-limits-tests",
				"busgate.gateway.limits.rate.requests=1", "busgate.gateway.limits.rate.period=1h",
				"busgate.gateway.limits.rate.burst=10", "busgate.gateway.limits.trusted-proxies=127.0.0.9",
				"busgate.gateway.limits.subscriptions.max-per-connection=2",
				"busgate.gateway.limits.subscriptions.max-per-client=3", TestTokens.SIGNING_KEY_PROPERTY })
@AutoConfigureWebTestClient
@EmbeddedKafka(topics = { "user.requests", "post.requests" })
@Import(FakeBridges.class)
class ClientLimitsTests {

	private static final int BURST = 10;

	private static final String TYPENAME = "{\"query\":\"{ __typename }\"}";

	private static final String POST_CREATED = "subscription { postCreated { id title } }";

	@LocalServerPort
	private int port;

	@Autowired
	private WebTestClient web;

	@Autowired
	private SubscriptionLimit subscriptionLimit;

	@Autowired
	private KafkaTemplate<String, byte[]> template;

	private final BusCodec codec = new BusCodec();

	@BeforeEach
	void ready() {
		// Ready includes holding the event topics, so no subscription misses an event.
		FakeBridges.awaitGatewayReady(this.web);
	}

	@Test
	void clientRotatingForwardingHeadersIsStillLimited() {
		for (int i = 0; i < BURST; i++) {
			assertThat(post("/graphql", "127.0.0.11", forwardedFrom(i)).status()).isEqualTo(200);
		}
		for (int i = BURST; i < BURST + 20; i++) {
			assertThat(post("/graphql", "127.0.0.11", forwardedFrom(i)).status()).isEqualTo(429);
		}
	}

	@Test
	void behindTheTrustedProxyTheForwardedClientIsLimited() {
		for (int i = 0; i < BURST; i++) {
			assertThat(post("/graphql", "127.0.0.9", Map.of("X-Forwarded-For", "203.0.113.70")).status()).isEqualTo(200);
		}
		assertThat(post("/graphql", "127.0.0.9", Map.of("X-Forwarded-For", "203.0.113.70")).status()).isEqualTo(429);
		// ... by its own address: the proxy's other clients are not.
		assertThat(post("/graphql", "127.0.0.9", Map.of("X-Forwarded-For", "203.0.113.71")).status()).isEqualTo(200);
	}

	@Test
	void everyPathThatReachesGraphQlIsLimitedLikeGraphQl() {
		List<String> encoded = List.of("/%67raphql", "/%67%72%61%70%68%71%6C", "/gr%61phql?x=1");
		// They do reach the GraphQL handler: a fresh client gets data through each.
		for (String path : encoded) {
			Answer answer = post(path, "127.0.0.12", Map.of());
			assertThat(answer.status()).as(path).isEqualTo(200);
			assertThat(answer.body()).as(path).contains("\"__typename\":\"Query\"");
		}
		// Spring Security's firewall refuses most other spellings (400), the router the rest (404).
		List<String> others = List.of("/graphql;x=1", "/gr%61phql;v=2", "/graphql/", "//graphql", "/./graphql",
				"/a/../graphql", "/GRAPHQL", "/graphql%2F", "/%2Fgraphql", "/graphql%00", "/graphql/.", "/graphql%20");
		for (int i = 0; i < BURST; i++) {
			post("/graphql", "127.0.0.13", Map.of());
		}

		for (String path : encoded) {
			assertThat(post(path, "127.0.0.13", Map.of()).status()).as(path).isEqualTo(429);
		}
		// Any other spelling is limited too, or answered without reaching GraphQL.
		for (String path : others) {
			Answer answer = post(path, "127.0.0.13", Map.of());
			assertThat(answer.status()).as(path).isIn(400, 404, 405, 429);
			assertThat(answer.body()).as(path).doesNotContain("__typename");
		}
	}

	@Test
	void operationsOverOneWebSocketTakeTokensFromTheClientsBucket() {
		int operations = 200;
		try (TransportWsClient client = TransportWsClient.connect(this.port, "127.0.0.14", null)) {
			for (int i = 0; i < operations; i++) {
				client.subscribe("q" + i, "{ __typename }");
			}

			await().atMost(Duration.ofSeconds(30)).until(() -> client.ofType("complete").size() == operations);
			List<Map<String, Object>> answers = client.ofType("next");
			assertThat(answers).hasSize(operations);
			// The handshake took one token; the rest answer as many operations.
			assertThat(answers).filteredOn((answer) -> payload(answer).containsKey("data")).hasSize(BURST - 1);
			assertThat(answers).filteredOn((answer) -> !payload(answer).containsKey("data"))
				.hasSize(operations - BURST + 1)
				.allSatisfy((answer) -> assertThat(firstError(payload(answer))).extractingByKey("extensions")
					.asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsEntry("code", "RATE_LIMITED"));
		}
		// One bucket for HTTP and WebSocket: this client has none left for HTTP either.
		assertThat(post("/graphql", "127.0.0.14", Map.of()).status()).isEqualTo(429);
	}

	@Test
	void operationsOfAnAuthenticatedConnectionCountAgainstItsUser() {
		String user = "31";
		try (TransportWsClient first = TransportWsClient.connect(this.port, "127.0.0.15", TestTokens.bearer(user));
				TransportWsClient second = TransportWsClient.connect(this.port, "127.0.0.16", TestTokens.bearer(user))) {
			for (int i = 0; i < BURST; i++) {
				first.subscribe("q" + i, "{ __typename }");
				second.subscribe("q" + i, "{ __typename }");
			}

			await().atMost(Duration.ofSeconds(30))
				.until(() -> first.ofType("complete").size() + second.ofType("complete").size() == 2 * BURST);
			long answered = List.of(first, second)
				.stream()
				.flatMap((client) -> client.ofType("next").stream())
				.filter((answer) -> payload(answer).containsKey("data"))
				.count();
			assertThat(answered).isEqualTo(BURST);
		}
	}

	@Test
	void subscriptionsAreBoundedPerConnectionAndPerClient() {
		String user = "32";
		String client = "principal:" + user;
		try (TransportWsClient first = TransportWsClient.connect(this.port, "127.0.0.17", TestTokens.bearer(user))) {
			first.subscribe("s1", POST_CREATED);
			first.subscribe("s2", POST_CREATED);
			first.subscribe("s3", POST_CREATED);

			await().atMost(Duration.ofSeconds(10)).until(() -> !first.about("s3").isEmpty());
			assertRefused(first.about("s3"), "this connection already has 2 open subscriptions");
			await().until(() -> this.subscriptionLimit.openFor(client) == 2);

			try (TransportWsClient second = TransportWsClient.connect(this.port, "127.0.0.18",
					TestTokens.bearer(user))) {
				second.subscribe("s4", POST_CREATED);
				second.subscribe("s5", POST_CREATED);
				await().atMost(Duration.ofSeconds(10)).until(() -> !second.about("s5").isEmpty());
				assertRefused(second.about("s5"), "this client already has 3 open subscriptions");

				// The open ones are served.
				awaitEventIn(List.of(first, second), List.of("s1", "s2", "s4"));
				assertThat(first.about("s1")).allSatisfy((message) -> assertThat(message).containsEntry("type", "next"));

				// Ending one makes room for another.
				first.complete("s1");
				await().until(() -> this.subscriptionLimit.openFor(client) == 2);
				second.subscribe("s6", POST_CREATED);
				await().until(() -> this.subscriptionLimit.openFor(client) == 3);
			}
			// A closed connection frees all of its places.
			await().until(() -> this.subscriptionLimit.openFor(client) == 1);
		}
		await().until(() -> this.subscriptionLimit.openFor(client) == 0);
	}

	@Test
	void subscriptionsOverSseCountForTheClientToo() {
		String user = "33";
		List<Disposable> streams = new ArrayList<>();
		List<String> refusals = new CopyOnWriteArrayList<>();
		try {
			for (int i = 0; i < 4; i++) {
				streams.add(WebClient.create("http://127.0.0.1:" + this.port)
					.post()
					.uri("/graphql")
					.contentType(MediaType.APPLICATION_JSON)
					.accept(MediaType.TEXT_EVENT_STREAM)
					.header("Authorization", TestTokens.bearer(user))
					.bodyValue(Map.of("query", POST_CREATED))
					.retrieve()
					.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
					})
					.filter((event) -> event.data() != null && event.data().contains("TOO_MANY_SUBSCRIPTIONS"))
					.subscribe((event) -> refusals.add(event.data())));
				int opened = i + 1;
				await().atMost(Duration.ofSeconds(10))
					.until(() -> this.subscriptionLimit.openFor("principal:" + user) == Math.min(opened, 3));
			}

			await().atMost(Duration.ofSeconds(10)).until(() -> refusals.size() == 1);
			assertThat(refusals.get(0)).contains("this client already has 3 open subscriptions");
		}
		finally {
			streams.forEach(Disposable::dispose);
		}
		await().until(() -> this.subscriptionLimit.openFor("principal:" + user) == 0);
	}

	/** Publishes posts until every one of the subscriptions got one: they are open and served. */
	private void awaitEventIn(List<TransportWsClient> clients, List<String> ids) {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
			this.template.send(this.codec.eventRecord(new BusEvent("post.createPost", "p", Map.of("id", "p-9", "title",
					"a title", "body", "a body", "authorId", "1", "createdAt", "2026-01-01T00:00:00Z"), null)))
				.join();
			return ids.stream()
				.allMatch((id) -> clients.stream()
					.anyMatch((client) -> client.about(id).stream().anyMatch((m) -> "next".equals(m.get("type")))));
		});
	}

	private static void assertRefused(List<Map<String, Object>> messages, String reason) {
		assertThat(messages).singleElement().satisfies((message) -> {
			assertThat(message).containsEntry("type", "error");
			@SuppressWarnings("unchecked")
			Map<String, Object> error = ((List<Map<String, Object>>) message.get("payload")).get(0);
			assertThat(error).extractingByKey("extensions")
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("code", "TOO_MANY_SUBSCRIPTIONS");
			assertThat((String) error.get("message")).contains(reason);
		});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> payload(Map<String, Object> message) {
		return (Map<String, Object>) message.get("payload");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> firstError(Map<String, Object> payload) {
		return ((List<Map<String, Object>>) payload.get("errors")).get(0);
	}

	/** Headers a client makes up to pass for someone new on every request. */
	private static Map<String, String> forwardedFrom(int i) {
		return Map.of("Forwarded", "for=198.51.100." + i, "X-Forwarded-For", "198.51.100." + i);
	}

	/** A GraphQL POST from the address, sent as it is (paths are not normalized by the client). */
	private Answer post(String path, String fromAddress, Map<String, String> headers) {
		return HttpClient.create()
			.bindAddress(() -> new InetSocketAddress(fromAddress, 0))
			.headers((request) -> {
				request.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
				headers.forEach(request::set);
			})
			.post()
			.uri("http://127.0.0.1:" + this.port + path)
			.send(ByteBufFlux.fromString(Mono.just(TYPENAME)))
			.responseSingle((response, body) -> body.asString()
				.defaultIfEmpty("")
				.map((text) -> new Answer(response.status().code(), text)))
			.block(Duration.ofSeconds(10));
	}

	record Answer(int status, String body) {
	}

}

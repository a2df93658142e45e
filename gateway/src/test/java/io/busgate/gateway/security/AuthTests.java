package io.busgate.gateway.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.graphql.test.autoconfigure.tester.AutoConfigureHttpGraphQlTester;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.graphql.ResponseError;
import org.springframework.graphql.client.SubscriptionErrorException;
import org.springframework.graphql.client.WebSocketGraphQlClient;
import org.springframework.graphql.test.tester.GraphQlTester;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.test.TopicTail;
import io.busgate.gateway.FakeBridges;
import io.busgate.gateway.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who may do what, over a real broker: every refusal is a GraphQL error with a code and sends no
 * request record; every record that is sent carries the verified caller as {@code bus-principal},
 * which no client can set, and never the token.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=gateway", "busgate.gateway.instance-id=auth-tests",
				"busgate.gateway.reply-timeout=2s", "busgate.gateway.send-timeout=1s",
				"busgate.gateway.security.audiences=" + LocalTokens.AUDIENCE, TestTokens.SIGNING_KEY_PROPERTY })
@AutoConfigureHttpGraphQlTester
@AutoConfigureWebTestClient
@EmbeddedKafka(topics = { "user.requests", "post.requests", "message.requests" })
@Import(FakeBridges.class)
@ExtendWith(OutputCaptureExtension.class)
class AuthTests {

	private static final String MESSAGE_IDS = "subscription($to: ID!) { messageReceived(toUserId: $to) { id } }";

	@LocalServerPort
	private int port;

	@Autowired
	private HttpGraphQlTester graphQl;

	@Autowired
	private WebTestClient web;

	@Autowired
	private KafkaListenerEndpointRegistry listeners;

	@Autowired
	private EmbeddedKafkaBroker broker;

	@Autowired
	private FakeBridges bridges;

	@Autowired
	private KafkaTemplate<String, byte[]> template;

	private final BusCodec codec = new BusCodec();

	private List<TopicTail> requests;

	@BeforeEach
	void tail() {
		this.bridges.reset();
		FakeBridges.awaitAssigned(this.listeners);
		FakeBridges.awaitGatewayReady(this.web);
		this.requests = List.of("user.requests", "post.requests", "message.requests")
			.stream()
			.map((topic) -> TopicTail.atEnd(this.broker.getBrokersAsString(), topic))
			.toList();
	}

	@AfterEach
	void close() {
		this.requests.forEach(TopicTail::close);
	}

	@Test
	void mutationWithoutTokenIsUnauthenticatedAndSendsNothing() {
		assertRefused(this.graphQl.documentName("createPost").execute(), "createPost", "UNAUTHENTICATED");
		assertRefused(this.graphQl.documentName("sendMessage")
			.variable("input", Map.of("toUserId", "2", "body", "hi"))
			.execute(), "sendMessage", "UNAUTHENTICATED");
		assertNothingSent();
	}

	@Test
	void forgedExpiredAndMalformedTokensAre401AndSendNothing() {
		String forged = new LocalTokens("another-key-that-the-gateway-does-not-know").mint("3", Duration.ofHours(1));
		Instant past = Instant.now().minus(Duration.ofHours(2));
		String expired = new LocalTokens(TestTokens.SIGNING_KEY).mint("3", past, past.plus(Duration.ofHours(1)));
		for (String token : List.of(forged, expired, "not-a-jwt")) {
			// Even a query that needs no token: a bad one is never taken for none.
			for (String document : List.of("{ getUser(id: \"1\") { name } }",
					"mutation { createPost(input: { title: \"t\", body: \"b\" }) { id } }")) {
				this.web.post()
					.uri("/graphql")
					.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("query", document))
					.exchange()
					.expectStatus()
					.isUnauthorized()
					.expectHeader()
					.value(HttpHeaders.WWW_AUTHENTICATE, (value) -> assertThat(value).contains("invalid_token"));
			}
		}
		assertNothingSent();
	}

	@Test
	void tokensFromAnotherIssuerOrForAnotherAudienceAre401AndSendNothing() {
		String key = TestTokens.SIGNING_KEY;
		List<LocalTokens> others = List.of(new LocalTokens(key, "another-issuer", List.of(LocalTokens.AUDIENCE)),
				new LocalTokens(key, LocalTokens.ISSUER, List.of("another-application")),
				new LocalTokens(key, LocalTokens.ISSUER, List.of()));
		for (LocalTokens tokens : others) {
			this.web.post()
				.uri("/graphql")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.mint("3", Duration.ofHours(1)))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("query", "{ getUser(id: \"1\") { name } }"))
				.exchange()
				.expectStatus()
				.isUnauthorized()
				.expectHeader()
				.value(HttpHeaders.WWW_AUTHENTICATE, (value) -> assertThat(value).contains("invalid_token"));
		}
		assertThat(closeCodeAfterConnectionInit(others.get(1).mint("2", Duration.ofHours(1)))).isEqualTo(4401);
		assertNothingSent();

		// The right issuer and one of the audiences, among others: accepted.
		String accepted = new LocalTokens(key, LocalTokens.ISSUER, List.of("another-application", LocalTokens.AUDIENCE))
			.mint("3", Duration.ofHours(1));
		post("Bearer " + accepted, "7", "{ getUser(id: \"1\") { name } }");
		assertThat(this.requests.get(0).drain(Duration.ofMillis(500))).singleElement()
			.satisfies((record) -> assertThat(this.codec.readRequest(record).headers().principal()).isEqualTo("3"));
	}

	@Test
	void messageIsOnlyForItsSenderAndRecipientAndNullForAnyoneElseAsForAnUnknownId() {
		Map<String, Object> fromOneToTwo = Map.of("id", "1", "body", "between 1 and 2", "sentAt",
				"2026-01-01T00:00:00Z", "fromUserId", "1", "toUserId", "2");
		Map<String, Object> readable = Map.of("message", Map.of("id", "1", "body", "between 1 and 2"));
		assertThat(messageOneAs("1", fromOneToTwo)).isEqualTo(Map.of("data", readable));
		assertThat(messageOneAs("2", fromOneToTwo)).isEqualTo(Map.of("data", readable));

		// Anyone else gets what an unknown id gets: null, without an error.
		Map<String, Object> nothing = Collections.singletonMap("message", null);
		assertThat(messageOneAs("3", fromOneToTwo)).isEqualTo(Map.of("data", nothing))
			.isEqualTo(messageOneAs("3", null));
	}

	@Test
	void inboxIsOnlyForItsOwner() {
		asUser("1").documentName("inboxOf")
			.variable("id", "2")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement().satisfies((error) -> {
				assertThat(error.getPath()).isEqualTo("getUser.inbox");
				assertThat(error.getExtensions()).containsEntry("code", "FORBIDDEN");
			}));
		assertThat(messageRequests()).isEmpty();
		assertRefused(this.graphQl.documentName("inboxOf").variable("id", "2").execute(), "getUser.inbox",
				"UNAUTHENTICATED");
		assertThat(messageRequests()).isEmpty();

		// Nobody answers message.requests here: the owner's own inbox is asked for, and times out.
		asUser("2").documentName("inboxOf").variable("id", "2").execute();
		assertThat(messageRequests()).singleElement().satisfies((request) -> {
			assertThat(request.headers().operation()).isEqualTo("message.inbox");
			assertThat(request.headers().principal()).isEqualTo("2");
		});
	}

	@Test
	void inboxRootFieldIsOnlyForItsOwnerToo() {
		assertRefused(asUser("1").documentName("inboxByUserId").variable("id", "2").execute(), "inbox",
				"FORBIDDEN");
		assertRefused(this.graphQl.documentName("inboxByUserId").variable("id", "2").execute(), "inbox",
				"UNAUTHENTICATED");
		assertThat(messageRequests()).isEmpty();

		// Nobody answers message.requests here: the owner's own inbox is asked for, and times out.
		asUser("2").documentName("inboxByUserId").variable("id", "2").execute();
		assertThat(messageRequests()).singleElement().satisfies((request) -> {
			assertThat(request.headers().operation()).isEqualTo("message.inbox");
			assertThat(request.headers().principal()).isEqualTo("2");
		});
	}

	@Test
	void authorIsTheCallerFilledInWhenLeftOutAndRefusedWhenSomeoneElse() {
		asUser("5").documentName("createPostAsCaller")
			.variable("input", Map.of("title", "Mine", "body", "by the caller"))
			.execute()
			.path("createPost.author.name")
			.entity(String.class)
			.isEqualTo("User 5");
		assertThat(this.bridges.requests).filteredOn((request) -> request.headers().operation().equals("post.createPost"))
			.singleElement()
			.satisfies((request) -> {
				assertThat(request.args()).isEqualTo(
						Map.of("input", Map.of("authorId", "5", "title", "Mine", "body", "by the caller")));
				assertThat(request.headers().principal()).isEqualTo("5");
			});
		this.bridges.reset();
		this.requests.forEach((tail) -> tail.drain(Duration.ofMillis(300)));

		assertRefused(asUser("1").documentName("createPostAsCaller")
			.variable("input", Map.of("authorId", "2", "title", "Not mine", "body", "b"))
			.execute(), "createPost", "FORBIDDEN");
		assertRefused(asUser("1").documentName("sendMessage")
			.variable("input", Map.of("fromUserId", "2", "toUserId", "3", "body", "from someone else"))
			.execute(), "sendMessage", "FORBIDDEN");
		assertNothingSent();
	}

	@Test
	void messageToSomeoneIsSentFromTheCaller() {
		// Not answered here (nobody serves message.requests): what counts is the record.
		asUser("1").documentName("sendMessage")
			.variable("input", Map.of("toUserId", "2", "body", "hello"))
			.execute();
		assertThat(messageRequests()).singleElement().satisfies((request) -> {
			assertThat(request.args()).isEqualTo(
					Map.of("input", Map.of("fromUserId", "1", "toUserId", "2", "body", "hello")));
			assertThat(request.headers().principal()).isEqualTo("1");
		});
	}

	@Test
	void principalComesFromTheTokenOnlyAndTheTokenIsInNoRecordNorLog(CapturedOutput log) {
		String token = TestTokens.tokenFor("3");
		post("Bearer " + token, "7", "{ getUser(id: \"1\") { name friends(pageSize: 2) { name } } }");
		List<ConsumerRecord<String, byte[]>> records = this.requests.get(0).drain(Duration.ofMillis(500));
		assertThat(records).hasSize(2).allSatisfy((record) -> {
			assertThat(this.codec.readRequest(record).headers().principal()).isEqualTo("3");
			assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain(token);
			for (Header header : record.headers()) {
				assertThat(new String(header.value(), StandardCharsets.UTF_8)).doesNotContain(token)
					.doesNotContain("Bearer");
			}
		});

		// Anonymous, with a principal header of its own: the records name nobody.
		post(null, "7", "{ getUser(id: \"1\") { name } }");
		assertThat(this.requests.get(0).drain(Duration.ofMillis(500))).singleElement()
			.satisfies((record) -> assertThat(record.headers().lastHeader(BusHeaders.PRINCIPAL)).isNull());

		// Nor is a refused token logged.
		String forged = new LocalTokens("another-key-that-the-gateway-does-not-know").mint("3", Duration.ofHours(1));
		this.web.post()
			.uri("/graphql")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + forged)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("query", "{ getUser(id: \"1\") { name } }"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
		assertThat(log.getAll()).doesNotContain(token).doesNotContain(forged);
	}

	@Test
	void subscriptionOnlyToOnesOwnMessages() {
		List<ResponseError> errors = new CopyOnWriteArrayList<>();
		WebSocketGraphQlClient asUser1 = webSocket().interceptor(TestTokens.connectionInit("1")).build();
		WebSocketGraphQlClient anonymous = webSocket().build();
		Disposable others = subscribeToErrors(asUser1, "2", errors);
		Disposable nobodys = subscribeToErrors(anonymous, "2", errors);
		List<String> overSse = new CopyOnWriteArrayList<>();
		Disposable sse = WebClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.header(HttpHeaders.AUTHORIZATION, TestTokens.bearer("1"))
			.bodyValue(Map.of("query", MESSAGE_IDS, "variables", Map.of("to", "2")))
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.subscribe((event) -> overSse.add(event.event() + " " + event.data()));
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> errors.size() == 2 && !overSse.isEmpty());
			assertThat(errors).extracting((error) -> error.getExtensions().get("code"))
				.containsExactlyInAnyOrder("FORBIDDEN", "UNAUTHENTICATED");
			assertThat(overSse.get(0)).contains("FORBIDDEN");
		}
		finally {
			others.dispose();
			nobodys.dispose();
			sse.dispose();
			asUser1.stop().block(Duration.ofSeconds(5));
			anonymous.stop().block(Duration.ofSeconds(5));
		}
	}

	@Test
	void webSocketTakesTheTokenFromTheHandshakeToo() {
		WebSocketGraphQlClient asUser4 = webSocket().header(HttpHeaders.AUTHORIZATION, TestTokens.bearer("4")).build();
		List<ResponseError> errors = new CopyOnWriteArrayList<>();
		Disposable own = subscribeToErrors(asUser4, "2", errors);
		try {
			// Authenticated (not UNAUTHENTICATED), as user 4 (so user 2's messages are not theirs).
			await().atMost(Duration.ofSeconds(20)).until(() -> !errors.isEmpty());
			assertThat(errors).singleElement()
				.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", "FORBIDDEN"));
		}
		finally {
			own.dispose();
			asUser4.stop().block(Duration.ofSeconds(5));
		}
	}

	@Test
	void webSocketWithABadTokenIsClosedWith4401() {
		String forged = new LocalTokens("another-key-that-the-gateway-does-not-know").mint("2", Duration.ofHours(1));
		assertThat(closeCodeAfterConnectionInit(forged)).isEqualTo(4401);
	}

	@Test
	void webSocketIsClosedWith4401WhenItsTokenExpiresAndServesNothingAfter() {
		// The bus is warm (its producer made), so that the first operation is answered in time.
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> post(TestTokens.bearer("2"), "2", "{ getUser(id: \"1\") { name } }"));
		Instant expiresAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(6);
		String token = new LocalTokens(TestTokens.SIGNING_KEY).mint("2", Instant.now(), expiresAt);
		List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
		Sinks.Many<Map<String, Object>> outgoing = Sinks.many().unicast().onBackpressureBuffer();
		CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
		Disposable connection = new ReactorNettyWebSocketClient()
			.execute(URI.create("ws://127.0.0.1:" + this.port + "/graphql"), new WebSocketHandler() {

				@Override
				public List<String> getSubProtocols() {
					return List.of("graphql-transport-ws");
				}

				@Override
				public Mono<Void> handle(WebSocketSession session) {
					session.closeStatus().subscribe(closed::complete);
					Mono<Void> in = session.receive()
						.map((message) -> this.read(message.getPayloadAsText()))
						.doOnNext(received::add)
						.then();
					Mono<Void> out = session.send(outgoing.asFlux()
						.map((message) -> session.textMessage(JsonMapper.shared().writeValueAsString(message))));
					return Mono.when(in, out);
				}

				private Map<String, Object> read(String json) {
					return JsonMapper.shared().readValue(json, new TypeReference<Map<String, Object>>() {
					});
				}

			})
			.subscribe();
		try {
			outgoing.tryEmitNext(Map.of("type", "connection_init", "payload", Map.of("Authorization", "Bearer " + token)));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> received.stream().anyMatch((message) -> "connection_ack".equals(message.get("type"))));
			outgoing.tryEmitNext(subscribe("before"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> received.stream()
					.anyMatch((message) -> "before".equals(message.get("id")) && "next".equals(message.get("type"))));
			assertThat(Instant.now()).as("served while the token was valid").isBefore(expiresAt);
			this.requests.get(0).drain(Duration.ofMillis(300));

			// Sent once the token has expired: refused if it reaches the gateway before the close.
			await().atMost(Duration.ofSeconds(10)).until(() -> !Instant.now().isBefore(expiresAt));
			outgoing.tryEmitNext(subscribe("after"));
			assertThat(closed.orTimeout(10, TimeUnit.SECONDS).join().getCode()).isEqualTo(4401);
			assertThat(this.requests.get(0).drain(Duration.ofMillis(500))).isEmpty();
			assertThat(received).noneMatch((message) -> "after".equals(message.get("id")));
		}
		finally {
			connection.dispose();
		}
	}

	/** A graphql-transport-ws {@code subscribe} of a query that user.requests answers. */
	private static Map<String, Object> subscribe(String id) {
		return Map.of("id", id, "type", "subscribe", "payload", Map.of("query", "{ getUser(id: \"1\") { name } }"));
	}

	/** Opens a WebSocket, sends {@code connection_init} with the token and waits for the close. */
	private int closeCodeAfterConnectionInit(String token) {
		CompletableFuture<Integer> closed = new CompletableFuture<>();
		WebSocket socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.subprotocols("graphql-transport-ws")
			.buildAsync(URI.create("ws://127.0.0.1:" + this.port + "/graphql"), new WebSocket.Listener() {

				@Override
				public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
					closed.complete(statusCode);
					return null;
				}

			})
			.join();
		socket.sendText("{\"type\":\"connection_init\",\"payload\":{\"Authorization\":\"Bearer " + token + "\"}}", true)
			.join();
		return closed.orTimeout(20, TimeUnit.SECONDS).join();
	}

	/**
	 * Asks for message 1 as the user, answers the request that reaches message.requests with the
	 * stored message (or {@code null}, as for an unknown id) and returns the response.
	 */
	private Map<String, Object> messageOneAs(String userId, Map<String, Object> stored) {
		CompletableFuture<Map<String, Object>> response = WebClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri("/graphql")
			.header(HttpHeaders.AUTHORIZATION, TestTokens.bearer(userId))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("query", "{ message(id: \"1\") { id body } }"))
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.toFuture();
		List<BusRequest> asked = new ArrayList<>();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			this.requests.get(2).poll(Duration.ofMillis(100)).forEach((record) -> asked.add(this.codec.readRequest(record)));
			return !asked.isEmpty();
		});
		BusRequest request = asked.get(0);
		assertThat(request.headers().operation()).isEqualTo("message.getMessages");
		assertThat(request.headers().principal()).isEqualTo(userId);
		this.template.send(this.codec.replyRecord(request.headers(),
				BusReply.ok(request.headers().correlationId(), Collections.singletonList(stored))));
		Map<String, Object> answer = new LinkedHashMap<>(response.orTimeout(10, TimeUnit.SECONDS).join());
		answer.remove("extensions");
		return answer;
	}

	/** Subscribes to the user's messages; the errors the subscription ends with go to the list. */
	private static Disposable subscribeToErrors(WebSocketGraphQlClient client, String to, List<ResponseError> errors) {
		return client.document(MESSAGE_IDS)
			.variable("to", to)
			.executeSubscription()
			.subscribe((response) -> errors.addAll(response.getErrors()), (failure) -> {
				if (failure instanceof SubscriptionErrorException refused) {
					errors.addAll(refused.getErrors());
				}
			});
	}

	private WebSocketGraphQlClient.Builder<?> webSocket() {
		return WebSocketGraphQlClient.builder("ws://127.0.0.1:" + this.port + "/graphql",
				new ReactorNettyWebSocketClient());
	}

	private HttpGraphQlTester asUser(String userId) {
		return this.graphQl.mutate().header(HttpHeaders.AUTHORIZATION, TestTokens.bearer(userId)).build();
	}

	private void post(String authorization, String principalHeader, String document) {
		WebTestClient.RequestBodySpec request = this.web.post()
			.uri("/graphql")
			.header(BusHeaders.PRINCIPAL, principalHeader)
			.contentType(MediaType.APPLICATION_JSON);
		if (authorization != null) {
			request.header(HttpHeaders.AUTHORIZATION, authorization);
		}
		request.bodyValue(Map.of("query", document)).exchange().expectStatus().isOk().expectBody().jsonPath("$.errors")
			.doesNotExist();
	}

	private static void assertRefused(GraphQlTester.Response response, String path, String code) {
		response.errors().satisfy((errors) -> assertThat(errors).singleElement().satisfies((error) -> {
			assertThat(error.getPath()).isEqualTo(path);
			assertThat(error.getExtensions()).containsEntry("code", code);
		}));
	}

	private List<BusRequest> messageRequests() {
		return this.requests.get(2).drain(Duration.ofMillis(500)).stream().map(this.codec::readRequest).toList();
	}

	private void assertNothingSent() {
		this.requests.forEach((tail) -> assertThat(tail.drain(Duration.ofMillis(300))).isEmpty());
	}

}

package io.busgate.gateway.limits;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.busgate.bus.test.TopicTail;
import io.busgate.gateway.FakeBridges;
import io.busgate.gateway.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken requests are refused with a clear error before anything reaches the bus:
 * every test checks that no request record was produced.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=gateway", "busgate.gateway.instance-id=limits-tests",
				"busgate.gateway.reply-timeout=2500ms", "busgate.gateway.send-timeout=1s",
				"busgate.gateway.limits.request-timeout=3s",
				"busgate.gateway.limits.max-cost=50", "busgate.gateway.limits.max-aliases=5",
				"busgate.gateway.limits.max-root-fields=8", "busgate.gateway.limits.max-document-characters=2000",
				"busgate.gateway.limits.max-document-tokens=300", "busgate.gateway.limits.max-request-body=8KB",
				"spring.graphql.schema.introspection.enabled=false", TestTokens.SIGNING_KEY_PROPERTY })
@AutoConfigureWebTestClient
@EmbeddedKafka(topics = { "user.requests", "post.requests" })
@Import(FakeBridges.class)
class DocumentLimitsTests {

	@Autowired
	private WebTestClient web;

	@Autowired
	private KafkaListenerEndpointRegistry listeners;

	@Autowired
	private EmbeddedKafkaBroker broker;

	@Autowired
	private FakeBridges bridges;

	private TopicTail userRequests;

	@BeforeEach
	void tail() {
		this.bridges.reset();
		FakeBridges.awaitAssigned(this.listeners);
		FakeBridges.awaitGatewayReady(this.web);
		this.userRequests = TopicTail.atEnd(this.broker.getBrokersAsString(), "user.requests");
	}

	@AfterEach
	void nothingReachedTheBus() {
		try {
			assertThat(this.userRequests.drain(Duration.ofMillis(300))).isEmpty();
		}
		finally {
			this.userRequests.close();
		}
	}

	@Test
	void tooCostly() {
		// 10 + 10 + 3 * (10 + 2 * 1) = 56: each friend's friends are paid for once per friend. A
		// field over the budget on its own counts as one over it: 51.
		assertRefused("{ getUser(id: \"1\") { friends(pageSize: 3) { friends(pageSize: 2) { id } } } }",
				"QUERY_TOO_COSTLY", "costs at least 51; at most 50");
		// A list of keys multiplies too: 10 + 4 * (10 + 1 * 1) = 54.
		assertRefused("{ users(ids: [\"1\", \"2\", \"3\", \"4\"]) { friends(pageSize: 1) { id } } }",
				"QUERY_TOO_COSTLY", "costs at least 51; at most 50");
	}

	@Test
	void tooDeep() {
		assertRefused("{ getUser(id: \"1\") { friends { friends { friends { friends { friends { friends { friends {"
				+ " friends { friends { friends { id } } } } } } } } } } } }", "QUERY_TOO_DEEP", "at most 10 are allowed");
	}

	@Test
	void tooManyAliases() {
		assertRefused("{ a: getUser(id: \"1\") { b: name c: id } d: getUser(id: \"2\") { e: name f: id } }",
				"TOO_MANY_ALIASES", "6 aliased fields; at most 5");
	}

	@Test
	void tooManyRootFields() {
		assertRefused("{ " + "__typename ".repeat(9) + "}", "TOO_MANY_ROOT_FIELDS", "9 root fields; at most 8");
	}

	@Test
	void documentTooLongOrWithTooManyTokens() {
		assertRefused("{ getUser(id: \"1\") { name } } # " + "x".repeat(2000), null, "2,000 characters");
		assertRefused("{ getUser(id: \"1\") { " + "id ".repeat(400) + "} }", null, "300 'grammar' tokens");
	}

	@Test
	void introspectionWhenDisabled() {
		assertRefused("{ __schema { types { name } } }", null, "ntrospection");
	}

	@Test
	void unknownOperationNameAndWrongVariableTypes() {
		post(Map.of("query", "query a { getUser(id: \"1\") { name } }", "operationName", "b")).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.errors[0].message")
			.value((String message) -> assertThat(message).contains("Unknown operation named 'b'"));
		post(Map.of("query", "query($n: Int!) { getUsers(pageSize: $n) { name } }", "variables", Map.of("n", "many")))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.errors[0].message")
			.value((String message) -> assertThat(message).contains("Variable 'n'"));
	}

	@Test
	void malformedBodiesGetHttpErrors() {
		this.web.post().uri("/graphql").contentType(MediaType.APPLICATION_JSON).bodyValue("{ not json")
			.exchange()
			.expectStatus()
			.isBadRequest();
		this.web.post().uri("/graphql").contentType(MediaType.APPLICATION_JSON)
			.bodyValue("[{\"query\":\"{ getUser(id: \\\"1\\\") { name } }\"}]")
			.exchange()
			.expectStatus()
			.isBadRequest();
		this.web.post().uri("/graphql").contentType(MediaType.TEXT_PLAIN).bodyValue("{ getUser(id: \"1\") { name } }")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
	}

	@Test
	void bodyOverTheLimitIsRefusedWith413() {
		Map<String, Object> body = Map.of("query", "query($pad: String) { getUser(id: \"1\") { name } }", "variables",
				Map.of("pad", "x".repeat(9000)));
		this.web.post()
			.uri("/graphql")
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONTENT_TOO_LARGE)
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail).contains("over 8192 bytes"));
		// Without a Content-Length (chunked), refused once the limit is read.
		Flux<DataBuffer> chunked = Flux.range(0, 12)
			.map((i) -> DefaultDataBufferFactory.sharedInstance.wrap(("{\"query\":\"" + "x".repeat(1000)).getBytes()));
		this.web.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.body(chunked, DataBuffer.class)
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
	}

	@Test
	void requestOverItsTimeIsCutOffWithGatewayTimeoutAndSendsNothingMore() {
		// Warm: the timing below leaves each level 1.4 s to spare, not a cold start's worth.
		post(Map.of("query", "{ getUser(id: \"1\") { friends { name } } }")).expectStatus().isOk();
		assertThat(this.userRequests.take(2, Duration.ofSeconds(5))).hasSize(2);
		this.bridges.delayed.put("user.getUsers", Duration.ofMillis(1100));
		this.bridges.delayed.put("user.getFriends", Duration.ofMillis(1100));

		// Levels answered well within the 2.5 s reply timeout, 1.1 s apiece: the third is still
		// waiting when the 3 s budget runs out, and the fourth is never asked for.
		post(Map.of("query", "{ getUser(id: \"1\") { friends(pageSize: 1) { friends(pageSize: 1) { friends(pageSize: 1) {"
				+ " name } } } } }")).expectStatus()
			.isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
		assertThat(this.userRequests.take(3, Duration.ofSeconds(5))).hasSize(3);
		assertThat(this.userRequests.drain(Duration.ofSeconds(2))).isEmpty();
	}

	private void assertRefused(String document, String code, String messagePart) {
		WebTestClient.BodyContentSpec body = post(Map.of("query", document)).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data")
			.doesNotExist()
			.jsonPath("$.errors[0].message")
			.value((String message) -> assertThat(message).contains(messagePart));
		if (code != null) {
			body.jsonPath("$.errors[0].extensions.code").isEqualTo(code);
		}
	}

	private WebTestClient.ResponseSpec post(Map<String, Object> body) {
		return this.web.mutate()
			.responseTimeout(Duration.ofSeconds(10))
			.build()
			.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange();
	}

}

package io.busgate.gateway.security;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.busgate.bus.test.TopicTail;
import io.busgate.gateway.FakeBridges;
import io.busgate.gateway.GatewayApplication;
import io.busgate.gateway.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code prod} profile hands out neither GraphiQL nor the schema, and needs the tokens'
 * audiences; with anonymous reads off, a query without a token is refused before anything
 * reaches the bus.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=gateway", "busgate.gateway.instance-id=production-tests",
				"busgate.gateway.security.anonymous-reads=false",
				"busgate.gateway.security.audiences=" + LocalTokens.AUDIENCE, TestTokens.SIGNING_KEY_PROPERTY })
@ActiveProfiles("prod")
@AutoConfigureWebTestClient
@EmbeddedKafka(topics = { "user.requests", "post.requests" })
@Import(FakeBridges.class)
class ProductionProfileTests {

	@Autowired
	private WebTestClient web;

	@Autowired
	private KafkaListenerEndpointRegistry listeners;

	@Autowired
	private EmbeddedKafkaBroker broker;

	private TopicTail userRequests;

	@BeforeEach
	void tail() {
		FakeBridges.awaitAssigned(this.listeners);
		FakeBridges.awaitGatewayReady(this.web);
		this.userRequests = TopicTail.atEnd(this.broker.getBrokersAsString(), "user.requests");
	}

	@AfterEach
	void close() {
		this.userRequests.close();
	}

	@Test
	void noGraphiqlAndNoSchema() {
		this.web.get().uri("/graphiql").exchange().expectStatus().isNotFound();
		this.web.get().uri("/graphql/schema").exchange().expectStatus().isNotFound();
		post(TestTokens.bearer("1"), "{ __schema { types { name } } }").jsonPath("$.data")
			.doesNotExist()
			.jsonPath("$.errors[0].message")
			.value((String message) -> assertThat(message).contains("ntrospection"));
	}

	@Test
	void anonymousReadIsUnauthenticatedAndSendsNothingWhenAnonymousReadsAreOff() {
		post(null, "{ getUser(id: \"1\") { name } }").jsonPath("$.errors[0].extensions.code")
			.isEqualTo("UNAUTHENTICATED");
		assertThat(this.userRequests.drain(Duration.ofMillis(300))).isEmpty();

		post(TestTokens.bearer("1"), "{ getUser(id: \"1\") { name } }").jsonPath("$.data.getUser.name")
			.isEqualTo("User 1");
	}

	@Test
	void doesNotStartWithoutAudiences() {
		assertThatThrownBy(() -> GatewayApplication.application()
			.profiles("prod")
			.run("--server.port=0", "--spring.kafka.bootstrap-servers=127.0.0.1:1",
					"--busgate.gateway.instance-id=production-without-audiences", "--" + TestTokens.SIGNING_KEY_PROPERTY)
			.close()).rootCause()
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("busgate.gateway.security.audiences is not set, and the prod profile needs it");
	}

	private WebTestClient.BodyContentSpec post(String authorization, String document) {
		WebTestClient.RequestBodySpec request = this.web.post().uri("/graphql").contentType(MediaType.APPLICATION_JSON);
		if (authorization != null) {
			request.header(HttpHeaders.AUTHORIZATION, authorization);
		}
		return request.bodyValue(Map.of("query", document)).exchange().expectStatus().isOk().expectBody();
	}

}

package io.busgate.systemtests;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.test.web.reactive.server.WebTestClient;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.test.TopicTail;
import io.busgate.gateway.bus.BusClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN a broker, the user service, the HTTP bridge and a gateway; WHEN clients query users;
 * THEN every answer travels gateway -> Kafka -> bridge -> HTTP -> user service and back.
 */
class UserQueriesSystemTests extends SystemTestSupport {

	private static final String USER_REQUESTS = BusTopics.requests("user");

	private final BusCodec codec = new BusCodec();

	@Test
	void userWithFriendsComesFromTheUserService() {
		Map<?, ?> user = userService().get().uri("/user/1").exchange().returnResult(Map.class).getResponseBody().blockFirst();
		List<?> friends = userService().get()
			.uri("/user/1/friends?pageSize=3")
			.exchange()
			.returnResult(List.class)
			.getResponseBody()
			.blockFirst();

		graphQl().documentName("userWithFriends")
			.execute()
			.path("getUser.id")
			.entity(String.class)
			.isEqualTo("1")
			.path("getUser.name")
			.entity(String.class)
			.isEqualTo((String) user.get("name"))
			.path("getUser.friends")
			.entityList(Map.class)
			.isEqualTo(friends);
		assertThat(friends).hasSize(3);
	}

	@Test
	void twentyUsersOfOneLevelAreOneRequestRecord() {
		try (TopicTail requests = TopicTail.atEnd(stack.brokers(), USER_REQUESTS)) {
			graphQl().documentName("twentyUsers").execute().path("u20.id").entity(String.class).isEqualTo("20");

			List<ConsumerRecord<String, byte[]>> sent = requests.drain(Duration.ofSeconds(1));
			assertThat(sent).singleElement().satisfies((record) -> {
				BusRequest request = this.codec.readRequest(record);
				assertThat(request.headers().operation()).isEqualTo("user.getUsers");
				assertThat(request.keys()).hasSize(20);
			});
		}
	}

	@Test
	void unknownUserIsNullWithoutError() {
		graphQl().documentName("unknownUser").execute().errors().verify().path("getUser").valueIsNull();
	}

	@Test
	void malformedRequestIsDeadLetteredAndTheBridgeGoesOn() {
		try (TopicTail deadLetters = TopicTail.atEnd(stack.brokers(), BusTopics.deadLetter(USER_REQUESTS))) {
			RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), "user.getUsers",
					BusTopics.replies("nobody"), Instant.now().plusSeconds(30), null);
			ProducerRecord<String, byte[]> valid = this.codec
				.requestRecord(new BusRequest(headers, List.of("1"), Map.of()));
			ProducerRecord<String, byte[]> malformed = new ProducerRecord<>(USER_REQUESTS, valid.key(),
					"this is not JSON".getBytes(StandardCharsets.UTF_8));
			valid.headers().forEach((header) -> malformed.headers().add(header));
			template().send(malformed).join();

			List<ConsumerRecord<String, byte[]>> deadLettered = new ArrayList<>();
			await().untilAsserted(() -> {
				deadLettered.addAll(deadLetters.poll(Duration.ofMillis(200)));
				assertThat(deadLettered).singleElement()
					.satisfies((record) -> assertThat(new String(record.value(), StandardCharsets.UTF_8))
						.isEqualTo("this is not JSON"));
			});
		}
		graphQl().documentName("userName").execute().path("getUser.name").entity(String.class).satisfies(
				(name) -> assertThat(name).isNotBlank());
	}

	@Test
	void stoppedBridgeFailsTheFieldWithUpstreamTimeoutAndTheGatewayStaysHealthy() {
		stack.stopHttpBridge();
		try {
			// UPSTREAM_TIMEOUT is the gateway's per-field reply timeout (3 s here), not the request's budget.
			graphQl().documentName("userName")
				.execute()
				.errors()
				.satisfy((errors) -> assertThat(errors).singleElement()
					.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", "UPSTREAM_TIMEOUT")))
				.path("getUser")
				.valueIsNull();
			gateway().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
			assertThat(stack.gateway().getBean(BusClient.class).pendingCount()).isZero();
		}
		finally {
			stack.startHttpBridgeAgain();
		}
	}

	private WebTestClient gateway() {
		return WebTestClient.bindToServer().baseUrl(stack.gatewayUrl()).build();
	}

	private WebTestClient userService() {
		return WebTestClient.bindToServer().baseUrl(stack.userServiceUrl()).build();
	}

}

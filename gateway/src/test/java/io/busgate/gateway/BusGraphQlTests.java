package io.busgate.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import org.springframework.boot.graphql.test.autoconfigure.tester.AutoConfigureHttpGraphQlTester;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.gateway.bus.BusClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway over a real broker, answered by a {@link FakeBridges} that speaks the bus
 * contract: the SDL binding, batching, error codes, timeouts, GET, and document limits.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=gateway", "busgate.gateway.reply-timeout=2s",
				"busgate.gateway.send-timeout=1s",
				"busgate.gateway.instance-id=gateway-tests", TestTokens.SIGNING_KEY_PROPERTY })
@AutoConfigureHttpGraphQlTester
@AutoConfigureWebTestClient
@EmbeddedKafka(topics = { "user.requests", "post.requests" })
@Import(FakeBridges.class)
class BusGraphQlTests {

	@Autowired
	private HttpGraphQlTester graphQl;

	@Autowired
	private WebTestClient web;

	@Autowired
	private KafkaListenerEndpointRegistry listeners;

	@Autowired
	private FakeBridges bridge;

	@Autowired
	private BusClient busClient;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private GraphQlProperties graphQlProperties;

	@BeforeEach
	void reset() {
		this.bridge.reset();
		FakeBridges.awaitAssigned(this.listeners);
		FakeBridges.awaitGatewayReady(this.web);
	}

	@Test
	void fieldsBoundWithBusAreFetchedOverKafka() {
		this.graphQl.documentName("getUserWithFriends")
			.variable("id", "1")
			.execute()
			.path("getUser.name")
			.entity(String.class)
			.isEqualTo("User 1")
			.path("getUser.friends[*].id")
			.entityList(String.class)
			.containsExactly("2", "3", "4");
	}

	@Test
	void responseNamesItsTraceAndTheRoundTripIsMeasured() {
		Map<String, Object> response = this.web.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("query", "{ getUser(id: \"1\") { name } }"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();

		assertThat(response).extractingByKey("extensions")
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.extractingByKey("traceId")
			.asString()
			.matches("[0-9a-f]{32}")
			.isNotEqualTo("0".repeat(32));
		assertThat(this.meters.get("busgate.bus.requests")
			.tags("operation", "user.getUsers", "status", "ok")
			.timer()
			.count()).isPositive();
	}

	@Test
	void unknownIdIsNullWithoutError() {
		this.graphQl.documentName("unknownUser").execute().errors().verify().path("getUser").valueIsNull();
	}

	@Test
	void listArgumentAsksForSeveralKeysInOrder() {
		this.graphQl.documentName("usersByIds")
			.execute()
			.errors()
			.verify()
			.path("users[0].name")
			.entity(String.class)
			.isEqualTo("User 2")
			.path("users[1]")
			.valueIsNull()
			.path("users[2].name")
			.entity(String.class)
			.isEqualTo("User 1");
		assertThat(this.bridge.requestsFor("user.getUsers")).singleElement()
			.satisfies((request) -> assertThat(request.keys()).containsExactly("2", "999999", "1"));
	}

	@Test
	void keylessFieldSendsItsArguments() {
		this.graphQl.documentName("pageOfUsers")
			.execute()
			.path("getUsers[*].id")
			.entityList(String.class)
			.containsExactly("11", "12");
		assertThat(this.bridge.requestsFor("user.listUsers")).singleElement()
			.satisfies((request) -> assertThat(request.args()).isEqualTo(Map.of("start", 10, "pageSize", 2)));
	}

	@Test
	void twentyFieldsOfOneLevelLeaveAsOneRecord() {
		this.graphQl.documentName("twentyUsers").execute().path("u20.name").entity(String.class).isEqualTo("User 20");

		List<BusRequest> requests = this.bridge.requestsFor("user.getUsers");
		assertThat(requests).hasSize(1);
		assertThat(requests.get(0).keys()).hasSize(20);
	}

	@Test
	void nestedLevelIsOneRecordForAllParents() {
		this.graphQl.documentName("friendsOfFriends")
			.execute()
			.path("getUser.friends[*].friends")
			.entityList(Object.class)
			.hasSize(20);

		List<BusRequest> requests = this.bridge.requestsFor("user.getFriends");
		assertThat(requests).hasSize(2);
		assertThat(requests.get(1).keys()).hasSize(20);
		assertThat(requests.get(1).args()).isEqualTo(Map.of("start", 0, "pageSize", 2));
	}

	@Test
	void missingReplyFailsOnlyThatFieldWithUpstreamTimeout() {
		this.bridge.silent.add("user.listUsers");
		double timeoutsBefore = timeouts("user.listUsers");

		this.graphQl.documentName("userAndPage")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement().satisfies((error) -> {
				assertThat(error.getPath()).isEqualTo("getUsers");
				assertThat(error.getExtensions()).containsEntry("code", "UPSTREAM_TIMEOUT");
			}))
			.path("getUser.name")
			.entity(String.class)
			.isEqualTo("User 1")
			.path("getUsers")
			.valueIsNull();

		// The reply timeout failed it: counted as a timeout, and timed from before the timeout was
		// set, so each such request took at least the 2 s reply timeout.
		await().until(() -> this.busClient.pendingCount() == 0);
		assertThat(timeouts("user.listUsers")).isEqualTo(timeoutsBefore + 1);
		Timer timedOut = this.meters.get("busgate.bus.requests")
			.tag("operation", "user.listUsers")
			.tag("status", "UPSTREAM_TIMEOUT")
			.timer();
		assertThat(timedOut.count()).isPositive();
		assertThat(timedOut.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(timedOut.count() * 2000.0);
	}

	private double timeouts(String operation) {
		Counter timeouts = this.meters.find("busgate.bus.timeouts").tag("operation", operation).counter();
		return (timeouts != null) ? timeouts.count() : 0;
	}

	@Test
	void errorReplyBecomesAnErrorWithTheReplyStatusAsCodeAndNoBackendDetail() {
		this.bridge.failing.put("user.getUsers", BusStatus.UNAVAILABLE);

		this.graphQl.documentName("unknownUser")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement().satisfies((error) -> {
				assertThat(error.getExtensions()).containsEntry("code", "UNAVAILABLE");
				assertThat(error.getMessage()).isEqualTo("the backend of this field failed (UNAVAILABLE)");
			}));
	}

	@Test
	void rejectedInputKeepsTheBackendsReason() {
		this.bridge.failing.put("user.getUsers", BusStatus.INVALID_ARGUMENT);

		this.graphQl.documentName("unknownUser")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement().satisfies((error) -> {
				assertThat(error.getExtensions()).containsEntry("code", "INVALID_ARGUMENT");
				assertThat(error.getMessage()).isEqualTo("user.getUsers failed on purpose");
			}));
	}

	@Test
	void backendRefusingTheCallerIsForbiddenWithItsReason() {
		this.bridge.failing.put("user.getUsers", BusStatus.PERMISSION_DENIED);

		this.graphQl.documentName("unknownUser")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement().satisfies((error) -> {
				assertThat(error.getExtensions()).containsEntry("code", "FORBIDDEN");
				assertThat(error.getMessage()).isEqualTo("user.getUsers failed on purpose");
			}));
	}

	@Test
	void answerTooLargeKeepsItsCodeAndNoBackendDetail() {
		this.bridge.failing.put("user.getUsers", BusStatus.RESPONSE_TOO_LARGE);

		this.graphQl.documentName("unknownUser")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement().satisfies((error) -> {
				assertThat(error.getExtensions()).containsEntry("code", "RESPONSE_TOO_LARGE");
				assertThat(error.getMessage())
					.isEqualTo("the answer of this field is too large for the bus; ask for fewer items");
			}));
	}

	@Test
	void mutationCarriesTheClientsIdempotencyKeyAsHeaderNotAsArgument() {
		asUser3().documentName("createPost")
			.variable("key", "client-key-1")
			.execute()
			.path("createPost.title")
			.entity(String.class)
			.isEqualTo("Hello")
			.path("createPost.author.name")
			.entity(String.class)
			.isEqualTo("User 3");

		assertThat(this.bridge.requestsFor("post.createPost")).singleElement().satisfies((request) -> {
			assertThat(request.headers().idempotencyKey()).isEqualTo("client-key-1");
			assertThat(request.isKeyed()).isFalse();
			assertThat(request.args())
				.isEqualTo(Map.of("input", Map.of("authorId", "3", "title", "Hello", "body", "First post")));
		});
	}

	@Test
	void mutationWithoutAKeyGetsAFreshOneEachTime() {
		asUser3().documentName("createPost").execute().path("createPost.id").hasValue();
		asUser3().documentName("createPost").execute().path("createPost.id").hasValue();

		assertThat(this.bridge.requestsFor("post.createPost")).extracting((request) -> request.headers().idempotencyKey())
			.doesNotContainNull()
			.doesNotHaveDuplicates()
			.hasSize(2);
	}

	@Test
	void idempotencyKeyHeaderGivesEachMutationFieldItsOwnKeyAndARetryTheSameOnes() {
		String document = "mutation { a: createPost(input: { title: \"A\", body: \"a\" }) { id }"
				+ " b: createPost(input: { title: \"B\", body: \"b\" }) { id }"
				+ " c: createPost(input: { title: \"C\", body: \"c\", idempotencyKey: \"own\" }) { id } }";
		HttpGraphQlTester withHeader = asUser3().mutate().header("Idempotency-Key", "retry-1").build();
		for (int attempt = 1; attempt <= 2; attempt++) {
			withHeader.document(document).execute().path("c.id").hasValue();
		}

		// The input field wins over the header.
		assertThat(this.bridge.requestsFor("post.createPost")).extracting((request) -> request.headers().idempotencyKey())
			.containsExactly("retry-1/a", "retry-1/b", "own", "retry-1/a", "retry-1/b", "own");
	}

	@Test
	void getServesQueries() {
		this.web.get()
			.uri((uri) -> uri.path("/graphql").queryParam("query", "{q}").build("{ getUser(id: \"7\") { name } }"))
			.accept(MediaType.APPLICATION_JSON)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.getUser.name")
			.isEqualTo("User 7");
	}

	@Test
	void getRefusesMutationsAndMissingQuery() {
		this.web.get()
			.uri((uri) -> uri.path("/graphql").queryParam("query", "{q}").build("mutation { x }"))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.METHOD_NOT_ALLOWED)
			.expectHeader()
			.valueEquals("Allow", "POST");
		this.web.get().uri("/graphql").exchange().expectStatus().isBadRequest();
		this.web.get()
			.uri((uri) -> uri.path("/graphql").queryParam("query", "{q}").queryParam("variables", "{v}")
				.build("{ getUser(id: \"7\") { name } }", "not json"))
			.exchange()
			.expectStatus()
			.isBadRequest();
	}

	@Test
	void tooDeepDocumentIsRefusedBeforeAnythingIsSent() {
		this.graphQl.documentName("tooDeep")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", "QUERY_TOO_DEEP")));
		assertThat(this.bridge.requests).isEmpty();
	}

	/** createPost.graphql creates a post by user 3, which only user 3 may. */
	private HttpGraphQlTester asUser3() {
		return this.graphQl.mutate().header("Authorization", TestTokens.bearer("3")).build();
	}

	@Test
	void graphiqlIntrospectionAndSchemaAreOnOutsideProduction() {
		this.web.get().uri("/graphiql").exchange().expectStatus().value((status) -> assertThat(status).isBetween(200, 399));
		this.web.get().uri("/graphql/schema").exchange().expectStatus().isOk();
		// Not asked with a query: switched off once, introspection stays off in the whole JVM
		// (graphql-java's switch), so an earlier test class switching it off would decide.
		assertThat(this.graphQlProperties.getSchema().getIntrospection().isEnabled()).isTrue();
	}

	@Test
	void readyOnceTheReplyConsumerHoldsItsPartitions() {
		this.web.get()
			.uri("/actuator/health/readiness")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.components.kafka.status")
			.isEqualTo("UP");
	}

}

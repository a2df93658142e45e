package io.busgate.systemtests;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.graphql.test.tester.GraphQlTester;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.http.HttpHeaders;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/** What every system test class uses: the running stack and clients for it. */
@ExtendWith(RunningBusgate.class)
abstract class SystemTestSupport {

	static BusgateStack stack;

	@BeforeAll
	static void useStack(BusgateStack running) {
		stack = running;
	}

	/** A GraphQL client of the (first) gateway; documents come from {@code graphql-test/}. */
	static HttpGraphQlTester graphQl() {
		return graphQl(stack);
	}

	/** A GraphQL client of the given stack's (first) gateway. */
	static HttpGraphQlTester graphQl(BusgateStack target) {
		return HttpGraphQlTester.create(WebTestClient.bindToServer()
			.baseUrl(target.gatewayUrl() + "/graphql")
			.responseTimeout(Duration.ofSeconds(20))
			.build());
	}

	/**
	 * A GraphQL client of the (first) gateway for a user, with a token: what mutates, subscribes or
	 * reads an inbox runs as the user it is for.
	 */
	static HttpGraphQlTester graphQlAs(String userId) {
		return graphQlAs(stack, userId);
	}

	static HttpGraphQlTester graphQlAs(BusgateStack target, String userId) {
		return graphQl(target).mutate().header(HttpHeaders.AUTHORIZATION, BusgateStack.bearer(userId)).build();
	}

	/** The user whose inbox {@code usersWithPostsAndInbox} reads; the seeded messages include some to them. */
	static final String INBOX_OWNER = "50";

	/**
	 * {@code usersWithPostsAndInbox}, as {@link #INBOX_OWNER} (an inbox is only for its owner): the
	 * first 50 users with their posts, and the owner with their inbox.
	 */
	@SuppressWarnings("unchecked")
	static UsersAndInbox usersWithPostsAndInbox(BusgateStack target) {
		GraphQlTester.Response response = graphQlAs(target, INBOX_OWNER).documentName("usersWithPostsAndInbox")
			.variable("me", INBOX_OWNER)
			.execute();
		List<Map<String, Object>> users = response.path("getUsers")
			.entityList(Map.class)
			.hasSize(50)
			.get()
			.stream()
			.map((user) -> (Map<String, Object>) user)
			.toList();
		List<Map<String, Object>> inbox = response.path("me.inbox")
			.entityList(Map.class)
			.get()
			.stream()
			.map((message) -> (Map<String, Object>) message)
			.toList();
		return new UsersAndInbox(users, inbox);
	}

	record UsersAndInbox(List<Map<String, Object>> users, List<Map<String, Object>> inbox) {
	}

	/** The gateway's producer, for records that tests put on the bus themselves. */
	@SuppressWarnings("unchecked")
	static KafkaTemplate<String, byte[]> template() {
		return stack.gateway().getBean(KafkaTemplate.class);
	}

	/** Whether a gateway (or any app) reports ready. */
	static boolean isReady(WebClient app) {
		return app.get()
			.uri("/actuator/health/readiness")
			.exchangeToMono((response) -> Mono.just(response.statusCode().is2xxSuccessful()))
			.block(Duration.ofSeconds(5));
	}

	/**
	 * Makes every call of the user service's API take {@code ms} longer (its slowdown drill), so
	 * that a request can be held in flight; 0 ends it.
	 */
	static void slowDownUserService(long ms) {
		WebClient.create(stack.userServiceUrl())
			.put()
			.uri("/drill/slowdown?ms=" + ms)
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(5));
	}

	/** How many calls of its API the user service has served: which requests reached it. */
	static long userServiceCalls() {
		Map<String, Object> state = WebClient.create(stack.userServiceUrl())
			.get()
			.uri("/drill/slowdown")
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(5));
		return ((Number) state.get("calls")).longValue();
	}

	/** How many members of a consumer group (a service's bridges) hold partitions. */
	static long membersWithPartitions(String group) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.brokers()))) {
			ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
				.describedGroups()
				.get(group)
				.get(10, TimeUnit.SECONDS);
			return description.members()
				.stream()
				.map(MemberDescription::assignment)
				.filter((assignment) -> !assignment.topicPartitions().isEmpty())
				.count();
		}
	}

	/**
	 * Posts a query to the (first) gateway as the user and returns the whole response, extensions
	 * included, after checking that it has no errors.
	 */
	static Map<String, Object> postQuery(String query, Map<String, Object> variables, String userId) {
		Map<String, Object> response = postQuery(stack.gatewayUrl(), query, variables, userId);
		assertThat(response).doesNotContainKey("errors");
		return response;
	}

	/** Posts a query to a gateway as the user and returns the whole response, which must be a 200. */
	static Map<String, Object> postQuery(String gatewayUrl, String query, Map<String, Object> variables,
			String userId) {
		return WebTestClient.bindToServer()
			.baseUrl(gatewayUrl)
			.responseTimeout(Duration.ofSeconds(20))
			.build()
			.post()
			.uri("/graphql")
			.header(HttpHeaders.AUTHORIZATION, BusgateStack.bearer(userId))
			.bodyValue(Map.of("query", query, "variables", variables))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	/** The trace id a gateway response names in its extensions. */
	@SuppressWarnings("unchecked")
	static String traceIdOf(Map<String, Object> response) {
		return (String) ((Map<String, Object>) response.get("extensions")).get("traceId");
	}

}

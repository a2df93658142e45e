package io.busgate.systemtests;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

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

	/** The gateway's producer, for records that tests put on the bus themselves. */
	@SuppressWarnings("unchecked")
	static KafkaTemplate<String, byte[]> template() {
		return stack.gateway().getBean(KafkaTemplate.class);
	}

}

package io.busgate.systemtests;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GIVEN a Kafka broker in a container (the {@code apache/kafka} image of the Kafka version the
 * apps are built with, as in compose/docker-compose.yml) and the whole stack on it; WHEN clients
 * query across the three protocols and create a post; THEN the answers travel over that broker.
 * Where no Docker engine answers, the class is skipped; the other system tests cover the same
 * path over an embedded broker.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerisedBrokerSystemTests {

	@Container
	private static final KafkaContainer broker = new KafkaContainer(
			DockerImageName.parse("apache/kafka").withTag(AppInfoParser.getVersion()));

	private static BusgateStack stack;

	@BeforeAll
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	static void startStack() {
		stack = new BusgateStack(broker.getBootstrapServers());
	}

	@AfterAll
	static void stopStack() {
		if (stack != null) {
			stack.close();
		}
	}

	@Test
	void queryAcrossThreeProtocolsIsAnswered() {
		SystemTestSupport.UsersAndInbox answer = SystemTestSupport.usersWithPostsAndInbox(stack);

		assertThat(answer.users()).filteredOn((user) -> !((List<?>) user.get("posts")).isEmpty()).isNotEmpty();
		assertThat(answer.inbox()).isNotEmpty();
	}

	@Test
	void createdPostReadsBack() {
		Map<String, Object> input = Map.of("authorId", "3", "title", "Over a container", "body", "Hello",
				"idempotencyKey", "post-" + UUID.randomUUID());

		String id = SystemTestSupport.graphQlAs(stack, "3")
			.documentName("createPost")
			.variable("input", input)
			.execute()
			.path("createPost.author.id")
			.entity(String.class)
			.isEqualTo("3")
			.path("createPost.id")
			.entity(String.class)
			.get();

		SystemTestSupport.graphQl(stack)
			.documentName("postById")
			.variable("id", id)
			.execute()
			.path("post.title")
			.entity(String.class)
			.isEqualTo("Over a container");
	}

}

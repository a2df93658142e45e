package io.busgate.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listing against a real broker whose oldest records are gone, as retention removes them
 * (deleting records moves a partition's start the same way).
 */
class ListCommandTests {

	private static RecordedBus bus;

	private static List<String> recorded;

	@BeforeAll
	static void recordAndAgeOut() throws Exception {
		bus = new RecordedBus();
		recorded = bus.record("1", "2", "3", "4", "5");
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bus.brokers()))) {
			admin.deleteRecords(Map.of(new TopicPartition(RecordedBus.REQUESTS, 0), RecordsToDelete.beforeOffset(2),
					new TopicPartition(RecordedBus.REPLIES, 0), RecordsToDelete.beforeOffset(3))).all().get();
		}
	}

	@AfterAll
	static void stop() {
		bus.close();
	}

	@Test
	void listsWhatIsLeftWithTheRecordedRepliesAndSaysWhatAgedOut() {
		RecordedBus.Result listed = bus.run("list", "--json");

		assertThat(listed.status()).as(listed.err()).isZero();
		assertThat(listed.elements("/requests")).extracting((request) -> request.get("correlationId").asString())
			.containsExactlyElementsOf(recorded.subList(2, 5));
		assertThat(listed.elements("/requests").get(0).at("/original/missing").asString())
			.isEqualTo("its reply aged out of gateway.replies.gw (gateway.replies.gw keeps records for 7d)");
		assertThat(listed.elements("/requests").subList(1, 3))
			.allSatisfy((request) -> assertThat(request.at("/original/status").asString()).isEqualTo("ok"));
		assertThat(listed.err()).containsPattern("note: requests on user.requests written before \\S+ have aged out"
				+ " \\(user.requests keeps records for 7d\\)");
	}

	@Test
	void linesShowOperationKeysReplyAndWhereTheRequestIs() {
		RecordedBus.Result listed = bus.run("list", "--operation", "user.getUsers");

		assertThat(listed.out().lines().toList()).hasSize(4)
			.element(1)
			.satisfies((line) -> assertThat(line).contains("user.getUsers keys=[\"4\"]  reply=ok ")
				.contains("correlation-id=" + recorded.get(3))
				.endsWith("user.requests-0@3"));
		assertThat(listed.out()).endsWith("3 recorded requests" + System.lineSeparator());
	}

	@Test
	void correlationIdThatAgedOutIsSaidToBeGone() {
		RecordedBus.Result listed = bus.run("list", "--correlation-id", recorded.get(0) + "," + recorded.get(4));

		assertThat(listed.out()).contains(recorded.get(4)).doesNotContain(recorded.get(0));
		assertThat(listed.err()).contains("note: no request with correlation id " + recorded.get(0)
				+ " in user.requests (user.requests keeps records for 7d): aged out, or never recorded");
	}

	@Test
	void unknownTopicIsAClearError() {
		RecordedBus.Result listed = bus.run("list", "--topic", "nobody.requests");

		assertThat(listed.status()).isEqualTo(BusReplay.UNUSABLE);
		assertThat(listed.err()).isEqualTo("bus-replay: no topic nobody.requests on " + bus.brokers()
				+ System.lineSeparator());
	}

	@Test
	void everyClientIsMadeWithTheCommandConfig(@TempDir Path dir) throws IOException {
		Path clientProperties = dir.resolve("client.properties");
		// SASL without a login module: a client made with these properties cannot even be created.
		Files.writeString(clientProperties, "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n");

		RecordedBus.Result listed = bus.run("list", "--command-config", clientProperties.toString());

		assertThat(listed.status()).isEqualTo(BusReplay.UNUSABLE);
		assertThat(listed.err()).startsWith("bus-replay: Kafka (--bootstrap-servers) failed: ");
	}

	@Test
	void unreadableCommandConfigIsAClearError(@TempDir Path dir) {
		Path missing = dir.resolve("missing.properties");

		RecordedBus.Result listed = bus.run("list", "--command-config", missing.toString());

		assertThat(listed.status()).isEqualTo(BusReplay.UNUSABLE);
		assertThat(listed.err()).startsWith("bus-replay: --command-config " + missing + " cannot be read: ");
	}

}

package io.busgate.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusEvent;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.gateway.bus.BusClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's use of the bus against a real broker: it reads every partition of its reply and
 * event topics as the broker describes them, partitions added while it runs included; its table
 * of pending replies is bounded; and batches are split at the backends' batch size.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=gateway", "busgate.gateway.instance-id=" + BusPartitionsAndLimitsTests.INSTANCE,
				"busgate.gateway.reply-timeout=5s", "busgate.gateway.bus.partition-refresh-interval=200ms",
				"busgate.gateway.bus.max-pending-replies=" + BusPartitionsAndLimitsTests.MAX_PENDING,
				// The user service takes 100 keys per record, whatever the others take.
				"busgate.gateway.bus.max-batch-size=10", "busgate.gateway.bus.services.user.max-batch-size=100",
				// 250 keys in one document, whatever the cost of a list of keys is.
				"busgate.gateway.limits.max-cost=1000000", TestTokens.SIGNING_KEY_PROPERTY })
@AutoConfigureWebTestClient
@EmbeddedKafka(topics = { "user.requests", "post.requests", "probe.requests" })
@Import({ FakeBridges.class, BusPartitionsAndLimitsTests.ProbeBridge.class })
class BusPartitionsAndLimitsTests {

	static final String INSTANCE = "partitions-tests";

	static final String REPLIES = "gateway.replies." + INSTANCE;

	/** What the reply topic is made with before the gateway starts; the gateway would make 1. */
	static final int REPLY_PARTITIONS = 4;

	static final int MAX_PENDING = 4;

	@LocalServerPort
	private int port;

	@Autowired
	private WebTestClient web;

	@Autowired
	private KafkaListenerEndpointRegistry listeners;

	@Autowired
	private FakeBridges bridge;

	@Autowired
	private ProbeBridge probe;

	@Autowired
	private BusClient busClient;

	@Autowired
	private KafkaAdmin kafkaAdmin;

	@Autowired
	private KafkaTemplate<String, byte[]> template;

	@Autowired
	private MeterRegistry meters;

	private final BusCodec codec = new BusCodec();

	@BeforeEach
	void reset() {
		this.bridge.reset();
		this.probe.held.clear();
		// Each listener holds both partitions of each of its topics (@EmbeddedKafka's default).
		this.listeners.getListenerContainers()
			.forEach((container) -> ContainerTestUtils.waitForAssignment(container,
					2 * container.getContainerProperties().getTopics().length));
		FakeBridges.awaitGatewayReady(this.web);
		await().until(() -> this.busClient.pendingCount() == 0);
	}

	@Test
	void repliesOnEveryPartitionOfAReplyTopicMadeWithMorePartitionsThanConfiguredAreReceived() throws Exception {
		int partitions = partitionsOf(REPLIES);
		assertThat(partitions).isGreaterThanOrEqualTo(REPLY_PARTITIONS);

		// One request at a time: the table of pending replies holds only MAX_PENDING.
		for (int partition = 0; partition < partitions; partition++) {
			assertThat(probe("on-" + partition, Map.of("replyPartition", partition)))
				.succeedsWithin(Duration.ofSeconds(10))
				.isEqualTo(List.of("on-" + partition));
		}
	}

	@Test
	void aReplyOnAPartitionAddedWhileTheGatewayRunsCompletesItsRequest() throws Exception {
		int added = addPartitions(REPLIES, 2);

		// Produced at once: the gateway may not have noticed the partition yet, and still reads it.
		assertThat(probe("on-new", Map.of("replyPartition", added))).succeedsWithin(Duration.ofSeconds(10))
			.isEqualTo(List.of("on-new"));
		assertThat(probe("on-old", Map.of("replyPartition", 0))).succeedsWithin(Duration.ofSeconds(10))
			.isEqualTo(List.of("on-old"));
	}

	@Test
	void anEventOnAPartitionAddedWhileTheGatewayRunsReachesItsSubscribers() throws Exception {
		List<String> received = new CopyOnWriteArrayList<>();
		Disposable subscription = WebClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.header("Authorization", TestTokens.bearer("1"))
			.bodyValue(Map.of("query", "subscription { postCreated { id title } }"))
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.filter((event) -> "next".equals(event.event()))
			.subscribe((event) -> received.add(event.data()));
		try {
			await().until(() -> this.meters.get("busgate.gateway.subscriptions").gauge().value() == 1);
			int added = addPartitions("post.events", 2);

			ProducerRecord<String, byte[]> event = this.codec.eventRecord(new BusEvent("post.createPost", "p-new",
					Map.of("id", "p-new", "title", "On a new partition", "body", "", "authorId", "1"), null));
			this.template
				.send(new ProducerRecord<>(event.topic(), added, event.key(), event.value(), event.headers()))
				.get(10, TimeUnit.SECONDS);

			await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
			assertThat(received).singleElement().asString().contains("\"id\":\"p-new\"");
		}
		finally {
			subscription.dispose();
		}
	}

	@Test
	void beyondMaxPendingRepliesABusFieldFailsAtOnceWithUnavailableAndNothingIsSent() throws Exception {
		List<CompletableFuture<List<Object>>> held = IntStream.range(0, MAX_PENDING)
			.mapToObj((i) -> probe("held-" + i, Map.of("hold", true)))
			.toList();
		await().until(() -> this.probe.held.size() == MAX_PENDING);
		long userRequests = endOffsets("user.requests");
		try {
			JsonNode response = query("{ user(id: \"1\") { name } }");

			assertThat(response.at("/errors/0/extensions/code").asString()).isEqualTo("UNAVAILABLE");
			assertThat(response.at("/errors/0/path/0").asString()).isEqualTo("user");
			assertThat(response.at("/data/user").isNull()).isTrue();
			assertThat(endOffsets("user.requests")).isEqualTo(userRequests);
			assertThat(held).noneMatch(CompletableFuture::isDone);
		}
		finally {
			this.probe.held.forEach(this.probe::reply);
		}
		assertThat(held).allSatisfy((request) -> assertThat(request).succeedsWithin(Duration.ofSeconds(10)));
		await().until(() -> this.busClient.pendingCount() == 0);
		assertThat(query("{ user(id: \"1\") { name } }").at("/data/user/name").asString()).isEqualTo("User 1");
	}

	@Test
	void keysBeyondTheServicesBatchSizeLeaveAsSeveralRecordsAndAreAnsweredCompleteAndInOrder() {
		// 1..250 in a scrambled order (251 is prime), so that order is checked across records.
		List<String> ids = IntStream.rangeClosed(1, 250).mapToObj((i) -> Integer.toString(i * 138 % 251)).toList();
		JsonNode response = query("query($ids: [ID!]!) { users(ids: $ids) { id name } }", Map.of("ids", ids));

		assertThat(response.path("errors").isMissingNode()).as("%s", response.path("errors")).isTrue();
		JsonNode users = response.at("/data/users");
		assertThat(users.size()).isEqualTo(ids.size());
		for (int i = 0; i < ids.size(); i++) {
			int id = Integer.parseInt(ids.get(i));
			JsonNode user = users.get(i);
			if (id <= FakeBridges.USERS) {
				assertThat(user.path("id").asString()).isEqualTo(ids.get(i));
				assertThat(user.path("name").asString()).isEqualTo("User " + id);
			}
			else {
				assertThat(user.isNull()).as("users[%d] (id %d)", i, id).isTrue();
			}
		}
		List<BusRequest> records = this.bridge.requestsFor("user.getUsers");
		assertThat(records).hasSize(3).allSatisfy((record) -> assertThat(record.keys()).hasSizeLessThanOrEqualTo(100));
		List<Object> keys = new ArrayList<>();
		records.forEach((record) -> keys.addAll(record.keys()));
		assertThat(keys).containsExactlyInAnyOrderElementsOf(ids);
	}

	private CompletableFuture<List<Object>> probe(String key, Map<String, Object> args) {
		return this.busClient.query("probe.echo", List.of(key), args, null);
	}

	private JsonNode query(String query) {
		return query(query, Map.of());
	}

	private JsonNode query(String query, Map<String, Object> variables) {
		return this.web.post()
			.uri("/graphql")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("query", query, "variables", variables))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody();
	}

	private Admin admin() {
		return Admin.create(this.kafkaAdmin.getConfigurationProperties());
	}

	private int partitionsOf(String topic) throws Exception {
		try (Admin admin = admin()) {
			return admin.describeTopics(List.of(topic))
				.allTopicNames()
				.get(10, TimeUnit.SECONDS)
				.get(topic)
				.partitions()
				.size();
		}
	}

	/** Adds partitions to a topic; returns the last one's number. */
	private int addPartitions(String topic, int count) throws Exception {
		int total = partitionsOf(topic) + count;
		try (Admin admin = admin()) {
			admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(total))).all().get(10, TimeUnit.SECONDS);
		}
		return total - 1;
	}

	private long endOffsets(String topic) throws Exception {
		try (Admin admin = admin()) {
			Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
			for (int partition = 0; partition < partitionsOf(topic); partition++) {
				latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
			}
			return admin.listOffsets(latest)
				.all()
				.get(10, TimeUnit.SECONDS)
				.values()
				.stream()
				.mapToLong((offsets) -> offsets.offset())
				.sum();
		}
	}

	/**
	 * A bridge for the operation {@code probe.echo}, which answers each key with itself: on the
	 * reply topic's partition {@code replyPartition} when that argument is given, or not before the
	 * test says so when {@code hold} is. The reply topic is made beforehand, with more partitions
	 * than the gateway's {@code reply-partitions}.
	 */
	static class ProbeBridge {

		final List<BusRequest> held = new CopyOnWriteArrayList<>();

		private final KafkaTemplate<String, byte[]> template;

		private final BusCodec codec = new BusCodec();

		ProbeBridge(KafkaTemplate<String, byte[]> template) {
			this.template = template;
		}

		/** Made by KafkaAdmin as the context starts, before the gateway looks for its topics. */
		@Bean
		NewTopic existingReplyTopic() {
			return TopicBuilder.name(REPLIES).partitions(REPLY_PARTITIONS).build();
		}

		@KafkaListener(topics = "probe.requests", groupId = "probe-bridge", properties = "auto.offset.reset=earliest")
		void onRequest(ConsumerRecord<String, byte[]> record) {
			BusRequest request = this.codec.readRequest(record);
			if (Boolean.TRUE.equals(request.args().get("hold"))) {
				this.held.add(request);
			}
			else {
				reply(request);
			}
		}

		void reply(BusRequest request) {
			ProducerRecord<String, byte[]> reply = this.codec.replyRecord(request.headers(),
					BusReply.ok(request.headers().correlationId(), request.keys()));
			Integer partition = (Integer) request.args().get("replyPartition");
			this.template.send(new ProducerRecord<>(reply.topic(), partition, reply.key(), reply.value(), reply.headers()))
				.join();
		}

	}

}

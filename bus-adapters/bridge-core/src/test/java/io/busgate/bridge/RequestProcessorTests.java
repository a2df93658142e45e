package io.busgate.bridge;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusEvent;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.test.TopicTail;
import io.busgate.bus.tracing.BusSpanAttributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared bridge mechanics against a real broker. The backend is a fake: what is under test
 * is everything around the call.
 */
@SpringBootTest(properties = { "busgate.bridge.service=echo", "busgate.bridge.partitions=2",
		"busgate.bridge.send-attempts=2", "busgate.bridge.retry-backoff=100ms", "busgate.bridge.drain-timeout=1s",
		// A reply topic that does not exist fails a send after this long.
		"spring.kafka.producer.properties.max.block.ms=500",
		"management.opentelemetry.tracing.export.schedule-delay=50ms" })
// As a production broker: a record to a topic nobody created fails instead of creating it.
@EmbeddedKafka(partitions = 1, topics = { "gateway.replies.test", "replay.replies.test", "echo.requests.early" },
		brokerProperties = "auto.create.topics.enable=false")
class RequestProcessorTests {

	private static final String REPLY_TOPIC = BusTopics.replies("test");

	@Autowired
	private KafkaTemplate<String, byte[]> template;

	@Autowired
	private EmbeddedKafkaBroker broker;

	@Autowired
	private FakeBackend backend;

	@Autowired
	private InMemorySpanExporter spans;

	@Autowired
	private MeterRegistry meters;

	private static final String GONE_REPLY_TOPIC = BusTopics.replies("gone");

	private static final String DEAD_LETTER_TOPIC = BusTopics.deadLetter("echo.requests");

	@Autowired
	private MessageListenerContainer requestListenerContainer;

	private final BusCodec codec = new BusCodec();

	private TopicTail replies;

	private final List<BusReply> received = new ArrayList<>();

	private final List<ConsumerRecord<String, byte[]>> receivedRecords = new ArrayList<>();

	private TopicTail deadLetters;

	@BeforeEach
	void subscribe() {
		this.replies = TopicTail.atEnd(this.broker.getBrokersAsString(), REPLY_TOPIC);
		this.deadLetters = TopicTail.atEnd(this.broker.getBrokersAsString(), BusTopics.deadLetter("echo.requests"));
		this.backend.reset();
	}

	@AfterEach
	void close() {
		this.replies.close();
		this.deadLetters.close();
	}

	@Test
	void answersWithOneItemPerKey() {
		String id = send(request("echo.upper", List.of("a", "b"), Duration.ofSeconds(10)));

		BusReply reply = awaitReply(id);

		assertThat(reply.status()).isEqualTo(BusStatus.OK);
		assertThat(reply.items()).containsExactly("A", "B");
	}

	@Test
	void requestIsServedInASpanUnderItsProducerAndTheReplyCarriesThatTrace() {
		ProducerRecord<String, byte[]> request = request("echo.upper", List.of("t"), Duration.ofSeconds(10));
		String id = send(request);
		// The producer's instrumentation wrote the context of its span into the record.
		String[] sent = traceparent(request.headers().lastHeader(BusHeaders.TRACEPARENT).value());

		awaitReply(id);

		ConsumerRecord<String, byte[]> reply = this.receivedRecords.stream()
			.filter((record) -> record.key().equals(id))
			.findFirst()
			.orElseThrow();
		assertThat(reply.headers().headers(BusHeaders.TRACEPARENT)).hasSize(1);
		String[] replied = traceparent(reply.headers().lastHeader(BusHeaders.TRACEPARENT).value());
		assertThat(replied[1]).isEqualTo(sent[1]);
		await().untilAsserted(() -> {
			SpanData serving = this.spans.getFinishedSpanItems()
				.stream()
				.filter((span) -> id.equals(span.getAttributes().get(BusSpanAttributes.CORRELATION_ID)))
				.findFirst()
				.orElseThrow();
			assertThat(serving.getName()).isEqualTo("echo.upper");
			assertThat(serving.getTraceId()).isEqualTo(sent[1]);
			assertThat(serving.getParentSpanId()).isEqualTo(sent[2]);
			SpanData replyProducer = this.spans.getFinishedSpanItems()
				.stream()
				.filter((span) -> span.getSpanId().equals(replied[2]))
				.findFirst()
				.orElseThrow();
			assertThat(replyProducer.getKind()).isEqualTo(SpanKind.PRODUCER);
			assertThat(replyProducer.getParentSpanId()).isEqualTo(serving.getSpanId());
		});
		assertThat(this.meters.get("busgate.bridge.requests")
			.tags("service", "echo", "operation", "echo.upper", "status", "ok")
			.timer()
			.count()).isPositive();
	}

	@Test
	void backendFailureBecomesAnErrorReplyWithItsStatus() {
		String id = send(request("echo.unavailable", List.of("a"), Duration.ofSeconds(10)));

		BusReply reply = awaitReply(id);

		assertThat(reply.status()).isEqualTo(BusStatus.UNAVAILABLE);
		assertThat(reply.errorMessage()).isEqualTo("backend down");
	}

	@Test
	void backendThatNeverAnswersGetsDeadlineExceededAtTheDeadline() {
		Instant sent = Instant.now();
		String id = send(request("echo.hang", List.of("a"), Duration.ofMillis(500)));

		BusReply reply = awaitReply(id);

		assertThat(reply.status()).isEqualTo(BusStatus.DEADLINE_EXCEEDED);
		assertThat(Duration.between(sent, Instant.now())).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void wrongNumberOfItemsIsAnInternalError() {
		String id = send(request("echo.short", List.of("a", "b"), Duration.ofSeconds(10)));

		assertThat(awaitReply(id).status()).isEqualTo(BusStatus.INTERNAL);
	}

	@Test
	void expiredRequestIsSkippedWithoutCallingTheBackend() {
		// Same partition, so the live request is served only after the expired one was looked at.
		String expired = send(onPartitionZero(request("echo.upper", List.of("x"), Duration.ofMillis(-1))));
		String live = send(onPartitionZero(request("echo.upper", List.of("y"), Duration.ofSeconds(10))));

		assertThat(awaitReply(live).items()).containsExactly("Y");
		assertThat(this.backend.keysSeen).doesNotContain("x");
		assertThat(receivedReplies()).noneMatch((reply) -> reply.correlationId().equals(expired));
	}

	@Test
	void undecodableValueIsDeadLetteredAndAnsweredAndConsumingGoesOn() {
		ProducerRecord<String, byte[]> good = request("echo.upper", List.of("z"), Duration.ofSeconds(10));
		ProducerRecord<String, byte[]> bad = new ProducerRecord<>(good.topic(), null, "k",
				"not json".getBytes(StandardCharsets.UTF_8), new RecordHeaders(good.headers().toArray()));
		bad.headers().remove(BusHeaders.CORRELATION_ID);
		String badId = CorrelationIds.next();
		bad.headers().add(BusHeaders.CORRELATION_ID, badId.getBytes(StandardCharsets.UTF_8));
		send(bad);
		String goodId = send(good);

		BusReply badReply = awaitReply(badId);
		assertThat(badReply.status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
		assertThat(badReply.errorMessage()).contains("value is not valid JSON");
		assertThat(awaitReply(goodId).items()).containsExactly("Z");
		ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter();
		assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
		assertThat(new String(deadLetter.headers().lastHeader(BusHeaders.DLT_REASON).value(), StandardCharsets.UTF_8))
			.contains("value is not valid JSON");
		// The copy's own producer replaced the trace context it was copied with.
		assertThat(deadLetter.headers().headers(BusHeaders.TRACEPARENT)).hasSize(1);
		await().until(() -> this.meters.get("busgate.bridge.dead.letters")
			.tag("topic", DEAD_LETTER_TOPIC)
			.counter()
			.count() > 0);
	}

	@Test
	void recordWithoutHeadersIsDeadLetteredOnly() {
		this.template.send(new ProducerRecord<>("echo.requests", "k", "{}".getBytes(StandardCharsets.UTF_8))).join();

		ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter();

		assertThat(new String(deadLetter.headers().lastHeader(BusHeaders.DLT_REASON).value(), StandardCharsets.UTF_8))
			.endsWith("missing header bus-correlation-id");
	}

	@Test
	void servedMutationPublishesAnEventPerEntityKeyedByIt() {
		try (TopicTail events = TopicTail.atEnd(this.broker.getBrokersAsString(), BusTopics.events("echo"))) {
			String query = send(request("echo.create", List.of("q"), Duration.ofSeconds(10)));
			String mutation = send(mutation("echo.create", List.of("m1"), "idem-1"));

			assertThat(awaitReply(query).isOk()).isTrue();
			assertThat(awaitReply(mutation).items()).containsExactly(Map.of("id", "m1", "text", "M1"));
			List<ConsumerRecord<String, byte[]>> published = new ArrayList<>();
			await().until(() -> published.addAll(events.poll(Duration.ofMillis(200))));
			published.addAll(events.drain(Duration.ofMillis(500)));
			assertThat(published).singleElement().satisfies((record) -> {
				BusEvent event = this.codec.readEvent(record);
				assertThat(event.type()).isEqualTo("echo.create");
				assertThat(event.key()).isEqualTo("m1");
				assertThat(event.payload()).isEqualTo(Map.of("id", "m1", "text", "M1"));
				assertThat(event.idempotencyKey()).isEqualTo("idem-1");
			});
		}
	}

	@Test
	void replayedMutationIsAnsweredOnTheReplayReplyTopicAndPublishesNoEvent() {
		String replayReplies = BusTopics.replayReplies("test");
		try (TopicTail events = TopicTail.atEnd(this.broker.getBrokersAsString(), BusTopics.events("echo"));
				TopicTail replayed = TopicTail.atEnd(this.broker.getBrokersAsString(), replayReplies)) {
			RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), "echo.create", replayReplies,
					Instant.now().plusSeconds(10), "idem-replayed");
			send(onPartitionZero(this.codec.replayRecord(new BusRequest(headers, List.of("r1"), Map.of()),
					"echo.requests", "recorded-1")));
			String recorded = send(onPartitionZero(mutation("echo.create", List.of("m2"), "idem-2")));

			assertThat(awaitReply(recorded).isOk()).isTrue();
			List<ConsumerRecord<String, byte[]>> replayReplyRecords = new ArrayList<>();
			await().until(() -> replayReplyRecords.addAll(replayed.poll(Duration.ofMillis(200))));
			assertThat(replayReplyRecords).singleElement()
				.satisfies((record) -> assertThat(this.codec.readReply(record).items())
					.containsExactly(Map.of("id", "r1", "text", "R1")));
			List<ConsumerRecord<String, byte[]>> published = new ArrayList<>();
			await().until(() -> published.addAll(events.poll(Duration.ofMillis(200))));
			published.addAll(events.drain(Duration.ofMillis(500)));
			assertThat(published).extracting(ConsumerRecord::key).containsExactly("m2");
		}
	}

	@Test
	void recordsOfOnePollAreServedConcurrently() {
		List<String> ids = IntStream.range(0, 40)
			.mapToObj((i) -> send(request("echo.slow", List.of("k" + i), Duration.ofSeconds(20))))
			.toList();

		await().untilAsserted(
				() -> assertThat(receivedReplies()).extracting(BusReply::correlationId).containsAll(ids));
		assertThat(this.backend.maxConcurrent.get()).isGreaterThan(1);
	}

	@Test
	void answerTooLargeForAReplyRecordIsRespondedToWithResponseTooLargeAndTheNextRequestIsServed() {
		long huge = sendForOffset(onPartitionZero(request("echo.huge", List.of("h"), Duration.ofSeconds(20))));
		long next = sendForOffset(onPartitionZero(request("echo.upper", List.of("n"), Duration.ofSeconds(20))));

		BusReply tooLarge = awaitReply(correlationIdAt(huge));
		assertThat(tooLarge.status()).isEqualTo(BusStatus.RESPONSE_TOO_LARGE);
		assertThat(tooLarge.errorMessage()).contains("echo.huge is larger than a reply record may be");
		// Still in the request's trace.
		ConsumerRecord<String, byte[]> tooLargeRecord = this.receivedRecords.stream()
			.filter((record) -> record.key().equals(correlationIdAt(huge)))
			.findFirst()
			.orElseThrow();
		assertThat(traceparent(tooLargeRecord.headers().lastHeader(BusHeaders.TRACEPARENT).value())[1])
			.isEqualTo(this.traceIdsByOffset.get(huge));
		assertThat(awaitReply(correlationIdAt(next)).items()).containsExactly("N");
		awaitCommittedPast(next);
		assertThat(this.meters.get("busgate.bridge.requests")
			.tags("operation", "echo.huge", "status", "RESPONSE_TOO_LARGE")
			.timer()
			.count()).isOne();
	}

	@Test
	void requestWhoseReplyCannotBeProducedIsDeadLetteredAndThePartitionMovesOn() {
		long unanswerable = sendForOffset(onPartitionZero(request("echo.upper", List.of("u"), Duration.ofSeconds(20),
				GONE_REPLY_TOPIC)));
		long next = sendForOffset(onPartitionZero(request("echo.upper", List.of("v"), Duration.ofSeconds(20))));

		assertThat(awaitReply(correlationIdAt(next)).items()).containsExactly("V");
		ConsumerRecord<String, byte[]> deadLetter = awaitDeadLetter();
		assertThat(new String(deadLetter.headers().lastHeader(BusHeaders.DLT_REASON).value(), StandardCharsets.UTF_8))
			.contains("the reply to " + GONE_REPLY_TOPIC + " could not be produced");
		assertThat(new String(deadLetter.headers().lastHeader(BusHeaders.DLT_ORIGIN).value(), StandardCharsets.UTF_8))
			.isEqualTo("echo.requests-0@" + unanswerable);
		awaitCommittedPast(next);
	}

	@Test
	void requestThatCanBeNeitherAnsweredNorDeadLetteredIsCountedAndThePartitionMovesOn() throws Exception {
		double before = undelivered();
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString()))) {
			setDeadLetterTopicMaxMessageBytes(admin, "1024");
			try {
				// Its copy is too large for the dead-letter topic, its reply topic does not exist.
				send(onPartitionZero(request("echo.upper", List.of("w".repeat(4096)), Duration.ofSeconds(20),
						GONE_REPLY_TOPIC)));
				long next = sendForOffset(onPartitionZero(request("echo.upper", List.of("x"), Duration.ofSeconds(20))));

				assertThat(awaitReply(correlationIdAt(next)).items()).containsExactly("X");
				awaitCommittedPast(next);
				await().until(() -> undelivered() == before + 1);
			}
			finally {
				setDeadLetterTopicMaxMessageBytes(admin, null);
			}
		}
	}

	@Test
	void slowCallHoldsUpNoLaterRecordAndItsOffsetIsNotCommittedPastUntilItIsAnswered() {
		String slow = send(onPartitionZero(request("echo.gate", List.of("slow"), Duration.ofSeconds(30))));
		// The slow request is in flight before the next ones are even produced: they come in later polls.
		await().until(() -> this.backend.keysSeen.contains("slow"));
		List<String> fast = IntStream.range(0, 3)
			.mapToObj((i) -> send(onPartitionZero(request("echo.upper", List.of("f" + i), Duration.ofSeconds(30)))))
			.toList();

		await().untilAsserted(
				() -> assertThat(receivedReplies()).extracting(BusReply::correlationId).containsAll(fast));
		assertThat(this.backend.gate).isNotDone();
		assertThat(receivedReplies()).extracting(BusReply::correlationId).doesNotContain(slow);

		// A restart while the slow request is in flight: its offset was not committed, so the new
		// consumer gets it again (and the fast ones after it: at-least-once).
		this.requestListenerContainer.stop();
		this.backend.gate.complete(null);
		this.requestListenerContainer.start();

		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.backend.keysSeen.stream().filter("slow"::equals).count() == 2);
		assertThat(awaitReply(slow).items()).containsExactly("SLOW");
	}

	@Test
	void requestProducedBeforeTheBridgesGroupExistedIsServed() {
		String early = send(request("echo.upper", List.of("e"), Duration.ofSeconds(30)), "echo.requests.early");

		try (ConfigurableApplicationContext lateBridge = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(), "--busgate.bridge.service=echo",
					"--busgate.bridge.request-topic=echo.requests.early", "--busgate.bridge.group-id=echo-early",
					"--management.opentelemetry.tracing.export.enabled=false")) {
			assertThat(awaitReply(early).items()).containsExactly("E");
		}
	}

	private double undelivered() {
		Counter counter = this.meters.find("busgate.bridge.undelivered").tag("topic", DEAD_LETTER_TOPIC).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private void setDeadLetterTopicMaxMessageBytes(Admin admin, String value) throws Exception {
		ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, DEAD_LETTER_TOPIC);
		AlterConfigOp op = (value != null)
				? new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, value), AlterConfigOp.OpType.SET)
				: new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, null), AlterConfigOp.OpType.DELETE);
		admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get(10, TimeUnit.SECONDS);
	}

	/** Waits until the bridge's group has committed partition 0 past the given offset. */
	private void awaitCommittedPast(long offset) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString()))) {
			TopicPartition partition = new TopicPartition("echo.requests", 0);
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				OffsetAndMetadata committed = admin.listConsumerGroupOffsets("echo-bridge")
					.partitionsToOffsetAndMetadata()
					.get(10, TimeUnit.SECONDS)
					.get(partition);
				return committed != null && committed.offset() > offset;
			});
		}
	}

	private ProducerRecord<String, byte[]> mutation(String operation, List<Object> keys, String idempotencyKey) {
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), operation, REPLY_TOPIC,
				Instant.now().plusSeconds(10), idempotencyKey);
		return this.codec.requestRecord(new BusRequest(headers, keys, Map.of()));
	}

	private ProducerRecord<String, byte[]> request(String operation, List<Object> keys, Duration timeToLive) {
		return request(operation, keys, timeToLive, REPLY_TOPIC);
	}

	private ProducerRecord<String, byte[]> request(String operation, List<Object> keys, Duration timeToLive,
			String replyTo) {
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), operation, replyTo,
				Instant.now().plus(timeToLive), null);
		return this.codec.requestRecord(new BusRequest(headers, keys, Map.of()));
	}

	private ConsumerRecord<String, byte[]> awaitDeadLetter() {
		List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
		await().until(() -> received.addAll(this.deadLetters.poll(Duration.ofMillis(200))));
		assertThat(received).hasSize(1);
		return received.get(0);
	}

	/** The parts of a W3C traceparent: version, trace id, parent span id, flags. */
	private static String[] traceparent(byte[] header) {
		return new String(header, StandardCharsets.UTF_8).split("-");
	}

	private static ProducerRecord<String, byte[]> onPartitionZero(ProducerRecord<String, byte[]> record) {
		return new ProducerRecord<>(record.topic(), 0, record.key(), record.value(), record.headers());
	}

	private String send(ProducerRecord<String, byte[]> record) {
		this.template.send(record).join();
		return new String(record.headers().lastHeader(BusHeaders.CORRELATION_ID).value(), StandardCharsets.UTF_8);
	}

	private String send(ProducerRecord<String, byte[]> record, String topic) {
		return send(new ProducerRecord<>(topic, record.partition(), record.key(), record.value(), record.headers()));
	}

	private final Map<Long, String> correlationIdsByOffset = new ConcurrentHashMap<>();

	private final Map<Long, String> traceIdsByOffset = new ConcurrentHashMap<>();

	/** Sends to partition 0 and returns the record's offset; {@link #correlationIdAt} names it. */
	private long sendForOffset(ProducerRecord<String, byte[]> record) {
		long offset = this.template.send(record).join().getRecordMetadata().offset();
		this.correlationIdsByOffset.put(offset,
				new String(record.headers().lastHeader(BusHeaders.CORRELATION_ID).value(), StandardCharsets.UTF_8));
		this.traceIdsByOffset.put(offset, traceparent(record.headers().lastHeader(BusHeaders.TRACEPARENT).value())[1]);
		return offset;
	}

	private String correlationIdAt(long offset) {
		return this.correlationIdsByOffset.get(offset);
	}

	private BusReply awaitReply(String correlationId) {
		await().until(() -> receivedReplies().stream().anyMatch((reply) -> reply.correlationId().equals(correlationId)));
		return this.received.stream()
			.filter((reply) -> reply.correlationId().equals(correlationId))
			.findFirst()
			.orElseThrow();
	}

	/** Every reply received since the test started. */
	private List<BusReply> receivedReplies() {
		this.replies.poll(Duration.ofMillis(200)).forEach((record) -> {
			this.receivedRecords.add(record);
			this.received.add(this.codec.readReply(record));
		});
		return this.received;
	}


	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		FakeBackend backend() {
			return new FakeBackend();
		}

		@Bean
		InMemorySpanExporter spans() {
			return InMemorySpanExporter.create();
		}

	}

	/** Answers by operation name; what the bridge mechanics do with the answer is under test. */
	static class FakeBackend implements BackendClient {

		final List<Object> keysSeen = new CopyOnWriteArrayList<>();

		final AtomicInteger maxConcurrent = new AtomicInteger();

		/** What {@code echo.gate} calls wait for. */
		volatile CompletableFuture<Void> gate = new CompletableFuture<>();

		private final AtomicInteger concurrent = new AtomicInteger();

		void reset() {
			this.keysSeen.clear();
			this.maxConcurrent.set(0);
			this.gate = new CompletableFuture<>();
		}

		@Override
		public CompletableFuture<Void> probe(Duration timeout) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<List<Object>> call(BusRequest request) {
			this.keysSeen.addAll(request.keys());
			List<Object> upper = request.keys().stream().map((key) -> (Object) key.toString().toUpperCase()).toList();
			return switch (request.headers().operation()) {
				case "echo.upper" -> CompletableFuture.completedFuture(upper);
				case "echo.create" -> CompletableFuture.completedFuture(request.keys()
					.stream()
					.map((key) -> (Object) Map.of("id", key, "text", key.toString().toUpperCase()))
					.toList());
				case "echo.short" -> CompletableFuture.completedFuture(upper.subList(0, 1));
				case "echo.unavailable" -> CompletableFuture.failedFuture(new BackendException(BusStatus.UNAVAILABLE, "backend down"));
				case "echo.hang" -> new CompletableFuture<>();
				case "echo.slow" -> slow(upper);
				case "echo.huge" -> CompletableFuture.completedFuture(request.keys()
					.stream()
					.map((key) -> (Object) "x".repeat(2 * 1024 * 1024))
					.toList());
				case "echo.gate" -> this.gate.thenApply((open) -> upper);
				default -> CompletableFuture.failedFuture(new BackendException(BusStatus.UNIMPLEMENTED, "no route"));
			};
		}

		private CompletableFuture<List<Object>> slow(List<Object> items) {
			this.maxConcurrent.accumulateAndGet(this.concurrent.incrementAndGet(), Math::max);
			return CompletableFuture.supplyAsync(() -> items,
					CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS))
				.whenComplete((result, failure) -> this.concurrent.decrementAndGet());
		}

	}

}

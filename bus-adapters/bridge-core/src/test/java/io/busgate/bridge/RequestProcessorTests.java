package io.busgate.bridge;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
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
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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

	private static final AttributeKey<Long> SHARED_BY = AttributeKey.longKey(RequestProcessor.SHARED_BY);

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
		String id = send(request("echo.hang", List.of("a"), Duration.ofMillis(500)));

		// The backend never answers: only the bridge's own deadline can have ended the call.
		assertThat(awaitReply(id).status()).isEqualTo(BusStatus.DEADLINE_EXCEEDED);
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
		// Different arguments: records that share a call are not what this is about.
		List<String> ids = IntStream.range(0, 40)
			.mapToObj((i) -> send(query("echo.slow", List.of("k" + i), Map.of("n", i), null)))
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

	@Test
	void recordsOfOnePollAskingTheSameOfTheSameCallerShareOneBackendCallAndEachGetsItsOwnItems() {
		String topic = "echo.requests.shared";
		List<String> ids = sendBeforeTheBridgeStarts(topic,
				query("echo.whose", List.of("a", "b"), Map.of(), "alice"),
				query("echo.whose", List.of("b", "c"), Map.of(), "alice"),
				query("echo.whose", List.of("c"), Map.of(), "alice"),
				query("echo.whose", List.of("a", "a"), Map.of(), "alice"),
				query("echo.whose", List.of("d", "a"), Map.of(), "alice"));

		try (ConfigurableApplicationContext bridge = startBridge(topic)) {
			assertThat(awaitReply(ids.get(0)).items()).containsExactly("A@alice", "B@alice");
			assertThat(awaitReply(ids.get(1)).items()).containsExactly("B@alice", "C@alice");
			assertThat(awaitReply(ids.get(2)).items()).containsExactly("C@alice");
			assertThat(awaitReply(ids.get(3)).items()).containsExactly("A@alice", "A@alice");
			assertThat(awaitReply(ids.get(4)).items()).containsExactly("D@alice", "A@alice");
			FakeBackend backend = bridge.getBean(FakeBackend.class);
			assertThat(backend.calls).singleElement().satisfies((call) -> {
				assertThat(call.keys()).containsExactly("a", "b", "c", "d");
				assertThat(call.headers().principal()).isEqualTo("alice");
			});
			MeterRegistry meters = bridge.getBean(MeterRegistry.class);
			assertThat(backendCalls(meters, true)).isOne();
			assertThat(backendCalls(meters, false)).isZero();
			assertThat(meters.get("busgate.bridge.requests").tag("status", "ok").timer().count()).isEqualTo(5);
			// Each record has its own span; they say they shared a call, and link to the one it ran under.
			InMemorySpanExporter spans = bridge.getBean(InMemorySpanExporter.class);
			await().untilAsserted(() -> {
				List<SpanData> served = spans.getFinishedSpanItems()
					.stream()
					.filter((span) -> ids.contains(span.getAttributes().get(BusSpanAttributes.CORRELATION_ID)))
					.toList();
				assertThat(served).hasSize(5)
					.allSatisfy((span) -> assertThat(span.getAttributes().get(SHARED_BY)).isEqualTo(5L));
				SpanData first = served.stream()
					.filter((span) -> span.getAttributes().get(BusSpanAttributes.CORRELATION_ID).equals(ids.get(0)))
					.findFirst()
					.orElseThrow();
				assertThat(served).filteredOn((span) -> span != first)
					.allSatisfy((span) -> assertThat(span.getLinks()).singleElement()
						.satisfies((link) -> assertThat(link.getSpanContext().getSpanId()).isEqualTo(first.getSpanId())));
			});
		}
	}

	@Test
	void sharedCallRunsUnderTheSpanOfTheFirstRecordWhoseTraceIsSampled() {
		String topic = "echo.requests.sampled";
		String unsampledTrace = "5bf92f3577b34da6a3ce929d0e0e4737";
		String sampledTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
		sendBeforeTheBridgeStarts(topic);
		String unsampled = sendInTrace(query("echo.whose", List.of("a"), Map.of(), "alice"), topic, unsampledTrace,
				TraceFlags.getDefault());
		String sampled = sendInTrace(query("echo.whose", List.of("b"), Map.of(), "alice"), topic, sampledTrace,
				TraceFlags.getSampled());

		try (ConfigurableApplicationContext bridge = startBridge(topic)) {
			assertThat(awaitReply(unsampled).items()).containsExactly("A@alice");
			assertThat(awaitReply(sampled).items()).containsExactly("B@alice");
			FakeBackend backend = bridge.getBean(FakeBackend.class);
			assertThat(backend.calls).hasSize(1);
			assertThat(backend.callContexts).singleElement().satisfies((context) -> {
				assertThat(context.getTraceId()).isEqualTo(sampledTrace);
				assertThat(context.isSampled()).isTrue();
			});
			InMemorySpanExporter spans = bridge.getBean(InMemorySpanExporter.class);
			await().untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
				.filteredOn((span) -> sampled.equals(span.getAttributes().get(BusSpanAttributes.CORRELATION_ID)))
				.singleElement()
				.satisfies((span) -> {
					assertThat(span.getSpanId()).isEqualTo(backend.callContexts.get(0).getSpanId());
					assertThat(span.getAttributes().get(SHARED_BY)).isEqualTo(2L);
				}));
			assertThat(spans.getFinishedSpanItems()).noneMatch((span) -> span.getTraceId().equals(unsampledTrace));
		}
	}

	@Test
	void recordsOfDifferentCallersNeverShareACall() {
		String topic = "echo.requests.callers";
		List<String> ids = sendBeforeTheBridgeStarts(topic,
				query("echo.whose", List.of("a"), Map.of(), "alice"),
				query("echo.whose", List.of("a"), Map.of(), "bob"),
				query("echo.whose", List.of("a"), Map.of(), null),
				query("echo.whose", List.of("b"), Map.of(), "alice"),
				query("echo.whose", List.of("b"), Map.of(), null));

		try (ConfigurableApplicationContext bridge = startBridge(topic)) {
			assertThat(awaitReply(ids.get(0)).items()).containsExactly("A@alice");
			assertThat(awaitReply(ids.get(1)).items()).containsExactly("A@bob");
			assertThat(awaitReply(ids.get(2)).items()).containsExactly("A@anonymous");
			assertThat(awaitReply(ids.get(3)).items()).containsExactly("B@alice");
			assertThat(awaitReply(ids.get(4)).items()).containsExactly("B@anonymous");
			assertThat(bridge.getBean(FakeBackend.class).calls)
				.extracting((call) -> call.headers().principal() + ":" + call.keys())
				.containsExactlyInAnyOrder("alice:[a, b]", "bob:[a]", "null:[a, b]");
		}
	}

	@Test
	void recordsWithOtherArgumentsOrOperationsNeverShareACallAndIdenticalKeylessOnesDo() {
		String topic = "echo.requests.shapes";
		List<String> ids = sendBeforeTheBridgeStarts(topic,
				query("echo.upper", List.of("a"), Map.of("case", "x"), null),
				query("echo.upper", List.of("b"), Map.of("case", "y"), null),
				query("echo.whose", List.of("c"), Map.of("case", "x"), null),
				query("echo.args", null, Map.of("n", 1), null),
				query("echo.args", null, Map.of("n", 1), null),
				query("echo.args", null, Map.of("n", 2), null));

		try (ConfigurableApplicationContext bridge = startBridge(topic)) {
			assertThat(awaitReply(ids.get(0)).items()).containsExactly("A");
			assertThat(awaitReply(ids.get(1)).items()).containsExactly("B");
			assertThat(awaitReply(ids.get(2)).items()).containsExactly("C@anonymous");
			assertThat(awaitReply(ids.get(3)).items()).containsExactly(Map.of("n", 1));
			assertThat(awaitReply(ids.get(4)).items()).containsExactly(Map.of("n", 1));
			assertThat(awaitReply(ids.get(5)).items()).containsExactly(Map.of("n", 2));
			assertThat(bridge.getBean(FakeBackend.class).calls).hasSize(5);
			assertThat(backendCalls(bridge.getBean(MeterRegistry.class), true)).isOne();
		}
	}

	@Test
	void mutationsNeverShareACall() {
		String topic = "echo.requests.mutations";
		List<String> ids = sendBeforeTheBridgeStarts(topic, mutation("echo.create", List.of("m1"), "idem-m1"),
				mutation("echo.create", List.of("m2"), "idem-m2"), request("echo.create", List.of("q1"), Duration.ofSeconds(30)),
				request("echo.create", List.of("q2"), Duration.ofSeconds(30)));

		try (ConfigurableApplicationContext bridge = startBridge(topic)) {
			ids.forEach((id) -> assertThat(awaitReply(id).isOk()).isTrue());
			assertThat(bridge.getBean(FakeBackend.class).calls)
				.extracting((call) -> call.headers().idempotencyKey() + ":" + call.keys())
				.containsExactlyInAnyOrder("idem-m1:[m1]", "idem-m2:[m2]", "null:[q1, q2]");
		}
	}

	@Test
	void sharedCallFailingWithAStatusOneRecordMayCauseIsMadeAgainRecordByRecord() {
		String topic = "echo.requests.strict";
		List<String> ids = sendBeforeTheBridgeStarts(topic,
				query("echo.strict", List.of("a"), Map.of(), null),
				query("echo.strict", List.of("bad", "b"), Map.of(), null),
				query("echo.strict", List.of("c"), Map.of(), null));

		try (ConfigurableApplicationContext bridge = startBridge(topic)) {
			assertThat(awaitReply(ids.get(0)).items()).containsExactly("A");
			BusReply bad = awaitReply(ids.get(1));
			assertThat(bad.status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
			assertThat(bad.errorMessage()).isEqualTo("no such key: bad");
			assertThat(awaitReply(ids.get(2)).items()).containsExactly("C");
			assertThat(bridge.getBean(FakeBackend.class).calls).extracting(BusRequest::keys)
				.containsExactlyInAnyOrder(List.of("a", "bad", "b", "c"), List.of("a"), List.of("bad", "b"),
						List.of("c"));
			MeterRegistry meters = bridge.getBean(MeterRegistry.class);
			assertThat(backendCalls(meters, true)).isOne();
			assertThat(backendCalls(meters, false)).isEqualTo(3);
		}
	}

	@Test
	void sharedCallFailingForAllIsEveryRecordsOwnErrorReply() {
		String topic = "echo.requests.down";
		List<String> ids = sendBeforeTheBridgeStarts(topic,
				query("echo.unavailable", List.of("a"), Map.of(), null),
				query("echo.unavailable", List.of("b"), Map.of(), null));

		try (ConfigurableApplicationContext bridge = startBridge(topic)) {
			ids.forEach((id) -> {
				BusReply reply = awaitReply(id);
				assertThat(reply.status()).isEqualTo(BusStatus.UNAVAILABLE);
				assertThat(reply.errorMessage()).isEqualTo("backend down");
			});
			assertThat(bridge.getBean(FakeBackend.class).calls).singleElement()
				.satisfies((call) -> assertThat(call.keys()).containsExactly("a", "b"));
		}
	}

	@Test
	void eachRecordOfASharedCallTimesOutAtItsOwnDeadline() {
		String topic = "echo.requests.deadlines";
		List<String> ids = sendBeforeTheBridgeStarts(topic, request("echo.gate", List.of("soon"), Duration.ofSeconds(5)),
				request("echo.gate", List.of("late"), Duration.ofSeconds(60)));

		try (ConfigurableApplicationContext bridge = startBridge(topic)) {
			FakeBackend backend = bridge.getBean(FakeBackend.class);
			await().until(() -> !backend.calls.isEmpty());
			assertThat(backend.calls).singleElement().satisfies((call) -> {
				assertThat(call.keys()).containsExactly("soon", "late");
				// The shared call lasts until the last of its records stops waiting.
				assertThat(call.headers().deadline()).isAfter(Instant.now().plusSeconds(30));
			});
			assertThat(awaitReply(ids.get(0)).status()).isEqualTo(BusStatus.DEADLINE_EXCEEDED);

			backend.gate.complete(null);

			assertThat(awaitReply(ids.get(1)).items()).containsExactly("LATE");
		}
	}

	@Test
	void sharedCallsAskForAtMostMaxKeysKeys() {
		String topic = "echo.requests.maxkeys";
		List<String> ids = sendBeforeTheBridgeStarts(topic,
				query("echo.upper", List.of("a", "b"), Map.of(), null),
				query("echo.upper", List.of("c", "d"), Map.of(), null),
				query("echo.upper", List.of("e", "c"), Map.of(), null),
				query("echo.upper", List.of("f", "g", "h", "i"), Map.of(), null));

		try (ConfigurableApplicationContext bridge = startBridge(topic, "--busgate.bridge.coalescing.max-keys=3")) {
			assertThat(awaitReply(ids.get(0)).items()).containsExactly("A", "B");
			assertThat(awaitReply(ids.get(1)).items()).containsExactly("C", "D");
			assertThat(awaitReply(ids.get(2)).items()).containsExactly("E", "C");
			assertThat(awaitReply(ids.get(3)).items()).containsExactly("F", "G", "H", "I");
			assertThat(bridge.getBean(FakeBackend.class).calls).extracting(BusRequest::keys)
				.containsExactlyInAnyOrder(List.of("a", "b"), List.of("c", "d", "e"), List.of("f", "g", "h", "i"));
		}
	}

	@Test
	void withCoalescingDisabledEachRecordIsItsOwnBackendCall() {
		String topic = "echo.requests.unshared";
		List<String> ids = sendBeforeTheBridgeStarts(topic,
				query("echo.upper", List.of("a"), Map.of(), null),
				query("echo.upper", List.of("b"), Map.of(), null),
				query("echo.upper", List.of("a"), Map.of(), null));

		try (ConfigurableApplicationContext bridge = startBridge(topic, "--busgate.bridge.coalescing.enabled=false")) {
			ids.forEach((id) -> assertThat(awaitReply(id).isOk()).isTrue());
			assertThat(bridge.getBean(FakeBackend.class).calls).extracting(BusRequest::keys)
				.containsExactly(List.of("a"), List.of("b"), List.of("a"));
			MeterRegistry meters = bridge.getBean(MeterRegistry.class);
			assertThat(backendCalls(meters, false)).isEqualTo(3);
			assertThat(backendCalls(meters, true)).isZero();
		}
	}

	@Test
	void moreRecordsInOnePollThanPlacesInFlightAreAllServed() {
		this.backend.reset();
		RequestProcessor processor = unpolledProcessor(2);
		List<ProducerRecord<String, byte[]>> requests = IntStream.range(0, 10)
			.mapToObj((i) -> request("echo.upper", List.of("p" + i), Duration.ofSeconds(30)))
			.toList();

		// One consumer thread handed ten records between two polls, with two places in flight.
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			for (int i = 0; i < requests.size(); i++) {
				processor.onMessage(consumed(requests.get(i), i), () -> {
				});
			}
			processor.clearThreadState(null);
		});

		for (int i = 0; i < requests.size(); i++) {
			assertThat(awaitReply(correlationIdOf(requests.get(i))).items()).containsExactly("P" + i);
		}
		assertThat(this.backend.calls).hasSizeLessThan(10);
	}

	@Test
	void recordsGatheredWhenTheirPartitionIsRevokedAreCalledAndDrainedBeforeTheCommit() {
		this.backend.reset();
		RequestProcessor processor = unpolledProcessor(10);
		List<ProducerRecord<String, byte[]>> requests = List.of(request("echo.upper", List.of("r0"), Duration.ofSeconds(30)),
				request("echo.upper", List.of("r1"), Duration.ofSeconds(30)));
		List<Long> acknowledged = new CopyOnWriteArrayList<>();
		for (int i = 0; i < requests.size(); i++) {
			long offset = i;
			processor.onMessage(consumed(requests.get(i), offset), () -> acknowledged.add(offset));
		}
		assertThat(this.backend.calls).isEmpty();

		// A rebalance or the container's stop, in the middle of a poll's records.
		processor.onPartitionsRevokedBeforeCommit(null, List.of(new TopicPartition("echo.requests.unpolled", 0)));

		// The drain waited for both replies, so the window acknowledged the last offset.
		assertThat(acknowledged).endsWith(1L);
		assertThat(this.backend.calls).singleElement()
			.satisfies((call) -> assertThat(call.keys()).containsExactly("r0", "r1"));
		assertThat(awaitReply(correlationIdOf(requests.get(0))).items()).containsExactly("R0");
		assertThat(awaitReply(correlationIdOf(requests.get(1))).items()).containsExactly("R1");
	}

	/** A processor fed by the test instead of a container: the test decides where a poll ends. */
	private RequestProcessor unpolledProcessor(int maxInFlight) {
		return new RequestProcessor(this.backend, this.template, this.codec, Clock.systemUTC(), null,
				OpenTelemetry.noop(), new BridgeMetrics(new SimpleMeterRegistry(), "echo"),
				new PartitionWindows(Duration.ofSeconds(10)), maxInFlight, 1, Duration.ofMillis(100),
				new BridgeProperties.Coalescing(true, 100));
	}

	private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> record, long offset) {
		return new ConsumerRecord<>("echo.requests.unpolled", 0, offset, ConsumerRecord.NO_TIMESTAMP,
				TimestampType.NO_TIMESTAMP_TYPE, ConsumerRecord.NULL_SIZE, ConsumerRecord.NULL_SIZE, record.key(),
				record.value(), record.headers(), Optional.empty());
	}

	private static double backendCalls(MeterRegistry meters, boolean coalesced) {
		return meters.get("busgate.bridge.backend.calls")
			.tags("service", "echo", "coalesced", Boolean.toString(coalesced))
			.counter()
			.count();
	}

	/**
	 * Produces the records to a topic of one partition that no bridge consumes yet, so that the
	 * bridge started next reads them all in its first poll.
	 */
	@SafeVarargs
	private List<String> sendBeforeTheBridgeStarts(String topic, ProducerRecord<String, byte[]>... records) {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString()))) {
			admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return Stream.of(records).map((record) -> send(record, topic)).toList();
	}

	/** A bridge of its own on the topic, with a fake backend of its own, in its own group. */
	private ConfigurableApplicationContext startBridge(String topic, String... arguments) {
		List<String> args = new ArrayList<>(List.of("--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(),
				"--busgate.bridge.service=echo", "--busgate.bridge.request-topic=" + topic,
				"--busgate.bridge.group-id=" + topic, "--management.opentelemetry.tracing.export.schedule-delay=50ms"));
		args.addAll(List.of(arguments));
		return new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

	private static String correlationIdOf(ProducerRecord<String, byte[]> record) {
		return new String(record.headers().lastHeader(BusHeaders.CORRELATION_ID).value(), StandardCharsets.UTF_8);
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

	private ProducerRecord<String, byte[]> query(String operation, List<Object> keys, Map<String, Object> args,
			String principal) {
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), operation, REPLY_TOPIC,
				Instant.now().plusSeconds(30), null, principal);
		return this.codec.requestRecord(new BusRequest(headers, keys, args));
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

	/** Sends the record as a producer inside the given trace would, sampled or not. */
	private String sendInTrace(ProducerRecord<String, byte[]> record, String topic, String traceId, TraceFlags flags) {
		SpanContext producer = SpanContext.createFromRemoteParent(traceId, "00f067aa0ba902b7", flags,
				TraceState.getDefault());
		try (Scope scope = Span.wrap(producer).makeCurrent()) {
			return send(record, topic);
		}
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

		final List<BusRequest> calls = new CopyOnWriteArrayList<>();

		/** The span context current at each call, as the protocol clients propagate it. */
		final List<SpanContext> callContexts = new CopyOnWriteArrayList<>();

		final AtomicInteger maxConcurrent = new AtomicInteger();

		/** What {@code echo.gate} calls wait for. */
		volatile CompletableFuture<Void> gate = new CompletableFuture<>();

		private final AtomicInteger concurrent = new AtomicInteger();

		void reset() {
			this.keysSeen.clear();
			this.calls.clear();
			this.callContexts.clear();
			this.maxConcurrent.set(0);
			this.gate = new CompletableFuture<>();
		}

		@Override
		public CompletableFuture<Void> probe(Duration timeout) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public CompletableFuture<List<Object>> call(BusRequest request) {
			this.calls.add(request);
			this.callContexts.add(Span.current().getSpanContext());
			if (!request.isKeyed()) {
				return switch (request.headers().operation()) {
					case "echo.args" -> CompletableFuture.completedFuture(List.of(request.args()));
					default -> CompletableFuture.failedFuture(new BackendException(BusStatus.UNIMPLEMENTED, "no route"));
				};
			}
			this.keysSeen.addAll(request.keys());
			List<Object> upper = request.keys().stream().map((key) -> (Object) key.toString().toUpperCase()).toList();
			String principal = (request.headers().principal() != null) ? request.headers().principal() : "anonymous";
			return switch (request.headers().operation()) {
				case "echo.whose" -> CompletableFuture
					.completedFuture(upper.stream().map((item) -> (Object) (item + "@" + principal)).toList());
				case "echo.strict" -> request.keys().contains("bad")
						? CompletableFuture.failedFuture(new BackendException(BusStatus.INVALID_ARGUMENT, "no such key: bad"))
						: CompletableFuture.completedFuture(upper);
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

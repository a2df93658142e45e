package io.busgate.bus.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;
import io.busgate.bus.BusContractException;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Request/reply against a real broker, with a responder that answers each poll's records in reverse. */
@EmbeddedKafka(partitions = 1, topics = { "echo.requests", "silent.requests", "gateway.replies.client-tests" })
class BusRequestClientTests {

	private static final String REPLIES = BusTopics.replies("client-tests");

	private static final String SILENT = BusTopics.requests("silent");

	private static final BusCodec codec = new BusCodec();

	private static Map<String, Object> brokers;

	private static EchoResponder responder;

	private static KafkaProducer<String, byte[]> producer;

	private BusRequestClient client;

	@BeforeAll
	static void start(EmbeddedKafkaBroker broker) {
		brokers = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
		responder = new EchoResponder(brokers, BusTopics.requests("echo"));
		Map<String, Object> config = new HashMap<>(brokers);
		config.putAll(BusClientDefaults.producer());
		producer = new KafkaProducer<>(config);
	}

	@AfterAll
	static void stop() {
		producer.close(Duration.ofSeconds(1));
		responder.close();
	}

	@BeforeEach
	void connect() {
		this.client = new BusRequestClient(brokers, REPLIES, 10_000);
	}

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void eachReplyCompletesItsOwnRequestAmongOthers() {
		List<RequestHeaders> sent = new ArrayList<>();
		List<CompletableFuture<BusReply>> replies = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			RequestHeaders headers = headers(this.client, "echo.get", Duration.ofSeconds(20));
			sent.add(headers);
			replies.add(this.client.request(new BusRequest(headers, List.of("k" + i), Map.of())));
		}

		for (int i = 0; i < 50; i++) {
			BusReply reply = replies.get(i).join();
			assertThat(reply.correlationId()).isEqualTo(sent.get(i).correlationId());
			assertThat(reply.items()).containsExactly("echo k" + i);
		}
		assertThat(this.client.pendingCount()).isZero();
	}

	@Test
	void aRequestNobodyAnswersFailsAtItsDeadlineNamingIt() {
		RequestHeaders headers = headers(this.client, "silent.get", Duration.ofMillis(300));

		CompletableFuture<Instant> failedAt = this.client.request(new BusRequest(headers, List.of("1"), Map.of()))
			.handle((reply, failure) -> {
				assertThat(failure).isInstanceOf(CompletionException.class)
					.cause()
					.isInstanceOf(ReplyTimeoutException.class)
					.hasMessageStartingWith("no reply to request " + headers.correlationId() + " within ");
				return Instant.now();
			});

		assertThat(failedAt.join()).isAfterOrEqualTo(headers.deadline());
		assertThat(this.client.pendingCount()).isZero();
	}

	@Test
	void repliesForUnknownIdsOrWithoutOneAreIgnored() {
		String waiting = CorrelationIds.next();
		CompletableFuture<ConsumerRecord<String, byte[]>> silent = this.client.send(
				rawRequest(waiting, SILENT), Instant.now().plusSeconds(30));
		RequestHeaders stranger = headers(this.client, "echo.get", Duration.ofSeconds(10));
		producer.send(codec.replyRecord(stranger, BusReply.ok(stranger.correlationId(), List.of("not asked for"))));
		producer.send(new ProducerRecord<>(REPLIES, "no-correlation-id", "{}".getBytes(StandardCharsets.UTF_8)));

		// The reply topic has one partition: once this reply is there, the two before it were read.
		RequestHeaders asked = headers(this.client, "echo.get", Duration.ofSeconds(20));
		assertThat(this.client.request(new BusRequest(asked, List.of("x"), Map.of())).join().items())
			.containsExactly("echo x");

		assertThat(silent).isNotDone();
		assertThat(this.client.pendingCount()).isOne();
	}

	@Test
	void aReplyWrittenBeforeTheClientStartedIsNotTaken() throws Exception {
		String correlationId = CorrelationIds.next();
		RequestHeaders old = new RequestHeaders(correlationId, "silent.get", REPLIES, Instant.now().plusSeconds(10),
				null);
		producer.send(codec.replyRecord(old, BusReply.ok(correlationId, List.of("old")))).get();

		try (BusRequestClient late = new BusRequestClient(brokers, REPLIES, 10)) {
			CompletableFuture<ConsumerRecord<String, byte[]>> reply = late.send(rawRequest(correlationId, SILENT),
					Instant.now().plusMillis(500));

			assertThat(reply).failsWithin(Duration.ofSeconds(10))
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(ReplyTimeoutException.class);
		}
	}

	@Test
	void anUndecodableReplyFailsItsRequest() {
		RequestHeaders headers = headers(this.client, "silent.get", Duration.ofSeconds(20));
		CompletableFuture<BusReply> reply = this.client.request(new BusRequest(headers, List.of("1"), Map.of()));

		ProducerRecord<String, byte[]> broken = codec.replyRecord(headers,
				BusReply.ok(headers.correlationId(), List.of()));
		producer.send(new ProducerRecord<>(broken.topic(), null, broken.key(),
				"not json".getBytes(StandardCharsets.UTF_8), broken.headers()));

		assertThat(reply).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(BusContractException.class)
			.withMessageContaining("not valid JSON");
	}

	@Test
	void closeFailsTheRequestsStillWaitingAndRefusesNewOnes() {
		RequestHeaders headers = headers(this.client, "silent.get", Duration.ofSeconds(30));
		CompletableFuture<BusReply> waiting = this.client.request(new BusRequest(headers, List.of("1"), Map.of()));

		this.client.close();

		assertThat(waiting).failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("closed while request " + headers.correlationId());
		RequestHeaders after = headers(this.client, "echo.get", Duration.ofSeconds(30));
		assertThat(this.client.request(new BusRequest(after, List.of("1"), Map.of())))
			.failsWithin(Duration.ZERO)
			.withThrowableOfType(ExecutionException.class)
			.withCauseInstanceOf(IllegalStateException.class);
	}

	@Test
	void beyondMaxPendingARequestFailsAtOnce() {
		try (BusRequestClient small = new BusRequestClient(brokers, REPLIES, 1)) {
			small.request(new BusRequest(headers(small, "silent.get", Duration.ofSeconds(30)), List.of("1"), Map.of()));

			assertThat(small.request(new BusRequest(headers(small, "echo.get", Duration.ofSeconds(30)), List.of("2"),
					Map.of())))
				.failsWithin(Duration.ZERO)
				.withThrowableOfType(ExecutionException.class)
				.withCauseInstanceOf(RejectedExecutionException.class);
		}
	}

	@Test
	void aRequestForAnotherReplyTopicIsRefused() {
		RequestHeaders elsewhere = new RequestHeaders(CorrelationIds.next(), "echo.get", BusTopics.replies("other"),
				Instant.now().plusSeconds(10), null);

		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.client.request(new BusRequest(elsewhere, List.of("1"), Map.of())))
			.withMessageContaining("gateway.replies.other");
	}

	@Test
	void manyConcurrentRequestsOnAReplyTopicOfSeveralPartitionsEachGetTheirOwnReply() throws Exception {
		String replies = BusTopics.replies("client-tests-wide");
		try (Admin admin = Admin.create(brokers)) {
			admin.createTopics(List.of(new NewTopic(replies, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
		}
		try (BusRequestClient wide = new BusRequestClient(brokers, replies, 10_000)) {
			List<CompletableFuture<Void>> checked = new ArrayList<>();
			List<Thread> senders = IntStream.range(0, 8).mapToObj((t) -> new Thread(() -> {
				for (int i = 0; i < 250; i++) {
					String key = t + "-" + i;
					BusRequest request = new BusRequest(headers(wide, "echo.get", Duration.ofSeconds(30)),
							List.of(key), Map.of());
					CompletableFuture<Void> check = wide.request(request)
						.thenAccept((reply) -> assertThat(reply.items()).containsExactly("echo " + key));
					synchronized (checked) {
						checked.add(check);
					}
				}
			})).toList();
			senders.forEach(Thread::start);
			for (Thread sender : senders) {
				sender.join();
			}

			CompletableFuture.allOf(checked.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
			assertThat(checked).hasSize(2000);
			assertThat(wide.pendingCount()).isZero();
		}
	}

	private static RequestHeaders headers(BusRequestClient client, String operation, Duration timeout) {
		return new RequestHeaders(CorrelationIds.next(), operation, client.replyTopic(), Instant.now().plus(timeout),
				null);
	}

	private static ProducerRecord<String, byte[]> rawRequest(String correlationId, String topic) {
		ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, correlationId,
				"{\"keys\":[\"1\"]}".getBytes(StandardCharsets.UTF_8));
		record.headers().add(BusHeaders.CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
		record.headers().add(BusHeaders.REPLY_TO, REPLIES.getBytes(StandardCharsets.UTF_8));
		return record;
	}

}

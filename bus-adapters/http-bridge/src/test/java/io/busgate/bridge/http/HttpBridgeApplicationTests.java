package io.busgate.bridge.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;
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
 * The whole http-bridge app (its real {@code http-bridge.yml}) between a real broker and a real
 * HTTP backend on loopback. The broker keeps Kafka's default {@code message.max.bytes}, which the
 * bridge's reply size limit (1 MiB) fits in.
 */
@EmbeddedKafka(partitions = 1, topics = "gateway.replies.test")
class HttpBridgeApplicationTests {

	private static final String REPLY_TOPIC = BusTopics.replies("test");

	private static final String REQUEST_TOPIC = BusTopics.requests("shop");

	private static final BusCodec codec = new BusCodec();

	private static HttpServer backend;

	private static ConfigurableApplicationContext bridge;

	private static KafkaProducer<String, byte[]> producer;

	private static TopicTail replies;

	private static String bootstrapServers;

	private static final List<BusReply> received = new ArrayList<>();

	private static final Deque<AutoCloseable> started = new ArrayDeque<>();

	/** The {@code traceparent} header of each item's call, by item key. */
	private static final Map<String, String> traceparents = new ConcurrentHashMap<>();

	@BeforeAll
	static void start(EmbeddedKafkaBroker broker) throws IOException {
		bootstrapServers = broker.getBrokersAsString();
		backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		backend.createContext("/items/", HttpBridgeApplicationTests::serve);
		backend.start();
		started.push(() -> backend.stop(0));
		bridge = HttpBridgeApplication.application()
			.sources(ExportedSpans.class)
			.run("--busgate.bridge.service=shop",
					"--busgate.bridge.http.base-url=http://127.0.0.1:" + backend.getAddress().getPort(),
					"--busgate.bridge.routes[shop.getItems].call=GET /items/{key}",
					"--spring.kafka.bootstrap-servers=" + bootstrapServers, "--busgate.bridge.partitions=2",
					"--server.port=0", "--spring.main.banner-mode=off",
					"--management.opentelemetry.tracing.export.schedule-delay=50ms");
		started.push(bridge);
		Map<String, Object> config = new HashMap<>(BusClientDefaults.producer());
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		producer = new KafkaProducer<>(config);
		started.push(producer);
		replies = TopicTail.atEnd(bootstrapServers, REPLY_TOPIC);
		started.push(replies);
	}

	/** Closes what was started, the last first. */
	@AfterAll
	static void stop() throws Exception {
		while (!started.isEmpty()) {
			started.pop().close();
		}
	}

	@Test
	void backendAnswerTooLargeForAReplyIsRespondedToWithResponseTooLargeAndTheNextRequestIsServed() throws Exception {
		long huge = sendToPartitionZero(request("shop.getItems", List.of("huge")));
		long next = sendToPartitionZero(request("shop.getItems", List.of("small")));

		BusReply tooLarge = awaitReply(huge);
		assertThat(tooLarge.status()).isEqualTo(BusStatus.RESPONSE_TOO_LARGE);
		assertThat(tooLarge.errorMessage()).contains("larger than max-response-size");
		BusReply served = awaitReply(next);
		assertThat(served.status()).isEqualTo(BusStatus.OK);
		assertThat(served.items()).containsExactly(Map.of("id", "small"));
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			TopicPartition partition = new TopicPartition(REQUEST_TOPIC, 0);
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				OffsetAndMetadata committed = admin.listConsumerGroupOffsets(BusTopics.bridgeGroup("shop"))
					.partitionsToOffsetAndMetadata()
					.get(10, TimeUnit.SECONDS)
					.get(partition);
				return committed != null && committed.offset() > next;
			});
		}
	}

	@Test
	void sampledRequestCallsTheBackendInAClientSpanWhoseContextItSendsAndUnsampledOneSendsItsTrace() throws Exception {
		String sampledTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
		String unsampledTrace = "5bf92f3577b34da6a3ce929d0e0e4737";

		// Two callers, so that the two records never share one backend call (RequestProcessorTests has that case).
		long sampled = sendToPartitionZero(
				inTrace(request("shop.getItems", List.of("sampled"), "alice"), sampledTrace, "01"));
		long unsampled = sendToPartitionZero(
				inTrace(request("shop.getItems", List.of("unsampled"), "bob"), unsampledTrace, "00"));

		assertThat(awaitReply(sampled).items()).containsExactly(Map.of("id", "sampled"));
		assertThat(awaitReply(unsampled).items()).containsExactly(Map.of("id", "unsampled"));
		assertThat(traceparents.get("unsampled")).matches("00-" + unsampledTrace + "-\\p{XDigit}{16}-00");
		InMemorySpanExporter spans = bridge.getBean(InMemorySpanExporter.class);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			List<SpanData> exported = spans.getFinishedSpanItems();
			SpanData call = exported.stream()
				.filter((span) -> span.getTraceId().equals(sampledTrace) && span.getKind() == SpanKind.CLIENT)
				.findFirst()
				.orElseThrow();
			assertThat(call.getName()).isEqualTo("http get");
			assertThat(traceparents.get("sampled")).isEqualTo("00-" + sampledTrace + "-" + call.getSpanId() + "-01");
			assertThat(exported).filteredOn((span) -> span.getSpanId().equals(call.getParentSpanId()))
				.singleElement()
				.satisfies((serving) -> assertThat(serving.getAttributes().get(BusSpanAttributes.CORRELATION_ID))
					.isEqualTo(correlationIds.get(sampled)));
		});
		assertThat(spans.getFinishedSpanItems()).noneMatch((span) -> span.getTraceId().equals(unsampledTrace));
	}

	/** {@code /items/huge} answers a 2 MB JSON string; any other item its id. */
	private static void serve(HttpExchange exchange) throws IOException {
		String key = exchange.getRequestURI().getPath().substring("/items/".length());
		String traceparent = exchange.getRequestHeaders().getFirst(BusHeaders.TRACEPARENT);
		if (traceparent != null) {
			traceparents.put(key, traceparent);
		}
		String body = key.equals("huge") ? "\"" + "x".repeat(2 * 1024 * 1024) + "\"" : "{\"id\":\"" + key + "\"}";
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static ProducerRecord<String, byte[]> request(String operation, List<Object> keys) {
		return request(operation, keys, null);
	}

	private static ProducerRecord<String, byte[]> request(String operation, List<Object> keys, String principal) {
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), operation, REPLY_TOPIC,
				Instant.now().plusSeconds(30), null, principal);
		ProducerRecord<String, byte[]> record = codec.requestRecord(new BusRequest(headers, keys, Map.of()));
		return new ProducerRecord<>(REQUEST_TOPIC, 0, record.key(), record.value(), record.headers());
	}

	/** The record as a producer in a trace would send it: {@code flags} 01 if sampled, 00 if not. */
	private static ProducerRecord<String, byte[]> inTrace(ProducerRecord<String, byte[]> record, String traceId,
			String flags) {
		record.headers()
			.add(BusHeaders.TRACEPARENT, ("00-" + traceId + "-00f067aa0ba902b7-" + flags).getBytes(StandardCharsets.UTF_8));
		return record;
	}

	private static final Map<Long, String> correlationIds = new HashMap<>();

	private static long sendToPartitionZero(ProducerRecord<String, byte[]> record) throws Exception {
		long offset = producer.send(record).get(10, TimeUnit.SECONDS).offset();
		correlationIds.put(offset,
				new String(record.headers().lastHeader(BusHeaders.CORRELATION_ID).value(), StandardCharsets.UTF_8));
		return offset;
	}

	private static BusReply awaitReply(long offset) {
		String correlationId = correlationIds.get(offset);
		await().atMost(Duration.ofSeconds(45)).until(() -> {
			replies.poll(Duration.ofMillis(200)).forEach((record) -> received.add(codec.readReply(record)));
			return received.stream().anyMatch((reply) -> reply.correlationId().equals(correlationId));
		});
		return received.stream().filter((reply) -> reply.correlationId().equals(correlationId)).findFirst().orElseThrow();
	}

	/**
	 * The spans the bridge exports. Not annotated as a configuration, so that the app's
	 * component scan of this package never picks it up.
	 */
	static class ExportedSpans {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

	}

}

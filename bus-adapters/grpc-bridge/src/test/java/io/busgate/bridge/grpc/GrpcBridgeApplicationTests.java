package io.busgate.bridge.grpc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
 * End to end on one machine: a request record on {@code catalog.requests} is answered on a reply
 * topic by the whole grpc-bridge app (its real {@code grpc-bridge.yml}, and the routes of
 * {@code catalog-routes.yml} given as a deployment gives them), which calls the tests' own
 * backend ({@link CatalogBackend}) over gRPC, its descriptors read by server reflection.
 */
@EmbeddedKafka(partitions = 1, topics = "gateway.replies.test")
class GrpcBridgeApplicationTests {

	private static final String REPLY_TOPIC = BusTopics.replies("test");

	private static final BusCodec codec = new BusCodec();

	private static CatalogBackend backend;

	private static ConfigurableApplicationContext bridge;

	private static KafkaProducer<String, byte[]> producer;

	private static TopicTail replies;

	private static final List<BusReply> received = new ArrayList<>();

	@BeforeAll
	static void start(EmbeddedKafkaBroker broker) throws IOException {
		backend = CatalogBackend.start(0);
		bridge = GrpcBridgeApplication.application()
			.sources(ExportedSpans.class)
			.run(CatalogBackend.ROUTES_ARGUMENT, "--busgate.bridge.grpc.target=" + backend.target(),
					"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
					"--busgate.bridge.partitions=2",
					"--server.port=0", "--spring.main.banner-mode=off",
					"--management.opentelemetry.tracing.export.schedule-delay=50ms");
		Map<String, Object> config = new HashMap<>(BusClientDefaults.producer());
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
		producer = new KafkaProducer<>(config);
		replies = TopicTail.atEnd(broker.getBrokersAsString(), REPLY_TOPIC);
	}

	@AfterAll
	static void stop() throws InterruptedException {
		if (replies != null) {
			replies.close();
		}
		if (producer != null) {
			producer.close(Duration.ofSeconds(5));
		}
		if (bridge != null) {
			bridge.close();
		}
		if (backend != null) {
			backend.close();
		}
	}

	@Test
	void answersABatchOfGroupsWithTheirNewestItems() {
		String id = send(request("catalog.listGroups", List.of(1, 3), Map.of("first", 2), null));

		BusReply reply = awaitReply(id);

		assertThat(reply.status()).isEqualTo(BusStatus.OK);
		assertThat(reply.items()).hasSize(2);
		assertThat((List<?>) reply.items().get(0)).map((item) -> object(item).get("id")).containsExactly("3", "2");
		assertThat(object(((List<?>) reply.items().get(0)).get(0))).containsEntry("createdAt", "2025-01-02T06:04:05Z");
		assertThat(reply.items().get(1)).isEqualTo(List.of());
	}

	@Test
	void answersNullForAnItemThatDoesNotExist() {
		String id = send(request("catalog.getItems", List.of("1", "99999"), Map.of(), null));

		BusReply reply = awaitReply(id);

		assertThat(reply.status()).isEqualTo(BusStatus.OK);
		assertThat(object(reply.items().get(0))).containsEntry("id", "1");
		assertThat(reply.items().get(1)).isNull();
	}

	@Test
	void answersAMutationOnceAndABackendErrorWithItsStatus() {
		Map<String, Object> input = Map.of("ownerId", "7", "displayName", "Over the bus");
		String first = send(request("catalog.createItem", null, Map.of("input", input), "e2e-key-1"));
		String redelivered = send(request("catalog.createItem", null, Map.of("input", input), "e2e-key-1"));
		String unknown = send(request("catalog.createItem", null,
				Map.of("input", Map.of("ownerId", "10001", "displayName", "x")), "e2e-key-2"));

		BusReply created = awaitReply(first);
		assertThat(created.status()).isEqualTo(BusStatus.OK);
		assertThat(object(created.items().get(0))).containsEntry("displayName", "Over the bus")
			.containsEntry("ownerId", "7");
		assertThat(awaitReply(redelivered).items()).isEqualTo(created.items());
		BusReply notFound = awaitReply(unknown);
		assertThat(notFound.status()).isEqualTo(BusStatus.NOT_FOUND);
		assertThat(notFound.errorMessage()).isEqualTo("no owner with id '10001'");
	}

	@Test
	void sampledRequestCallsTheBackendInAClientSpanWhoseContextItSendsAndUnsampledOneSendsItsTrace() {
		String sampledTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
		String unsampledTrace = "5bf92f3577b34da6a3ce929d0e0e4737";
		int before = backend.seen().size();

		// Two callers, so that the two records never share one backend call (RequestProcessorTests has that case).
		String sampled = send(inTrace(query("catalog.getItems", List.of("2"), "1"), sampledTrace, "01"));
		String unsampled = send(inTrace(query("catalog.getItems", List.of("2"), "2"), unsampledTrace, "00"));

		BusReply sampledReply = awaitReply(sampled);
		assertThat(sampledReply.status()).isEqualTo(BusStatus.OK);
		assertThat(awaitReply(unsampled).items()).isEqualTo(sampledReply.items());
		List<String> sent = backend.seen()
			.subList(before, backend.seen().size())
			.stream()
			.filter((seen) -> seen.method().endsWith("/GetItems"))
			.map(CatalogBackend.Seen::traceparent)
			.toList();
		assertThat(sent).hasSize(2)
			.anyMatch((traceparent) -> traceparent.matches("00-" + unsampledTrace + "-\\p{XDigit}{16}-00"));
		String sampledContext = sent.stream()
			.filter((traceparent) -> traceparent.contains(sampledTrace))
			.findFirst()
			.orElseThrow();
		InMemorySpanExporter spans = bridge.getBean(InMemorySpanExporter.class);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			List<SpanData> exported = spans.getFinishedSpanItems();
			SpanData call = exported.stream()
				.filter((span) -> span.getTraceId().equals(sampledTrace) && span.getKind() == SpanKind.CLIENT)
				.findFirst()
				.orElseThrow();
			assertThat(call.getName()).isEqualTo(CatalogBackend.SERVICE + "/GetItems");
			assertThat(sampledContext).isEqualTo("00-" + sampledTrace + "-" + call.getSpanId() + "-01");
			assertThat(exported).filteredOn((span) -> span.getSpanId().equals(call.getParentSpanId()))
				.singleElement()
				.satisfies((serving) -> assertThat(serving.getAttributes().get(BusSpanAttributes.CORRELATION_ID))
					.isEqualTo(sampled));
		});
		assertThat(spans.getFinishedSpanItems()).noneMatch((span) -> span.getTraceId().equals(unsampledTrace));
	}

	@Test
	void reportsReadyOnItsActuatorPort() throws Exception {
		String port = bridge.getEnvironment().getProperty("local.server.port");
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"status\":\"UP\"", "\"backend\":", "\"kafka\":");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> object(Object item) {
		return (Map<String, Object>) item;
	}

	private static ProducerRecord<String, byte[]> request(String operation, List<Object> keys,
			Map<String, Object> args, String idempotencyKey) {
		// A mutation is made for the owner in its input, as the gateway makes one for its caller.
		Object owner = ((Map<?, ?>) args.getOrDefault("input", Map.of())).get("ownerId");
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), operation, REPLY_TOPIC,
				Instant.now().plusSeconds(30), idempotencyKey, (owner != null) ? owner.toString() : null);
		return codec.requestRecord(new BusRequest(headers, keys, args));
	}

	private static ProducerRecord<String, byte[]> query(String operation, List<Object> keys, String principal) {
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), operation, REPLY_TOPIC,
				Instant.now().plusSeconds(30), null, principal);
		return codec.requestRecord(new BusRequest(headers, keys, Map.of()));
	}

	/** The record as a producer in a trace would send it: {@code flags} 01 if sampled, 00 if not. */
	private static ProducerRecord<String, byte[]> inTrace(ProducerRecord<String, byte[]> record, String traceId,
			String flags) {
		record.headers()
			.add(BusHeaders.TRACEPARENT,
					("00-" + traceId + "-00f067aa0ba902b7-" + flags).getBytes(StandardCharsets.UTF_8));
		return record;
	}

	private static String send(ProducerRecord<String, byte[]> record) {
		try {
			producer.send(record).get();
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
		return new String(record.headers().lastHeader(BusHeaders.CORRELATION_ID).value(), StandardCharsets.UTF_8);
	}

	private static BusReply awaitReply(String correlationId) {
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

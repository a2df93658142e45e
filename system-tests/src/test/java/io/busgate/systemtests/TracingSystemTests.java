package io.busgate.systemtests;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.test.TopicTail;
import io.busgate.bus.tracing.BusSpanAttributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN the whole stack, every app exporting its spans to one in-memory exporter; WHEN a client
 * queries users, posts and messages at once; THEN the response names its trace, and that one
 * trace holds every span of the request, each under the right parent: gateway, Kafka producer
 * and consumer, each bridge's client and each service's server, for HTTP, gRPC and Thrift; and
 * no record on the bus carries more than one {@code traceparent}.
 */
class TracingSystemTests extends SystemTestSupport {

	private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

	private static final Map<String, String> BRIDGE_OF = Map.of("user-service", "http-bridge", "post-service",
			"grpc-bridge", "message-service", "thrift-bridge");

	private static final Map<String, String> SERVICE_OF = Map.of("user-service", "user", "post-service", "post",
			"message-service", "message");

	private static final String REPLIES = BusTopics.replies("system-tests");

	private final BusCodec codec = new BusCodec();

	@Test
	void oneQueryAcrossThreeProtocolsIsOneTraceWithEveryHopUnderItsCaller() throws Exception {
		String traceId = traceIdOf(query("acrossThreeProtocols"));
		assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			List<SpanData> trace = stack.spans().ofTrace(traceId);
			Map<String, SpanData> byId = trace.stream()
				.collect(Collectors.toMap(SpanData::getSpanId, Function.identity(), (first, second) -> first));

			// One root, the gateway's HTTP server span; every other span's parent is in the trace.
			assertThat(trace).filteredOn((span) -> !byId.containsKey(span.getParentSpanId()))
				.singleElement()
				.satisfies((root) -> {
					assertThat(app(root)).isEqualTo("gateway");
					assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
					assertThat(root.getParentSpanContext().isValid()).isFalse();
				});

			for (String service : BRIDGE_OF.keySet()) {
				String bridge = BRIDGE_OF.get(service);
				String requests = BusTopics.requests(SERVICE_OF.get(service));
				SpanData server = trace.stream()
					.filter((span) -> app(span).equals(service) && span.getKind() == SpanKind.SERVER)
					.findFirst()
					.orElseThrow(() -> new AssertionError("no server span of " + service + " in " + describe(trace)));
				List<SpanData> callers = ancestors(server, byId);
				// service server <- bridge client <- bridge serving the record <- gateway producer
				assertThat(label(callers.get(0))).isEqualTo(bridge + " CLIENT");
				int serving = indexOf(callers, bridge, SpanKind.INTERNAL);
				assertThat(serving).as("the bridge's span above its client span").isPositive();
				SpanData producer = callers.get(serving + 1);
				assertThat(label(producer)).isEqualTo("gateway PRODUCER");
				assertThat(producer.getAttributes().get(BusSpanAttributes.DESTINATION)).isEqualTo(requests);
				assertThat(callers.subList(serving + 2, callers.size()).stream().map(TracingSystemTests::label))
					.as("the gateway's bus span, then up to its HTTP server span")
					.contains("gateway INTERNAL")
					.endsWith("gateway SERVER");

				// Kafka's consumer span of the request record, under the gateway's producer span.
				assertThat(trace).anySatisfy((consumer) -> {
					assertThat(label(consumer)).isEqualTo(bridge + " CONSUMER");
					assertThat(consumer.getAttributes().get(BusSpanAttributes.DESTINATION)).isEqualTo(requests);
					assertThat(label(byId.get(consumer.getParentSpanId()))).isEqualTo("gateway PRODUCER");
				});
				// The reply: produced under the bridge's span, consumed by the gateway under it.
				assertThat(trace).anySatisfy((consumer) -> {
					assertThat(label(consumer)).isEqualTo("gateway CONSUMER");
					assertThat(consumer.getAttributes().get(BusSpanAttributes.DESTINATION)).isEqualTo(REPLIES);
					SpanData replyProducer = byId.get(consumer.getParentSpanId());
					assertThat(label(replyProducer)).isEqualTo(bridge + " PRODUCER");
					assertThat(label(byId.get(replyProducer.getParentSpanId()))).isEqualTo(bridge + " INTERNAL");
				});
			}
		});
	}

	@Test
	void requestsRepliesEventsAndDeadLettersCarryExactlyOneTraceparent() throws Exception {
		List<String> topics = List.of(BusTopics.requests("user"), BusTopics.requests("post"),
				BusTopics.requests("message"), REPLIES, BusTopics.events("message"),
				BusTopics.deadLetter(BusTopics.requests("user")));
		List<TopicTail> tails = topics.stream().map((topic) -> TopicTail.atEnd(stack.brokers(), topic)).toList();
		try {
			String traceId = traceIdOf(query("acrossThreeProtocols"));
			graphQlAs("5").documentName("sendMessage")
				.variable("input", Map.of("fromUserId", "5", "toUserId", "6", "body", "traced",
						"idempotencyKey", "traced-" + UUID.randomUUID()))
				.execute()
				.path("sendMessage.body")
				.entity(String.class)
				.isEqualTo("traced");
			// A record that already carries a traceparent (stale, of another trace), and whose
			// value the bridge cannot decode, so that it is copied to the dead-letter topic.
			ProducerRecord<String, byte[]> malformed = malformedRequestWithTraceparent(
					"00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01");
			template().send(malformed).join();

			Map<String, List<ConsumerRecord<String, byte[]>>> seen = topics.stream()
				.collect(Collectors.toMap(Function.identity(), (topic) -> new ArrayList<>()));
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				for (int i = 0; i < topics.size(); i++) {
					seen.get(topics.get(i)).addAll(tails.get(i).poll(Duration.ofMillis(100)));
				}
				assertThat(seen).allSatisfy((topic, records) -> assertThat(records).as(topic).isNotEmpty());
			});

			seen.forEach((topic, records) -> assertThat(records).as(topic)
				.allSatisfy((record) -> assertThat(traceparents(record)).hasSize(1)));
			assertThat(seen.get(BusTopics.requests("post")))
				.anySatisfy((record) -> assertThat(traceIdOf(record)).isEqualTo(traceId));
			// The copy is traced where it was read: its trace is the request's, not the stale one.
			ConsumerRecord<String, byte[]> request = seen.get(BusTopics.requests("user"))
				.stream()
				.filter((record) -> record.key().equals(malformed.key()))
				.findFirst()
				.orElseThrow();
			assertThat(traceIdOf(request)).isNotEqualTo("ab".repeat(16));
			assertThat(seen.get(BusTopics.deadLetter(BusTopics.requests("user"))))
				.anySatisfy((deadLetter) -> assertThat(traceIdOf(deadLetter)).isEqualTo(traceIdOf(request)));
		}
		finally {
			tails.forEach(TopicTail::close);
		}
	}

	private ProducerRecord<String, byte[]> malformedRequestWithTraceparent(String traceparent) {
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), "user.getUsers", BusTopics.replies("nobody"),
				Instant.now().plusSeconds(30), null);
		ProducerRecord<String, byte[]> valid = this.codec.requestRecord(new BusRequest(headers, List.of("1"), Map.of()));
		ProducerRecord<String, byte[]> malformed = new ProducerRecord<>(valid.topic(), valid.key(),
				"not JSON".getBytes(StandardCharsets.UTF_8));
		valid.headers().forEach((header) -> malformed.headers().add(header));
		malformed.headers().add(BusHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
		return malformed;
	}

	private static Map<String, Object> query(String document) throws Exception {
		// As user 1, whose inbox the document reads.
		return postQuery(new ClassPathResource("graphql-test/" + document + ".graphql")
			.getContentAsString(StandardCharsets.UTF_8), Map.of("me", "1"), "1");
	}

	private static String traceIdOf(ConsumerRecord<?, ?> record) {
		return traceparents(record).get(0).split("-")[1];
	}

	private static List<String> traceparents(ConsumerRecord<?, ?> record) {
		return StreamSupport.stream(record.headers().headers(BusHeaders.TRACEPARENT).spliterator(), false)
			.map(Header::value)
			.map((value) -> new String(value, StandardCharsets.UTF_8))
			.toList();
	}

	private static List<SpanData> ancestors(SpanData span, Map<String, SpanData> byId) {
		List<SpanData> ancestors = new ArrayList<>();
		for (SpanData parent = byId.get(span.getParentSpanId()); parent != null; parent = byId
			.get(parent.getParentSpanId())) {
			ancestors.add(parent);
		}
		return ancestors;
	}

	private static int indexOf(List<SpanData> spans, String app, SpanKind kind) {
		for (int i = 0; i < spans.size(); i++) {
			if (app(spans.get(i)).equals(app) && spans.get(i).getKind() == kind) {
				return i;
			}
		}
		return -1;
	}

	private static String app(SpanData span) {
		return span.getResource().getAttribute(SERVICE_NAME);
	}

	private static String label(SpanData span) {
		return (span != null) ? app(span) + " " + span.getKind() : "none";
	}

	private static String describe(List<SpanData> trace) {
		return trace.stream().map((span) -> label(span) + " " + span.getName()).sorted().toList().toString();
	}

}

package io.busgate.bus.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.StreamSupport;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The producer instrumentation runs for sampled traces and for records that start a trace; a
 * record under an unsampled span carries that span's context and costs no span.
 */
class SampledProducerTracingTests {

	private static final String TRACEPARENT = "traceparent";

	private final InMemorySpanExporter exported = InMemorySpanExporter.create();

	private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
		.setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(this.exported)).build())
		.setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
		.build();

	private final MockProducer<String, String> kafka = new MockProducer<>(true, null, new StringSerializer(),
			new StringSerializer());

	private final Producer<String, String> producer = SampledProducerTracing.wrap(this.kafka,
			KafkaTelemetry.create(this.openTelemetry), this.openTelemetry.getPropagators().getTextMapPropagator());

	@AfterEach
	void close() {
		this.openTelemetry.close();
	}

	@Test
	void recordUnderAnUnsampledSpanCarriesItsContextWithoutAProducerSpan() {
		SpanContext unsampled = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
				TraceFlags.getDefault(), TraceState.getDefault());
		try (Scope scope = Context.root().with(Span.wrap(unsampled)).makeCurrent()) {
			this.producer.send(new ProducerRecord<>("user.requests", "k", "v"));
		}
		assertThat(traceparents(this.kafka.history().get(0)))
			.containsExactly("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
		assertThat(this.exported.getFinishedSpanItems()).isEmpty();
	}

	@Test
	void recordUnderASampledSpanGetsAProducerSpanThatItsTraceparentNames() {
		Span parent = this.openTelemetry.getTracer("test").spanBuilder("bus user.getUsers").startSpan();
		try (Scope scope = parent.makeCurrent()) {
			this.producer.send(new ProducerRecord<>("user.requests", "k", "v"));
		}
		parent.end();
		SpanData producerSpan = this.exported.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getKind() == SpanKind.PRODUCER)
			.findFirst()
			.orElseThrow();
		assertThat(producerSpan.getParentSpanId()).isEqualTo(parent.getSpanContext().getSpanId());
		assertThat(traceparents(this.kafka.history().get(0))).singleElement()
			.satisfies((traceparent) -> assertThat(traceparent)
				.startsWith("00-" + producerSpan.getTraceId() + "-" + producerSpan.getSpanId() + "-")
				.as("sampled").matches(".*-0[13]$"));
	}

	@Test
	void recordWithNoSpanCurrentStartsATraceInAProducerSpan() {
		this.producer.send(new ProducerRecord<>("user.requests-dlt", "k", "v"));
		List<SpanData> spans = this.exported.getFinishedSpanItems();
		assertThat(spans).singleElement().satisfies((span) -> {
			assertThat(span.getKind()).isEqualTo(SpanKind.PRODUCER);
			assertThat(span.getParentSpanContext().isValid()).isFalse();
		});
		assertThat(traceparents(this.kafka.history().get(0))).singleElement()
			.satisfies((traceparent) -> assertThat(traceparent).contains(spans.get(0).getSpanId()));
	}

	@Test
	void aCopiedRecordCarriesOnlyTheTraceparentOfItsNewProducer() {
		ProducerRecord<String, String> copy = new ProducerRecord<>("user.requests-dlt", "k", "v");
		copy.headers().add(TRACEPARENT, "00-11111111111111111111111111111111-2222222222222222-01"
			.getBytes(StandardCharsets.UTF_8));
		SpanContext unsampled = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
				TraceFlags.getDefault(), TraceState.getDefault());
		try (Scope scope = Context.root().with(Span.wrap(unsampled)).makeCurrent()) {
			this.producer.send(copy);
		}
		assertThat(traceparents(this.kafka.history().get(0)))
			.containsExactly("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
	}

	private static List<String> traceparents(ProducerRecord<?, ?> record) {
		return StreamSupport.stream(record.headers().headers(TRACEPARENT).spliterator(), false)
			.map(Header::value)
			.map((value) -> new String(value, StandardCharsets.UTF_8))
			.toList();
	}

}

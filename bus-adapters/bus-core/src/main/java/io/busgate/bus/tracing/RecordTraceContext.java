package io.busgate.bus.tracing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.busgate.bus.BusHeaders;

/**
 * The trace context a record carries in its W3C headers ({@link BusHeaders#TRACEPARENT},
 * {@link BusHeaders#TRACESTATE}), written by the producer's instrumentation: the parent of the
 * work a consumer does for the record.
 */
public final class RecordTraceContext {

	private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {

		@Override
		public Iterable<String> keys(Headers headers) {
			return Arrays.stream(headers.toArray()).map(Header::key).distinct().toList();
		}

		@Override
		public String get(Headers headers, String key) {
			Header header = (headers != null) ? headers.lastHeader(key) : null;
			return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8)
					: null;
		}

	};

	private RecordTraceContext() {
	}

	/** The record's trace context, or {@link Context#root()} when it carries none. */
	public static Context of(ConsumerRecord<?, ?> record, TextMapPropagator propagator) {
		return propagator.extract(Context.root(), record.headers(), HEADERS);
	}

}

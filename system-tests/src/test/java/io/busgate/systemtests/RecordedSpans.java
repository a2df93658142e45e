package io.busgate.systemtests;

import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * An in-memory span exporter that every app of the stack exports to, so that a test sees a
 * trace whole. Unlike {@code InMemorySpanExporter} it keeps recording when one app's tracer
 * shuts it down: apps are stopped and started while the stack runs.
 */
final class RecordedSpans implements SpanExporter {

	private final Queue<SpanData> spans = new ConcurrentLinkedQueue<>();

	@Override
	public CompletableResultCode export(Collection<SpanData> batch) {
		this.spans.addAll(batch);
		return CompletableResultCode.ofSuccess();
	}

	@Override
	public CompletableResultCode flush() {
		return CompletableResultCode.ofSuccess();
	}

	@Override
	public CompletableResultCode shutdown() {
		return CompletableResultCode.ofSuccess();
	}

	/** The spans of one trace exported so far, from every app. */
	List<SpanData> ofTrace(String traceId) {
		return this.spans.stream().filter((span) -> span.getTraceId().equals(traceId)).toList();
	}

}

package io.busgate.gateway.graphql;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;

/**
 * Puts the request's trace id into the response, {@code extensions.traceId}, so that whoever
 * holds a response can open its trace (every span of the request, across Kafka, bridges and
 * backends) in the tracing UI. Subscriptions, whose responses are streams, carry none.
 */
final class TraceIdInterceptor implements WebGraphQlInterceptor {

	static final String TRACE_ID = "traceId";

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		return chain.next(request).flatMap((response) -> Mono.deferContextual((context) -> {
			if (response.getExecutionResult().getData() instanceof Publisher) {
				return Mono.just(response);
			}
			// The HTTP server's observation of this request, whose span is the trace's root.
			Observation observation = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
			SpanContext span = traced(observation);
			if (!span.isValid()) {
				return Mono.just(response);
			}
			Map<Object, Object> extensions = new LinkedHashMap<>(response.getExtensions());
			extensions.put(TRACE_ID, span.getTraceId());
			return Mono.just(response.transform((builder) -> builder.extensions(extensions)));
		}));
	}

	private static SpanContext traced(Observation observation) {
		if (observation == null) {
			return SpanContext.getInvalid();
		}
		try (Observation.Scope scope = observation.openScope()) {
			return Span.current().getSpanContext();
		}
	}

}

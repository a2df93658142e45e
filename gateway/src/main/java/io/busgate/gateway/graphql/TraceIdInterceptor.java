package io.busgate.gateway.graphql;

import java.util.LinkedHashMap;
import java.util.Map;

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
		SpanContext span = Span.current().getSpanContext();
		if (!span.isValid()) {
			return chain.next(request);
		}
		return chain.next(request).map((response) -> {
			if (response.getExecutionResult().getData() instanceof Publisher) {
				return response;
			}
			Map<Object, Object> extensions = new LinkedHashMap<>(response.getExtensions());
			extensions.put(TRACE_ID, span.getTraceId());
			return response.transform((builder) -> builder.extensions(extensions));
		});
	}

}

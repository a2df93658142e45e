package io.busgate.gateway.graphql;

import graphql.GraphQLContext;
import reactor.core.publisher.Mono;

import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.util.StringUtils;

/**
 * Takes an HTTP request's {@value #HEADER} header into its GraphQL context, where
 * {@link BusDataFetcher} makes the idempotency keys of the request's mutations from it. Not over
 * a WebSocket: its handshake's headers are the same for every operation on the connection, and an
 * operation sent there again is a new one.
 */
final class IdempotencyKeyHeader implements WebGraphQlInterceptor {

	static final String HEADER = "Idempotency-Key";

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		String key = request.getHeaders().getFirst(HEADER);
		if (StringUtils.hasText(key) && !(request instanceof WebSocketGraphQlRequest)) {
			request.configureExecutionInput((input, builder) -> builder
				.graphQLContext((context) -> context.put(IdempotencyKeyHeader.class, key))
				.build());
		}
		return chain.next(request);
	}

	/** The request's header, or {@code null}. */
	static String of(GraphQLContext context) {
		return context.get(IdempotencyKeyHeader.class);
	}

}

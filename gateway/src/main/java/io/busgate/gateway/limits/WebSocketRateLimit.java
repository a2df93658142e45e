package io.busgate.gateway.limits;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlRequest;

/**
 * Each operation sent over a WebSocket ({@code subscribe} message: query, mutation or
 * subscription) takes a token from its client's bucket, the same one {@link ClientRateLimit}
 * takes from for HTTP requests; one connection is no way around the limit. Over the limit, the
 * operation is answered with an error of code {@value #CODE} and not executed.
 */
final class WebSocketRateLimit implements WebGraphQlInterceptor, Ordered {

	static final String CODE = "RATE_LIMITED";

	/**
	 * After Spring for GraphQL's {@code AuthenticationWebSocketInterceptor} (first), which knows
	 * the principal of the connection's {@code connection_init} payload, and before the rest.
	 */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private final Clients clients;

	private final ClientBuckets buckets;

	private final String limit;

	WebSocketRateLimit(Clients clients, ClientBuckets buckets, String limit) {
		this.clients = clients;
		this.buckets = buckets;
		this.limit = limit;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		if (!(request instanceof WebSocketGraphQlRequest)) {
			return chain.next(request);
		}
		return this.clients.of(request).flatMap((client) -> {
			Duration wait = this.buckets.acquire(client);
			if (wait.isZero()) {
				return chain.next(request);
			}
			return Mono.just(LimitErrors.refused(request, CODE,
					ClientRateLimit.overTheLimit(this.limit, ClientBuckets.wholeSeconds(wait))));
		});
	}

}

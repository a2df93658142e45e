package io.busgate.gateway.limits;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Limits the requests per client on the GraphQL endpoint (HTTP, SSE, and the WebSocket
 * handshake: every request to the GraphQL paths), with a {@link ClientBuckets token bucket}
 * per client. Over the limit: 429 with {@code Retry-After} (whole seconds, rounded up) and a
 * problem detail; nothing is read or sent to the bus. Other paths (actuator, GraphiQL) pass.
 *
 * <p>The client is the authenticated principal's name when there is one, else (anonymous) the remote
 * address (behind a proxy, the address the proxy forwards, see
 * {@code server.forward-headers-strategy}). Principals and addresses never share a bucket.
 */
final class ClientRateLimit implements WebFilter, Ordered {

	/**
	 * After Spring Security's web filter chain ({@code WebFluxSecurityConfiguration
	 * .WEB_FILTER_CHAIN_FILTER_ORDER}, -100), which authenticates the request and makes its
	 * principal the exchange's, and before the gateway's other filters (the body limit is
	 * unordered, i.e. last): a throttled request costs no more than this check.
	 */
	static final int ORDER = -50;

	private final Set<String> paths;

	private final ClientBuckets buckets;

	private final String limit;

	/**
	 * @param paths the GraphQL paths (HTTP and WebSocket) to limit
	 * @param buckets one bucket per client
	 * @param limit the limit in words, for the refusal's detail
	 */
	ClientRateLimit(Set<String> paths, ClientBuckets buckets, String limit) {
		this.paths = Set.copyOf(paths);
		this.buckets = buckets;
		this.limit = limit;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!this.paths.contains(exchange.getRequest().getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		return exchange.getPrincipal()
			// Spring Security makes every caller without a token the same anonymous principal.
			.filter((principal) -> !(principal instanceof AnonymousAuthenticationToken))
			.map(Principal::getName)
			.filter((name) -> !name.isBlank())
			.map((name) -> "principal:" + name)
			.switchIfEmpty(Mono.fromSupplier(() -> "address:" + address(exchange)))
			.flatMap((client) -> {
				Duration wait = this.buckets.acquire(client);
				return wait.isZero() ? chain.filter(exchange) : tooManyRequests(exchange, wait);
			});
	}

	private static String address(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		if (remote == null) {
			return "unknown";
		}
		return (remote.getAddress() != null) ? remote.getAddress().getHostAddress() : remote.getHostString();
	}

	private Mono<Void> tooManyRequests(ServerWebExchange exchange, Duration wait) {
		long seconds = Math.max(1, (wait.toNanos() + 999_999_999) / 1_000_000_000);
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
		response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		String problem = "{\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"more than " + this.limit
				+ " from this client (busgate.gateway.limits.rate); retry after " + seconds + " s\"}";
		return response.writeWith(Mono.just(response.bufferFactory().wrap(problem.getBytes(StandardCharsets.UTF_8))));
	}

}

package io.busgate.gateway.limits;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Limits the requests per client on the GraphQL endpoint (HTTP, SSE, and the WebSocket
 * handshake: every request to the GraphQL paths), with a {@link ClientBuckets token bucket}
 * per client. Over the limit: 429 with {@code Retry-After} (whole seconds, rounded up) and a
 * problem detail; nothing is read or sent to the bus. Other paths (actuator, GraphiQL) pass.
 *
 * <p>The client is the authenticated principal's name when there is one, else (anonymous) the
 * client's address ({@link Clients}; behind a trusted proxy, the address it forwards). The path is
 * matched the way the router matches it (decoded, without matrix variables), so {@code /%67raphql}
 * is limited like {@code /graphql}. Operations sent over a WebSocket take tokens from the same
 * buckets ({@link WebSocketRateLimit}).
 */
final class ClientRateLimit implements WebFilter, Ordered {

	/**
	 * After Spring Security's web filter chain ({@code WebFluxSecurityConfiguration
	 * .WEB_FILTER_CHAIN_FILTER_ORDER}, -100), which authenticates the request and makes its
	 * principal the exchange's, and before the gateway's other filters (the body limit is
	 * unordered, i.e. last): a throttled request costs no more than this check.
	 */
	static final int ORDER = -50;

	private final List<PathPattern> paths;

	private final Clients clients;

	private final ClientBuckets buckets;

	private final String limit;

	/**
	 * @param paths the GraphQL paths (HTTP and WebSocket) to limit
	 * @param clients who a request counts against
	 * @param buckets one bucket per client
	 * @param limit the limit in words, for the refusal's detail
	 */
	ClientRateLimit(Set<String> paths, Clients clients, ClientBuckets buckets, String limit) {
		this.paths = paths.stream().map(PathPatternParser.defaultInstance::parse).toList();
		this.clients = clients;
		this.buckets = buckets;
		this.limit = limit;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		PathContainer path = request.getPath().pathWithinApplication();
		if (this.paths.stream().noneMatch((pattern) -> pattern.matches(path))) {
			return chain.filter(exchange);
		}
		return this.clients.of(exchange.getPrincipal(), request.getRemoteAddress(), request.getHeaders())
			.flatMap((client) -> {
				Duration wait = this.buckets.acquire(client);
				return wait.isZero() ? chain.filter(exchange) : tooManyRequests(exchange, wait);
			});
	}

	private Mono<Void> tooManyRequests(ServerWebExchange exchange, Duration wait) {
		long seconds = ClientBuckets.wholeSeconds(wait);
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
		response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		String problem = "{\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"" + overTheLimit(this.limit, seconds)
				+ "\"}";
		return response.writeWith(Mono.just(response.bufferFactory().wrap(problem.getBytes(StandardCharsets.UTF_8))));
	}

	/** Why a request was refused, for the client. */
	static String overTheLimit(String limit, long retryAfterSeconds) {
		return "more than " + limit + " from this client (busgate.gateway.limits.rate); retry after " + retryAfterSeconds
				+ " s";
	}

}

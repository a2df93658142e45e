package io.busgate.gateway.limits;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.graphql.execution.SubscriptionPublisherException;
import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlRequest;

/**
 * Bounds the subscriptions open at once, per WebSocket connection and per client (over all its
 * connections, WebSocket and SSE). A subscription takes its places when its stream is subscribed
 * to and frees them when it ends, however it ends (completed, failed, cancelled by the client or
 * by a closed connection). One over either bound ends at once with an error of code
 * {@value #CODE} (graphql-transport-ws: an {@code error} message), before it receives anything.
 */
final class SubscriptionLimit implements WebGraphQlInterceptor, Ordered {

	static final String CODE = "TOO_MANY_SUBSCRIPTIONS";

	/** Next to the rate limit; which of the two runs first does not matter. */
	static final int ORDER = WebSocketRateLimit.ORDER + 1;

	private final Clients clients;

	private final int maxPerConnection;

	private final int maxPerClient;

	/** Open subscriptions per connection ({@code connection:<id>}) and per client. */
	private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

	SubscriptionLimit(Clients clients, int maxPerConnection, int maxPerClient) {
		this.clients = clients;
		this.maxPerConnection = maxPerConnection;
		this.maxPerClient = maxPerClient;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		return chain.next(request).flatMap((response) -> {
			if (!(response.getData() instanceof Publisher<?> events)) {
				return Mono.just(response);
			}
			String connection = (request instanceof WebSocketGraphQlRequest webSocket)
					? "connection:" + webSocket.getSessionInfo().getId() : null;
			return this.clients.of(request)
				.map((client) -> response.transform((builder) -> builder.data(limited(events, connection, client))));
		});
	}

	/** Subscriptions open for a client. */
	int openFor(String client) {
		return this.open.getOrDefault(client, 0);
	}

	private Flux<Object> limited(Publisher<?> events, String connection, String client) {
		return Flux.defer(() -> {
			if (connection != null && !tryOpen(connection, this.maxPerConnection)) {
				return refusal("this connection already has " + this.maxPerConnection + " open subscriptions");
			}
			if (!tryOpen(client, this.maxPerClient)) {
				close(connection);
				return refusal("this client already has " + this.maxPerClient + " open subscriptions");
			}
			return Flux.<Object>from(events).doFinally((signal) -> {
				close(client);
				close(connection);
			});
		});
	}

	private static Flux<Object> refusal(String reason) {
		return Flux.error(new SubscriptionPublisherException(List.of(LimitErrors.error(CODE, reason
				+ ", the most allowed (busgate.gateway.limits.subscriptions); end one to open another")), null));
	}

	private boolean tryOpen(String key, int max) {
		boolean[] opened = new boolean[1];
		this.open.compute(key, (k, count) -> {
			int current = (count != null) ? count : 0;
			opened[0] = current < max;
			return opened[0] ? current + 1 : count;
		});
		return opened[0];
	}

	private void close(String key) {
		if (key != null) {
			this.open.computeIfPresent(key, (k, count) -> (count > 1) ? count - 1 : null);
		}
	}

}

package io.busgate.gateway.graphql;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.graphql.server.webflux.GraphQlWebSocketHandler;
import org.springframework.http.codec.CodecConfigurer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;

import io.busgate.gateway.security.WebSocketConnections;

/**
 * Spring for GraphQL's graphql-transport-ws handler, plus: on shutdown, once the subscriptions
 * are completed, every WebSocket is closed with 1001 (going away). An open WebSocket is an
 * active request to the server's graceful shutdown, which would otherwise wait out its whole
 * timeout for clients that have no reason to hang up. It also closes a connection on demand, when
 * its caller's token expires.
 */
final class ClosingWebSocketHandler extends GraphQlWebSocketHandler implements SmartLifecycle, WebSocketConnections {

	/** Stops after {@code EventConsumers} (the default phase), which completes subscriptions. */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1;

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final Map<String, WebSocketSession> sessions = new ConcurrentHashMap<>();

	private volatile boolean running;

	ClosingWebSocketHandler(WebGraphQlHandler graphQlHandler, CodecConfigurer codecConfigurer,
			Duration connectionInitTimeout, Duration keepAliveDuration) {
		super(graphQlHandler, codecConfigurer, connectionInitTimeout, keepAliveDuration);
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		this.sessions.put(session.getId(), session);
		return super.handle(session).doFinally((signal) -> this.sessions.remove(session.getId()));
	}

	@Override
	public Mono<Void> close(String sessionId, CloseStatus status) {
		WebSocketSession session = this.sessions.get(sessionId);
		return (session != null) ? session.close(status) : Mono.empty();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		Flux.fromIterable(this.sessions.values())
			.flatMap((session) -> session.close(CloseStatus.GOING_AWAY).onErrorComplete())
			.then()
			.block(CLOSE_TIMEOUT);
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}

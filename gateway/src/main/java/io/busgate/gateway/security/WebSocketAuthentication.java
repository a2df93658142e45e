package io.busgate.gateway.security;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.server.WebSocketGraphQlInterceptor;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.graphql.server.WebSocketSessionInfo;
import org.springframework.graphql.server.support.AuthenticationExtractor;
import org.springframework.graphql.server.support.BearerTokenAuthenticationExtractor;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.reactive.socket.CloseStatus;

/**
 * Who a graphql-transport-ws connection is for, for as long as its token lasts. A token in the
 * {@code connection_init} payload ({@code Authorization: Bearer <token>}) authenticates the
 * operations on the connection, ahead of one in the handshake's header (which the web filter
 * chain verified); a bad one closes the connection with 4401 (Spring for GraphQL's handler does
 * on any error here). When the connection's token expires, the connection is closed with 4401 at
 * that moment, and an operation that arrives after it (sent before the client saw the close) is
 * not served. In place of Spring for GraphQL's {@code AuthenticationWebSocketInterceptor}: a
 * gateway has one WebSocket interceptor, and that one cannot see a token's expiry.
 */
final class WebSocketAuthentication implements WebSocketGraphQlInterceptor {

	static final CloseStatus TOKEN_EXPIRED = new CloseStatus(4401, "Unauthorized: the token expired");

	private static final String CONNECTION = WebSocketAuthentication.class.getName() + ".CONNECTION";

	private static final String EXPIRY_TIMER = WebSocketAuthentication.class.getName() + ".EXPIRY_TIMER";

	private final AuthenticationExtractor extractor = new BearerTokenAuthenticationExtractor();

	private final ReactiveAuthenticationManager tokens;

	private final ObjectProvider<WebSocketConnections> connections;

	/**
	 * @param tokens verifies a token
	 * @param connections the open connections, to close one whose token expired (the WebSocket
	 * handler, which is built after the interceptors)
	 */
	WebSocketAuthentication(ReactiveAuthenticationManager tokens, ObjectProvider<WebSocketConnections> connections) {
		this.tokens = tokens;
		this.connections = connections;
	}

	@Override
	public Mono<Object> handleConnectionInitialization(WebSocketSessionInfo session, Map<String, Object> payload) {
		Mono<Connection> fromPayload = this.extractor.getAuthentication(payload)
			.flatMap(this.tokens::authenticate)
			.map((authentication) -> new Connection(authentication, true, expiryOf(authentication)));
		Mono<Connection> fromHandshake = session.getPrincipal()
			.ofType(Authentication.class)
			.map((authentication) -> new Connection(authentication, false, expiryOf(authentication)));
		return fromPayload.switchIfEmpty(fromHandshake).doOnNext((connection) -> {
			session.getAttributes().put(CONNECTION, connection);
			if (connection.expiresAt() != null) {
				// The close is not part of the timer: disposing of the timer when the connection
				// closes must not cancel the close that is closing it.
				Disposable timer = Schedulers.parallel()
					.schedule(() -> close(session).subscribe(),
							Math.max(0, Duration.between(Instant.now(), connection.expiresAt()).toMillis()),
							TimeUnit.MILLISECONDS);
				session.getAttributes().put(EXPIRY_TIMER, timer);
			}
		}).then(Mono.empty());
	}

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		if (!(request instanceof WebSocketGraphQlRequest webSocketRequest)
				|| !(webSocketRequest.getSessionInfo().getAttributes().get(CONNECTION) instanceof Connection connection)) {
			return chain.next(request);
		}
		if (connection.expiresAt() != null && !Instant.now().isBefore(connection.expiresAt())) {
			return close(webSocketRequest.getSessionInfo()).then(Mono.empty());
		}
		if (connection.fromPayload()) {
			return chain.next(request)
				.contextWrite(ReactiveSecurityContextHolder.withAuthentication(connection.authentication()));
		}
		return chain.next(request);
	}

	@Override
	public void handleConnectionClosed(WebSocketSessionInfo session, int statusCode, Map<String, Object> payload) {
		if (session.getAttributes().get(EXPIRY_TIMER) instanceof Disposable timer) {
			timer.dispose();
		}
	}

	private Mono<Void> close(WebSocketSessionInfo session) {
		return this.connections.getObject().close(session.getId(), TOKEN_EXPIRED);
	}

	private static Instant expiryOf(Authentication authentication) {
		return (authentication instanceof JwtAuthenticationToken jwt) ? jwt.getToken().getExpiresAt() : null;
	}

	/**
	 * Who a connection is for.
	 *
	 * @param authentication the verified token
	 * @param fromPayload whether it came in {@code connection_init}, else with the handshake
	 * @param expiresAt when the token expires, or {@code null} if never
	 */
	private record Connection(Authentication authentication, boolean fromPayload, Instant expiresAt) {
	}

}

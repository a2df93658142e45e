package io.busgate.gateway.security;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.socket.CloseStatus;

/** The gateway's open WebSocket connections, so that one its caller may no longer use is ended. */
public interface WebSocketConnections {

	/** Closes the connection of that WebSocket session, if it is still open. */
	Mono<Void> close(String sessionId, CloseStatus status);

}

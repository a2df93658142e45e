package io.busgate.gateway.limits;

import java.net.InetSocketAddress;
import java.security.Principal;

import reactor.core.publisher.Mono;

import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebSocketGraphQlRequest;
import org.springframework.graphql.server.WebSocketSessionInfo;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;

/**
 * Who a request counts against, for the limits per client: the authenticated principal's name
 * ({@code principal:<name>}), else the {@link ClientAddresses client's address}
 * ({@code address:<ip>}). Principals and addresses never share a key.
 */
final class Clients {

	private final ClientAddresses addresses;

	Clients(ClientAddresses addresses) {
		this.addresses = addresses;
	}

	/** Who a GraphQL request counts against: over a WebSocket, by its connection's handshake. */
	Mono<String> of(WebGraphQlRequest request) {
		// A token in a WebSocket's connection_init payload is known only here, not to the handshake.
		Mono<Principal> authenticated = ReactiveSecurityContextHolder.getContext()
			.<Principal>mapNotNull(SecurityContext::getAuthentication);
		if (request instanceof WebSocketGraphQlRequest webSocket) {
			WebSocketSessionInfo session = webSocket.getSessionInfo();
			return of(authenticated.switchIfEmpty(session.getPrincipal()), session.getRemoteAddress(),
					session.getHeaders());
		}
		return of(authenticated, request.getRemoteAddress(), request.getHeaders());
	}

	/**
	 * @param principal the request's principal, if any (Spring Security makes every caller
	 * without a token the same anonymous one, which counts as none)
	 * @param peer the connection's peer
	 * @param headers the request's (or the WebSocket handshake's) headers
	 */
	Mono<String> of(Mono<? extends Principal> principal, InetSocketAddress peer, HttpHeaders headers) {
		return principal.filter(Clients::names)
			.map((named) -> "principal:" + named.getName())
			.switchIfEmpty(Mono.fromSupplier(() -> "address:" + this.addresses.clientOf(peer, headers)));
	}

	private static boolean names(Principal principal) {
		if (principal instanceof AnonymousAuthenticationToken) {
			return false;
		}
		if (principal instanceof Authentication authentication && !authentication.isAuthenticated()) {
			return false;
		}
		return principal.getName() != null && !principal.getName().isBlank();
	}

}

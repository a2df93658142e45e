package io.busgate.gateway.security;

import reactor.core.publisher.Mono;

import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Puts the {@link Caller} into every request's GraphQL context, from the token Spring Security
 * verified: over HTTP (and a WebSocket's handshake) the {@code Authorization} header, over a
 * WebSocket the {@code connection_init} payload's {@code Authorization} ({@link WebSocketAuthentication},
 * which runs before this one). A token without a
 * subject names nobody, so its caller is anonymous.
 */
final class CallerInterceptor implements WebGraphQlInterceptor {

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		return ReactiveSecurityContextHolder.getContext()
			.map(SecurityContext::getAuthentication)
			.map(CallerInterceptor::callerOf)
			.defaultIfEmpty(Caller.ANONYMOUS)
			.flatMap((caller) -> {
				request.configureExecutionInput((input, builder) -> builder
					.graphQLContext((context) -> context.put(Caller.class, caller))
					.build());
				return chain.next(request);
			});
	}

	private static Caller callerOf(Authentication authentication) {
		if (authentication instanceof JwtAuthenticationToken jwt && jwt.isAuthenticated()
				&& jwt.getToken().getSubject() != null) {
			return new Caller(jwt.getToken().getSubject());
		}
		return Caller.ANONYMOUS;
	}

}

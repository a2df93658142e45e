package io.busgate.gateway.security;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;
import org.springframework.graphql.server.support.BearerTokenAuthenticationExtractor;
import org.springframework.graphql.server.webflux.AuthenticationWebSocketInterceptor;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.util.StringUtils;

import io.busgate.gateway.GatewayProperties;

/**
 * Who may call the gateway. Spring Security verifies a bearer JWT when there is one (its
 * {@code ReactiveJwtDecoder}: Boot's, from {@code spring.security.oauth2.resourceserver.jwt.*},
 * or the local one from {@code busgate.gateway.security.local-signing-key}); a bad token (forged,
 * expired, malformed) is answered 401 with {@code WWW-Authenticate: Bearer error="invalid_token"},
 * and over a WebSocket the connection is closed with 4401. No token is no error: every HTTP
 * request is let through, and what a caller may do is decided per field by the schema
 * ({@link AuthWiring}), with GraphQL errors.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

	private static final List<String> PROVIDER_PROPERTIES = List.of(
			"spring.security.oauth2.resourceserver.jwt.issuer-uri",
			"spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
			"spring.security.oauth2.resourceserver.jwt.public-key-location");

	/** Verifies the local stack's tokens; Boot's decoder for an identity provider backs off. */
	@Bean
	@Conditional(LocalSigningKeySet.class)
	ReactiveJwtDecoder localJwtDecoder(GatewayProperties properties, Environment environment) {
		for (String property : PROVIDER_PROPERTIES) {
			if (StringUtils.hasText(environment.getProperty(property))) {
				throw new IllegalStateException("Both busgate.gateway.security.local-signing-key and " + property
						+ " are set: a gateway verifies tokens either from an identity provider or with a local key");
			}
		}
		return NimbusReactiveJwtDecoder.withSecretKey(LocalTokens.secretKey(properties.security().localSigningKey()))
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
	}

	@Bean
	SecurityWebFilterChain gatewaySecurity(ServerHttpSecurity http, ObjectProvider<ReactiveJwtDecoder> decoder) {
		ReactiveJwtDecoder jwtDecoder = required(decoder);
		return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
			.oauth2ResourceServer((server) -> server.jwt((jwt) -> jwt.jwtDecoder(jwtDecoder)))
			// Stateless: no session, no cookies to forge requests with, no login pages.
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()))
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.build();
	}

	/**
	 * Over a WebSocket, a token in the {@code connection_init} payload ({@code Authorization:
	 * Bearer <token>}) authenticates the requests on that connection, ahead of one in the
	 * handshake's header. A bad one closes the connection with 4401.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	AuthenticationWebSocketInterceptor webSocketAuthentication(ObjectProvider<ReactiveJwtDecoder> decoder) {
		return new AuthenticationWebSocketInterceptor(new BearerTokenAuthenticationExtractor(),
				new JwtReactiveAuthenticationManager(required(decoder)));
	}

	/** After {@link #webSocketAuthentication}, whose authentication it reads. */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE + 1)
	CallerInterceptor callerInterceptor() {
		return new CallerInterceptor();
	}

	@Bean
	RefusedSubscriptionResolver refusedSubscriptionResolver() {
		return new RefusedSubscriptionResolver();
	}

	@Bean
	RuntimeWiringConfigurer authWiring(GatewayProperties properties) {
		return (wiring) -> wiring.directiveWiring(new AuthWiring(properties.security().anonymousReads()));
	}

	private static ReactiveJwtDecoder required(ObjectProvider<ReactiveJwtDecoder> decoder) {
		ReactiveJwtDecoder jwtDecoder = decoder.getIfAvailable();
		if (jwtDecoder == null) {
			throw new IllegalStateException("No way to verify tokens: set spring.security.oauth2.resourceserver.jwt"
					+ ".issuer-uri (or jwk-set-uri, or public-key-location) for an identity provider, or"
					+ " busgate.gateway.security.local-signing-key for a local stack");
		}
		return jwtDecoder;
	}

	/** A local key, not blank: gateway.yml maps an unset environment variable to an empty one. */
	static final class LocalSigningKeySet implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return StringUtils.hasText(context.getEnvironment().getProperty("busgate.gateway.security.local-signing-key"));
		}

	}

}

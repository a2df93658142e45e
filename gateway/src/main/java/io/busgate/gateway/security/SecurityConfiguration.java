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
import org.springframework.security.authentication.ReactiveAuthenticationManager;
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
 * or the local one from {@code busgate.gateway.security.local-signing-key}; then its issuer and
 * audience); a bad token (forged, expired, malformed, from another issuer, for another audience)
 * is answered 401 with {@code WWW-Authenticate: Bearer error="invalid_token"}, and over a
 * WebSocket the connection is closed with 4401, as it is when the connection's token expires. No
 * token is no error: every HTTP request is let through, and what a caller may do is decided per
 * field by the schema ({@link AuthWiring}), with GraphQL errors.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {

	/** The profile of a production deployment (gateway.yml). */
	private static final String PRODUCTION_PROFILE = "prod";

	private static final String ISSUER_URI = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

	private static final List<String> PROVIDER_PROPERTIES = List.of(ISSUER_URI,
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

	/**
	 * Verifies a token: its signature and times by the decoder, then its issuer and audience
	 * ({@link ClaimCheckingJwtDecoder}), over HTTP and WebSocket alike.
	 */
	@Bean
	ReactiveAuthenticationManager tokenAuthentication(ObjectProvider<ReactiveJwtDecoder> decoder,
			GatewayProperties properties, Environment environment) {
		ReactiveJwtDecoder jwtDecoder = required(decoder);
		GatewayProperties.Security security = properties.security();
		if (security.audiences().isEmpty() && environment.matchesProfiles(PRODUCTION_PROFILE)) {
			throw new IllegalStateException("busgate.gateway.security.audiences is not set, and the " + PRODUCTION_PROFILE
					+ " profile needs it: set it to the audience (aud) your identity provider issues the gateway's"
					+ " tokens for, so that tokens issued for other applications are refused");
		}
		return new JwtReactiveAuthenticationManager(
				new ClaimCheckingJwtDecoder(jwtDecoder, issuer(security, environment), security.audiences()));
	}

	@Bean
	SecurityWebFilterChain gatewaySecurity(ServerHttpSecurity http, ReactiveAuthenticationManager tokenAuthentication) {
		return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
			.oauth2ResourceServer((server) -> server.jwt((jwt) -> jwt.authenticationManager(tokenAuthentication)))
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
	 * handshake's header. A bad one closes the connection with 4401, and so does its expiry.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	WebSocketAuthentication webSocketAuthentication(ReactiveAuthenticationManager tokenAuthentication,
			ObjectProvider<WebSocketConnections> connections) {
		return new WebSocketAuthentication(tokenAuthentication, connections);
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

	/**
	 * The issuer every token must name: the configured one, else the identity provider's
	 * (issuer-uri), else the local tokens'. Keys from a jwk-set-uri or a public key alone do not say
	 * who issued a token, so then it must be configured.
	 */
	private static String issuer(GatewayProperties.Security security, Environment environment) {
		if (security.issuer() != null) {
			return security.issuer();
		}
		String issuerUri = environment.getProperty(ISSUER_URI);
		if (StringUtils.hasText(issuerUri)) {
			return issuerUri;
		}
		if (security.localSigningKey() != null) {
			return LocalTokens.ISSUER;
		}
		throw new IllegalStateException("busgate.gateway.security.issuer is not set: with a jwk-set-uri or a"
				+ " public-key-location the keys do not say who issued a token; set it to the issuer (iss) of your"
				+ " identity provider's tokens");
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

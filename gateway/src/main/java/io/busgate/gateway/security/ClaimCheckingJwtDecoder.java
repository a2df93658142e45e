package io.busgate.gateway.security;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Adds what the gateway asks of every token to the decoder that verifies its signature and times
 * (Boot's, for an identity provider, or the local one): its issuer ({@code iss}), and, when
 * audiences are configured, one of them in its {@code aud}. Whichever way the keys are configured,
 * a token from another issuer or for another application is a bad token: 401 over HTTP, 4401
 * over a WebSocket.
 */
final class ClaimCheckingJwtDecoder implements ReactiveJwtDecoder {

	private final ReactiveJwtDecoder delegate;

	private final OAuth2TokenValidator<Jwt> claims;

	ClaimCheckingJwtDecoder(ReactiveJwtDecoder delegate, String issuer, List<String> audiences) {
		this.delegate = delegate;
		this.claims = audiences.isEmpty() ? new JwtIssuerValidator(issuer)
				: new DelegatingOAuth2TokenValidator<>(new JwtIssuerValidator(issuer),
						new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
								(audience) -> audience != null && !Collections.disjoint(audience, audiences)));
	}

	@Override
	public Mono<Jwt> decode(String token) {
		return this.delegate.decode(token).handle((jwt, sink) -> {
			OAuth2TokenValidatorResult result = this.claims.validate(jwt);
			if (result.hasErrors()) {
				sink.error(new JwtValidationException(result.getErrors()
					.stream()
					.map(OAuth2Error::getDescription)
					.collect(Collectors.joining("; ")), result.getErrors()));
			}
			else {
				sink.next(jwt);
			}
		});
	}

}

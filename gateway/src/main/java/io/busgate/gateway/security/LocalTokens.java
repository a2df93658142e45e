package io.busgate.gateway.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import io.busgate.gateway.GatewayProperties;

/**
 * Mints tokens that a gateway with {@code busgate.gateway.security.local-signing-key} accepts
 * (HMAC-SHA256 with the same key): for the local stack and tests, never for production, where an
 * identity provider signs them. As a command, {@code LocalTokens <userId> [validity]} prints a
 * token for that user, signed with the key in the environment variable
 * {@value #KEY_VARIABLE}; {@code compose/local-stack.sh token <userId>} runs it.
 */
public final class LocalTokens {

	/** The environment variable the command reads the key from, as the gateway would. */
	public static final String KEY_VARIABLE = "BUSGATE_GATEWAY_SECURITY_LOCAL_SIGNING_KEY";

	private static final Duration DEFAULT_VALIDITY = Duration.ofHours(12);

	private final JwtEncoder encoder;

	public LocalTokens(String signingKey) {
		this.encoder = NimbusJwtEncoder.withSecretKey(secretKey(signingKey)).algorithm(MacAlgorithm.HS256).build();
	}

	/** A token for the user, valid from now for the given time. */
	public String mint(String userId, Duration validity) {
		Instant now = Instant.now();
		return mint(userId, now, now.plus(validity));
	}

	/** A token for the user, valid in the given window (in the past for an expired one). */
	public String mint(String userId, Instant issuedAt, Instant expiresAt) {
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(userId)
			.issuedAt(issuedAt)
			.expiresAt(expiresAt)
			.build();
		return this.encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
	}

	/** The HMAC-SHA256 key the gateway verifies with and this class signs with. */
	static SecretKey secretKey(String signingKey) {
		if (signingKey == null || signingKey.length() < GatewayProperties.Security.MIN_SIGNING_KEY_LENGTH) {
			throw new IllegalArgumentException("the local signing key must have at least "
					+ GatewayProperties.Security.MIN_SIGNING_KEY_LENGTH + " characters");
		}
		return new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
	}

	/** Prints a token: {@code <userId> [validity, e.g. 30m or 12h; default 12h]}. */
	public static void main(String[] args) {
		if (args.length < 1 || args.length > 2 || args[0].isBlank()) {
			System.err.println("usage: LocalTokens <userId> [validity, e.g. 30m or 12h; default 12h]");
			System.exit(2);
		}
		String key = System.getenv(KEY_VARIABLE);
		if (key == null || key.isBlank()) {
			System.err.println(KEY_VARIABLE + " is not set: the token must be signed with the gateway's key");
			System.exit(2);
		}
		Duration validity = (args.length == 2) ? Duration.parse("PT" + args[1].toUpperCase()) : DEFAULT_VALIDITY;
		System.out.println(new LocalTokens(key).mint(args[0], validity));
	}

}

package io.busgate.gateway.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.util.StringUtils;

import io.busgate.gateway.GatewayProperties;

/**
 * Mints tokens that a gateway with {@code busgate.gateway.security.local-signing-key} accepts
 * (HMAC-SHA256 with the same key, issuer {@code iss} and audience {@code aud} as the gateway
 * expects them): for the local stack and tests, never for production, where an identity provider
 * signs them. As a command, {@code LocalTokens <userId> [validity]} prints a token for that user,
 * signed with the key in the environment variable {@value #KEY_VARIABLE}, for the issuer and
 * audiences in {@value #ISSUER_VARIABLE} and {@value #AUDIENCES_VARIABLE} (comma-separated) when
 * set; {@code compose/local-stack.sh token <userId>} runs it.
 */
public final class LocalTokens {

	/** The environment variable the command reads the key from, as the gateway would. */
	public static final String KEY_VARIABLE = "BUSGATE_GATEWAY_SECURITY_LOCAL_SIGNING_KEY";

	/** The environment variable the command reads the issuer from, as the gateway would. */
	public static final String ISSUER_VARIABLE = "BUSGATE_GATEWAY_SECURITY_ISSUER";

	/** The environment variable the command reads the audiences from, as the gateway would. */
	public static final String AUDIENCES_VARIABLE = "BUSGATE_GATEWAY_SECURITY_AUDIENCES";

	/**
	 * The issuer of local tokens unless another is given; a gateway with a local key and no
	 * {@code busgate.gateway.security.issuer} expects it.
	 */
	public static final String ISSUER = "busgate-local";

	/**
	 * The audience of local tokens unless others are given; the local stack sets it as the
	 * gateways' {@code busgate.gateway.security.audiences}.
	 */
	public static final String AUDIENCE = "busgate";

	private static final Duration DEFAULT_VALIDITY = Duration.ofHours(12);

	private final JwtEncoder encoder;

	private final String issuer;

	private final List<String> audiences;

	/** Mints tokens from {@value #ISSUER} for {@value #AUDIENCE}. */
	public LocalTokens(String signingKey) {
		this(signingKey, ISSUER, List.of(AUDIENCE));
	}

	public LocalTokens(String signingKey, String issuer, List<String> audiences) {
		this.encoder = NimbusJwtEncoder.withSecretKey(secretKey(signingKey)).algorithm(MacAlgorithm.HS256).build();
		this.issuer = issuer;
		this.audiences = List.copyOf(audiences);
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
			.issuer(this.issuer)
			.audience(this.audiences)
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
		String issuer = System.getenv(ISSUER_VARIABLE);
		String audiences = System.getenv(AUDIENCES_VARIABLE);
		LocalTokens tokens = new LocalTokens(key, (issuer == null || issuer.isBlank()) ? ISSUER : issuer,
				(audiences == null || audiences.isBlank()) ? List.of(AUDIENCE)
						: List.of(StringUtils.commaDelimitedListToStringArray(audiences.replace(" ", ""))));
		System.out.println(tokens.mint(args[0], validity));
	}

}

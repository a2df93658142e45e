package io.busgate.gateway;

import java.time.Duration;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.graphql.client.WebSocketGraphQlClientInterceptor;

import io.busgate.gateway.security.LocalTokens;

/** The signing key the gateway tests run with, and tokens signed with it. */
public final class TestTokens {

	public static final String SIGNING_KEY = "busgate-gateway-tests-signing-key-not-a-secret";

	/** For {@code @SpringBootTest(properties = ...)}. */
	public static final String SIGNING_KEY_PROPERTY = "busgate.gateway.security.local-signing-key=" + SIGNING_KEY;

	private static final LocalTokens TOKENS = new LocalTokens(SIGNING_KEY);

	private TestTokens() {
	}

	/** A token for the user, valid for an hour. */
	public static String tokenFor(String userId) {
		return TOKENS.mint(userId, Duration.ofHours(1));
	}

	/** The {@code Authorization} header's value for the user. */
	public static String bearer(String userId) {
		return "Bearer " + tokenFor(userId);
	}

	/** Sends the user's token in the {@code connection_init} payload of a WebSocket client. */
	public static WebSocketGraphQlClientInterceptor connectionInit(String userId) {
		return new WebSocketGraphQlClientInterceptor() {

			@Override
			public Mono<Object> connectionInitPayload() {
				return Mono.just(Map.of("Authorization", bearer(userId)));
			}

		};
	}

}

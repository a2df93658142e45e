package io.busgate.gateway.limits;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter in a real HTTP server on loopback, on a clock the tests move. A filter before it
 * stands in for Spring Security: it makes the {@code X-Test-User} header the exchange's
 * principal, and without one the anonymous principal, as Spring Security does. 127.0.0.3 is the
 * one trusted proxy.
 */
class ClientRateLimitTests {

	private static final AnonymousAuthenticationToken ANONYMOUS = new AnonymousAuthenticationToken("key",
			"anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));

	private final MutableClock clock = new MutableClock();

	private DisposableServer server;

	@BeforeEach
	void start() {
		// 1 request per 2 s sustained, 3 at once.
		ClientRateLimit limit = new ClientRateLimit(Set.of("/graphql"),
				new Clients(new ClientAddresses(List.of("127.0.0.3"))),
				new ClientBuckets(1, Duration.ofSeconds(2), 3, 100, this.clock), "1 requests per 2s (burst 3)");
		WebFilter authentication = (exchange, chain) -> {
			String user = exchange.getRequest().getHeaders().getFirst("X-Test-User");
			Principal principal = (user != null) ? () -> user : ANONYMOUS;
			return chain.filter(exchange.mutate().principal(Mono.just(principal)).build());
		};
		var handler = WebHttpHandlerBuilder.webHandler((exchange) -> {
			exchange.getResponse().setStatusCode(HttpStatus.OK);
			return exchange.getResponse().setComplete();
		}).filters((filters) -> {
			filters.add(authentication);
			filters.add(limit);
		}).build();
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle(new ReactorHttpHandlerAdapter(handler))
			.bindNow();
	}

	@AfterEach
	void stop() {
		this.server.disposeNow();
	}

	@Test
	void burstOverTheLimitGets429WithRetryAfterAndAProblemDetail() {
		for (int i = 0; i < 3; i++) {
			assertThat(get("/graphql", "127.0.0.1", null).status()).isEqualTo(200);
		}

		Answer refused = get("/graphql", "127.0.0.1", null);

		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.retryAfter()).isEqualTo("2");
		assertThat(refused.contentType()).isEqualTo("application/problem+json");
		assertThat(refused.body()).isEqualTo("{\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"more than"
				+ " 1 requests per 2s (burst 3) from this client (busgate.gateway.limits.rate); retry after 2 s\"}");
		// Retry-After rounds up to whole seconds.
		this.clock.advance(Duration.ofMillis(900));
		assertThat(get("/graphql", "127.0.0.1", null).retryAfter()).isEqualTo("2");
		this.clock.advance(Duration.ofMillis(200));
		assertThat(get("/graphql", "127.0.0.1", null).retryAfter()).isEqualTo("1");
	}

	@Test
	void clientUnderTheLimitIsNeverRefused() {
		for (int i = 0; i < 10; i++) {
			assertThat(get("/graphql", "127.0.0.1", null).status()).isEqualTo(200);
			this.clock.advance(Duration.ofSeconds(2));
		}
	}

	@Test
	void principalsAndAddressesHaveBucketsOfTheirOwn() {
		for (int i = 0; i < 3; i++) {
			get("/graphql", "127.0.0.1", "ada");
		}
		assertThat(get("/graphql", "127.0.0.1", "ada").status()).isEqualTo(429);

		assertThat(get("/graphql", "127.0.0.1", "grace").status()).isEqualTo(200);
		// Anonymous, the address is the client: 127.0.0.1 and 127.0.0.2 apart.
		for (int i = 0; i < 3; i++) {
			assertThat(get("/graphql", "127.0.0.1", null).status()).isEqualTo(200);
		}
		assertThat(get("/graphql", "127.0.0.1", null).status()).isEqualTo(429);
		assertThat(get("/graphql", "127.0.0.2", null).status()).isEqualTo(200);
	}

	@Test
	void refilledBucketAdmitsAgain() {
		for (int i = 0; i < 3; i++) {
			get("/graphql", "127.0.0.1", null);
		}
		assertThat(get("/graphql", "127.0.0.1", null).status()).isEqualTo(429);

		this.clock.advance(Duration.ofSeconds(2));

		assertThat(get("/graphql", "127.0.0.1", null).status()).isEqualTo(200);
		assertThat(get("/graphql", "127.0.0.1", null).status()).isEqualTo(429);
	}

	@Test
	void otherPathsAreNotLimited() {
		for (int i = 0; i < 10; i++) {
			assertThat(get("/actuator/health", "127.0.0.1", null).status()).isEqualTo(200);
		}
		assertThat(get("/graphql", "127.0.0.1", null).status()).isEqualTo(200);
	}

	@Test
	void clientRotatingForwardingHeadersIsStillLimited() {
		for (int i = 0; i < 3; i++) {
			assertThat(get("/graphql", "127.0.0.1", null, forwardedFrom(i)).status()).isEqualTo(200);
		}

		// Not a trusted proxy: whatever it says its client is, it is the client.
		for (int i = 3; i < 10; i++) {
			assertThat(get("/graphql", "127.0.0.1", null, forwardedFrom(i)).status()).isEqualTo(429);
		}
	}

	@Test
	void behindTheTrustedProxyItsForwardedAddressIsTheClient() {
		for (int i = 0; i < 3; i++) {
			assertThat(get("/graphql", "127.0.0.3", null, Map.of("X-Forwarded-For", "203.0.113.7")).status())
				.isEqualTo(200);
		}
		assertThat(get("/graphql", "127.0.0.3", null, Map.of("X-Forwarded-For", "203.0.113.7")).status())
			.isEqualTo(429);
		// Another client behind the same proxy has a bucket of its own.
		assertThat(get("/graphql", "127.0.0.3", null, Map.of("X-Forwarded-For", "203.0.113.8")).status())
			.isEqualTo(200);
	}

	@Test
	void addressesAClientPutsBeforeTheTrustedProxysAreIgnored() {
		// A proxy that appends: only its own entry, the last, is believed; the client wrote the rest.
		for (int i = 0; i < 3; i++) {
			assertThat(get("/graphql", "127.0.0.3", null, Map.of("X-Forwarded-For", "198.51.100." + i + ", 203.0.113.9",
					"Forwarded", "for=198.51.100." + i)).status()).isEqualTo(200);
		}
		assertThat(get("/graphql", "127.0.0.3", null, Map.of("X-Forwarded-For", "198.51.100.50, 203.0.113.9",
				"Forwarded", "for=198.51.100.50")).status()).isEqualTo(429);
	}

	@Test
	void encodedAndDecoratedPathsAreTheGraphQlPath() {
		// Each is routed to the handler of /graphql; each counts against the same bucket.
		List<String> paths = List.of("/%67raphql", "/graphql;v=1", "/gr%61phql;x");
		for (String path : paths) {
			assertThat(get(path, "127.0.0.1", null).status()).isEqualTo(200);
		}
		assertThat(get("/graphql", "127.0.0.1", null).status()).isEqualTo(429);
		for (String path : paths) {
			assertThat(get(path, "127.0.0.1", null).status()).isEqualTo(429);
		}
	}

	/** Headers a client makes up to pass for someone new on every request. */
	private static Map<String, String> forwardedFrom(int i) {
		return Map.of("Forwarded", "for=198.51.100." + i, "X-Forwarded-For", "198.51.100." + i, "X-Real-IP",
				"198.51.100." + i);
	}

	private Answer get(String path, String fromAddress, String user) {
		return get(path, fromAddress, user, Map.of());
	}

	private Answer get(String path, String fromAddress, String user, Map<String, String> extraHeaders) {
		return HttpClient.create()
			.bindAddress(() -> new InetSocketAddress(fromAddress, 0))
			.headers((headers) -> {
				if (user != null) {
					headers.set("X-Test-User", user);
				}
				extraHeaders.forEach(headers::set);
			})
			.get()
			.uri("http://127.0.0.1:" + this.server.port() + path)
			.responseSingle((response, body) -> body.asString()
				.defaultIfEmpty("")
				.map((text) -> new Answer(response.status().code(), response.responseHeaders().get("Retry-After"),
						response.responseHeaders().get("Content-Type"), text)))
			.block(Duration.ofSeconds(10));
	}

	record Answer(int status, String retryAfter, String contentType, String body) {
	}

}

package io.busgate.gateway;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Gateway settings.
 *
 * @param instanceId names this gateway's reply topic, {@code gateway.replies.<instanceId>};
 * unique per running gateway and stable across its restarts (e.g. the host name). Defaults to
 * a random id, which leaves a new reply topic behind on every start
 * @param replyTimeout how long a bus-bound field waits for its reply before it fails with
 * {@code UPSTREAM_TIMEOUT}; the other fields of the response are unaffected. Longer than the
 * bridges' session timeout (6 s), so that a request taken by a bridge that dies is redelivered
 * to another and still answered in time
 * @param sendTimeout how long the broker may take to acknowledge a request record; without
 * an acknowledgement by then the field fails at once with {@code UNAVAILABLE} (the broker is
 * unreachable or overloaded) instead of waiting out the reply timeout
 * @param deadlineMargin the {@code bus-deadline} stamped on a request is the reply timeout
 * minus this margin, so that a bridge gives up while its error reply can still arrive in time
 * @param replyPartitions partitions of the reply topic when the gateway creates it
 * @param replyRetention how long the reply topic keeps replies, for replaying traffic
 * @param limits what a document may ask for; a document over any limit is refused before
 * anything is sent to the bus
 * @param subscriptionBuffer events a subscription may fall behind its client; one more ends the
 * subscription with an error, so a slow client costs bounded memory and never slows the others
 * @param eventPartitions partitions of an event topic when the gateway creates it (the bridges
 * create theirs with the same default)
 * @param topicRetryInterval how often the gateway tries again to create its reply and event
 * topics while the broker is unreachable; it is not ready until they exist, so it can start
 * before its broker
 * @param documentCacheSize how many parsed and validated documents to keep, so that a document
 * sent again (with other variables) is neither parsed nor validated again; 0 keeps none
 * @param security who may call the gateway and how tokens are verified
 * @param bus how the gateway uses the bus: pending replies, batch sizes, partitions
 */
@ConfigurationProperties("busgate.gateway")
public record GatewayProperties(String instanceId, @DefaultValue("10s") Duration replyTimeout,
		@DefaultValue("2s") Duration sendTimeout,
		@DefaultValue("200ms") Duration deadlineMargin, @DefaultValue("1") int replyPartitions,
		@DefaultValue("24h") Duration replyRetention, @DefaultValue Limits limits,
		@DefaultValue("256") int subscriptionBuffer, @DefaultValue("6") int eventPartitions,
		@DefaultValue("1s") Duration topicRetryInterval, @DefaultValue("1000") int documentCacheSize,
		@DefaultValue Security security, @DefaultValue Bus bus) {

	public GatewayProperties {
		if (instanceId == null || instanceId.isBlank()) {
			instanceId = "gw-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
		}
		if (limits.requestTimeout().compareTo(replyTimeout) <= 0) {
			throw new IllegalArgumentException("busgate.gateway.limits.request-timeout (" + limits.requestTimeout()
					+ ") must be longer than busgate.gateway.reply-timeout (" + replyTimeout + ")");
		}
		if (sendTimeout.compareTo(replyTimeout) >= 0) {
			throw new IllegalArgumentException("busgate.gateway.send-timeout (" + sendTimeout
					+ ") must be shorter than busgate.gateway.reply-timeout (" + replyTimeout + ")");
		}
		if (deadlineMargin.compareTo(replyTimeout) >= 0) {
			throw new IllegalArgumentException("busgate.gateway.deadline-margin (" + deadlineMargin
					+ ") must be shorter than busgate.gateway.reply-timeout (" + replyTimeout + ")");
		}
	}

	/**
	 * Limits on documents and requests. The defaults fit the example schema with room to spare;
	 * they bound what one request can cost the bus and the backends.
	 *
	 * @param maxDepth deepest field nesting
	 * @param maxCost most a document may cost: each field costs 1, each {@code @bus} field (a
	 * round trip over the bus) {@code busFieldCost}, plus what its selection costs, times the
	 * size of the list it asks for (see {@code listSizeArguments}); summed over the whole
	 * document. 5,000 fits every document of the examples, tests and benchmark (the largest,
	 * 50 users with 3 posts each and their authors, costs 2,628) and refuses a list of friends of
	 * friends of friends (12,220)
	 * @param busFieldCost the cost of one {@code @bus} field
	 * @param listSizeArguments arguments that say how many items a field returns ({@code
	 * friends(pageSize: 100)}, {@code posts(first: 10)}): their value, or the size of a list
	 * given for them, multiplies the cost of the field's selection, default values included. The
	 * list of keys of a {@code @bus} field (its {@code key} argument, when that is a list, as in
	 * {@code users(ids: [...])}) always counts
	 * @param maxAliases most aliased fields in a document (aliases multiply work: twenty aliases
	 * of one field are twenty fetches)
	 * @param maxRootFields most fields an operation may select at its root
	 * @param maxDocumentCharacters longest document, in characters
	 * @param maxDocumentTokens most tokens in a document, checked while parsing
	 * @param requestTimeout longest a whole request may take; must exceed the reply timeout, so
	 * that a field times out on its own first
	 * @param maxRequestBody largest request body; a larger one is refused with 413 before it is
	 * read into memory (a document and its variables; the document alone is also bounded by
	 * {@code maxDocumentCharacters})
	 * @param rate how many requests each client may make
	 * @param trustedProxies the proxies (addresses or CIDR ranges, e.g. {@code 10.0.0.0/8},
	 * {@code ::1}; no host names) whose {@code X-Forwarded-For} names the client, for the limits
	 * per client. None by default: the client is the connection's peer, and no header a client
	 * sends can change that. Behind a proxy, list it here and let it <em>set</em> the header
	 * @param subscriptions how many subscriptions may be open at once
	 */
	public record Limits(@DefaultValue("10") int maxDepth, @DefaultValue("5000") int maxCost,
			@DefaultValue("10") int busFieldCost,
			@DefaultValue({ "first", "last", "pageSize" }) List<String> listSizeArguments,
			@DefaultValue("50") int maxAliases, @DefaultValue("50") int maxRootFields,
			@DefaultValue("20000") int maxDocumentCharacters, @DefaultValue("5000") int maxDocumentTokens,
			@DefaultValue("30s") Duration requestTimeout, @DefaultValue("256KB") DataSize maxRequestBody,
			@DefaultValue Rate rate, List<String> trustedProxies, @DefaultValue Subscriptions subscriptions) {

		public Limits {
			listSizeArguments = (listSizeArguments != null) ? List.copyOf(listSizeArguments) : List.of();
			trustedProxies = (trustedProxies != null) ? List.copyOf(trustedProxies) : List.of();
		}

	}

	/**
	 * Subscriptions open at once, over WebSockets and SSE. One more is refused with {@code
	 * TOO_MANY_SUBSCRIPTIONS}; a subscription that ends (completed by the client, failed, or its
	 * connection closed) frees its place.
	 *
	 * @param maxPerConnection on one WebSocket connection
	 * @param maxPerClient for one client (the authenticated principal, else the address, as for
	 * the rate limit), over all its connections to this gateway
	 */
	public record Subscriptions(@DefaultValue("25") int maxPerConnection, @DefaultValue("100") int maxPerClient) {

		public Subscriptions {
			if (maxPerConnection < 1 || maxPerClient < 1) {
				throw new IllegalArgumentException("busgate.gateway.limits.subscriptions: max-per-connection ("
						+ maxPerConnection + ") and max-per-client (" + maxPerClient + ") must be at least 1");
			}
		}

	}

	/**
	 * Requests per client on the GraphQL endpoint (HTTP, SSE, WebSocket handshakes, and each
	 * operation sent over a WebSocket; not the actuator): a token bucket per client, the
	 * authenticated principal or else the remote address. A request over the limit gets 429 with
	 * {@code Retry-After}, an operation over a WebSocket an error with code {@code RATE_LIMITED}.
	 * On by default; load tests on one machine (the benchmark, the chaos runner) turn it off.
	 *
	 * @param enabled whether requests are limited at all
	 * @param requests how many requests a client may make per {@code period}, sustained
	 * @param period the period {@code requests} refer to
	 * @param burst how many requests a client that has been idle may make at once (the size of
	 * its bucket); at least 1
	 * @param maxClients most clients with a bucket of their own; while that many are active, new
	 * clients share one bucket. Idle clients' buckets are dropped once they would be full again,
	 * so memory stays bounded
	 */
	public record Rate(@DefaultValue("true") boolean enabled, @DefaultValue("50") int requests,
			@DefaultValue("1s") Duration period, @DefaultValue("100") int burst,
			@DefaultValue("100000") int maxClients) {

		public Rate {
			if (requests < 1 || burst < 1 || maxClients < 1) {
				throw new IllegalArgumentException("busgate.gateway.limits.rate: requests (" + requests + "), burst ("
						+ burst + ") and max-clients (" + maxClients + ") must be at least 1");
			}
			if (period.isNegative() || period.isZero()) {
				throw new IllegalArgumentException(
						"busgate.gateway.limits.rate.period must be positive, was " + period);
			}
		}

		/** The limit in words, e.g. {@code 50 requests per 1s (burst 100)}. */
		public String describe() {
			return this.requests + " requests per " + this.period.toString().substring(2).toLowerCase() + " (burst "
					+ this.burst + ")";
		}

	}

	/**
	 * Authentication and authorization. Callers present a JWT as {@code Authorization: Bearer
	 * <token>}; its subject is the caller's user id. In production the tokens come from an identity
	 * provider, configured with Boot's {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}
	 * (or {@code jwk-set-uri}, or {@code public-key-location}); a local stack signs its own with
	 * {@code localSigningKey}. Exactly one of the two must be set, or the gateway does not start.
	 *
	 * @param anonymousReads whether a caller without a token may run queries (fields marked
	 * {@code @auth} in the schema still need one). On by default: the example data (users,
	 * posts) is public, and reads stay cheap to try and to benchmark. Switch it off where every
	 * read is someone's; anonymous queries then fail with {@code UNAUTHENTICATED}. Mutations and
	 * subscriptions always need a token
	 * @param localSigningKey a shared secret (at least 32 characters) that verifies HMAC-SHA256
	 * tokens, for a local stack or tests, which mint tokens with it ({@code security.LocalTokens});
	 * unset in production, where an identity provider signs the tokens
	 * @param issuer the {@code iss} every token must carry, however its signature is verified.
	 * Unset, it is Boot's {@code issuer-uri} when that is set, or {@code busgate-local} with the
	 * local key (what {@code LocalTokens} mints); with only a {@code jwk-set-uri} or
	 * {@code public-key-location} it must be set, or the gateway does not start
	 * @param audiences the token's {@code aud} must name at least one of these (e.g. the client id
	 * your identity provider issues the gateway's tokens for), so that a token issued for another
	 * application is refused. Required in the {@code prod} profile, where the gateway does not
	 * start without it; elsewhere, unset means no audience check
	 */
	public record Security(@DefaultValue("true") boolean anonymousReads, String localSigningKey, String issuer,
			@DefaultValue List<String> audiences) {

		/** HMAC-SHA256 wants a key at least as long as its output, 256 bits. */
		public static final int MIN_SIGNING_KEY_LENGTH = 32;

		public Security {
			if (localSigningKey != null && localSigningKey.isBlank()) {
				localSigningKey = null;
			}
			if (localSigningKey != null && localSigningKey.length() < MIN_SIGNING_KEY_LENGTH) {
				throw new IllegalArgumentException("busgate.gateway.security.local-signing-key must have at least "
						+ MIN_SIGNING_KEY_LENGTH + " characters");
			}
			if (issuer != null && issuer.isBlank()) {
				issuer = null;
			}
			audiences = audiences.stream().filter((audience) -> !audience.isBlank()).toList();
		}

		@Override
		public String toString() {
			// Never print the secret, e.g. when Boot reports a failed binding.
			return "Security[anonymousReads=" + this.anonymousReads + ", localSigningKey="
					+ ((this.localSigningKey != null) ? "(set)" : "(unset)") + ", issuer=" + this.issuer
					+ ", audiences=" + this.audiences + "]";
		}

	}

	/**
	 * How the gateway uses the bus.
	 *
	 * @param maxPendingReplies most request records this gateway waits for replies to at once;
	 * beyond it a new bus request fails at once with {@code UNAVAILABLE} and nothing is sent, so a
	 * silent or slow backend (each request waits up to the reply timeout) costs bounded memory
	 * @param maxBatchSize most keys in one request record, what the backends accept at once (the
	 * example services take up to 1,000); the keys of one DataLoader dispatch for one operation
	 * leave as several records when there are more
	 * @param services settings per service (the {@code <service>} of {@code <service>.requests}),
	 * overriding the ones above
	 * @param partitionRefreshInterval how often the reply and event topics are described again, to
	 * find partitions added since the gateway started reading them; keep it shorter than the reply
	 * timeout, so that a reply on a partition just added still arrives in time (new partitions are
	 * read from their beginning)
	 */
	public record Bus(@DefaultValue("10000") int maxPendingReplies, @DefaultValue("100") int maxBatchSize,
			Map<String, Service> services, @DefaultValue("5s") Duration partitionRefreshInterval) {

		public Bus {
			if (maxPendingReplies < 1 || maxBatchSize < 1) {
				throw new IllegalArgumentException("busgate.gateway.bus: max-pending-replies (" + maxPendingReplies
						+ ") and max-batch-size (" + maxBatchSize + ") must be at least 1");
			}
			if (partitionRefreshInterval.isNegative() || partitionRefreshInterval.isZero()) {
				throw new IllegalArgumentException(
						"busgate.gateway.bus.partition-refresh-interval must be positive, was " + partitionRefreshInterval);
			}
			services = (services != null) ? Map.copyOf(services) : Map.of();
			services.forEach((service, settings) -> {
				if (settings.maxBatchSize() != null && settings.maxBatchSize() < 1) {
					throw new IllegalArgumentException("busgate.gateway.bus.services." + service
							+ ".max-batch-size must be at least 1, was " + settings.maxBatchSize());
				}
			});
		}

		/** Most keys in one request record to the service. */
		public int maxBatchSize(String service) {
			Service settings = this.services.get(service);
			return (settings != null && settings.maxBatchSize() != null) ? settings.maxBatchSize() : this.maxBatchSize;
		}

		/**
		 * Settings of one service.
		 *
		 * @param maxBatchSize most keys in one request record to this service; unset: the gateway's
		 * {@code max-batch-size}
		 */
		public record Service(Integer maxBatchSize) {
		}

	}

	/** How long a bridge may work on a request. */
	public Duration requestBudget() {
		return this.replyTimeout.minus(this.deadlineMargin);
	}

}

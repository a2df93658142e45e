package io.busgate.gateway.limits;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.busgate.gateway.GatewayProperties;

/** Document and request limits ({@code busgate.gateway.limits.*}), enforced before any bus traffic. */
@Configuration(proxyBeanMethods = false)
public class LimitsConfiguration {

	private static final String FORWARD_HEADERS_STRATEGY = "server.forward-headers-strategy";

	@Bean
	QueryDepthLimit queryDepthLimit(GatewayProperties properties) {
		return new QueryDepthLimit(properties.limits().maxDepth());
	}

	@Bean
	QueryCostLimit queryCostLimit(GatewayProperties properties) {
		return new QueryCostLimit(properties.limits().maxCost(), properties.limits().busFieldCost(),
				properties.limits().listSizeArguments());
	}

	@Bean
	AliasLimit aliasLimit(GatewayProperties properties) {
		return new AliasLimit(properties.limits().maxAliases(), properties.limits().maxRootFields());
	}

	@Bean
	RequestBodyLimit requestBodyLimit(GatewayProperties properties) {
		return new RequestBodyLimit(properties.limits().maxRequestBody());
	}

	/** Lets the JSON decoder hold a body as large as the limit (its own default is 256 KB). */
	@Bean
	CodecCustomizer requestBodyCodecLimit(GatewayProperties properties) {
		return (codecs) -> codecs.defaultCodecs()
			.maxInMemorySize(Math.toIntExact(properties.limits().maxRequestBody().toBytes()));
	}

	/**
	 * Who a request counts against, for the limits per client. Refuses to start with Boot's own
	 * handling of forwarding headers (native or framework; Boot also turns native on by itself on
	 * a cloud platform such as Kubernetes, so {@code gateway.yml} sets {@code none}): it believes
	 * those headers from any peer, so every client could pick its own address.
	 */
	@Bean
	Clients limitedClients(GatewayProperties properties, Environment environment) {
		String strategy = environment.getProperty(FORWARD_HEADERS_STRATEGY, "");
		if (!"none".equalsIgnoreCase(strategy)) {
			throw new IllegalStateException(FORWARD_HEADERS_STRATEGY + " must be none, was '" + strategy
					+ "': with it, forwarding headers from anyone would set the client's address for the limits per"
					+ " client. List the proxies whose X-Forwarded-For to believe in"
					+ " busgate.gateway.limits.trusted-proxies instead");
		}
		return new Clients(new ClientAddresses(properties.limits().trustedProxies()));
	}

	/** One token bucket per client, shared by HTTP requests and WebSocket operations. */
	@Bean
	@ConditionalOnBooleanProperty(name = "busgate.gateway.limits.rate.enabled", matchIfMissing = true)
	ClientBuckets clientBuckets(GatewayProperties properties) {
		GatewayProperties.Rate rate = properties.limits().rate();
		return new ClientBuckets(rate.requests(), rate.period(), rate.burst(), rate.maxClients(), Clock.systemUTC());
	}

	/** Requests per client on the GraphQL paths ({@code busgate.gateway.limits.rate.*}). */
	@Bean
	@ConditionalOnBooleanProperty(name = "busgate.gateway.limits.rate.enabled", matchIfMissing = true)
	ClientRateLimit clientRateLimit(GatewayProperties properties, GraphQlProperties graphQl, Clients clients,
			ClientBuckets buckets) {
		Set<String> paths = new LinkedHashSet<>();
		paths.add(graphQl.getHttp().getPath());
		if (graphQl.getWebsocket().getPath() != null) {
			paths.add(graphQl.getWebsocket().getPath());
		}
		return new ClientRateLimit(paths, clients, buckets, properties.limits().rate().describe());
	}

	/** Operations per client over WebSockets, from the same buckets. */
	@Bean
	@ConditionalOnBooleanProperty(name = "busgate.gateway.limits.rate.enabled", matchIfMissing = true)
	WebSocketRateLimit webSocketRateLimit(GatewayProperties properties, Clients clients, ClientBuckets buckets) {
		return new WebSocketRateLimit(clients, buckets, properties.limits().rate().describe());
	}

	@Bean
	SubscriptionLimit subscriptionLimit(GatewayProperties properties, Clients clients) {
		GatewayProperties.Subscriptions subscriptions = properties.limits().subscriptions();
		return new SubscriptionLimit(clients, subscriptions.maxPerConnection(), subscriptions.maxPerClient());
	}

	@Bean
	RequestLimitsInterceptor requestLimitsInterceptor(GatewayProperties properties) {
		GatewayProperties.Limits limits = properties.limits();
		return new RequestLimitsInterceptor(limits.maxDocumentCharacters(), limits.maxDocumentTokens(),
				limits.requestTimeout());
	}

}

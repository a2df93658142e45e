package io.busgate.gateway.limits;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.busgate.gateway.GatewayProperties;

/** Document and request limits ({@code busgate.gateway.limits.*}), enforced before any bus traffic. */
@Configuration(proxyBeanMethods = false)
public class LimitsConfiguration {

	@Bean
	QueryDepthLimit queryDepthLimit(GatewayProperties properties) {
		return new QueryDepthLimit(properties.limits().maxDepth());
	}

	@Bean
	QueryCostLimit queryCostLimit(GatewayProperties properties) {
		return new QueryCostLimit(properties.limits().maxCost(), properties.limits().busFieldCost());
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

	/** Requests per client on the GraphQL paths ({@code busgate.gateway.limits.rate.*}). */
	@Bean
	@ConditionalOnBooleanProperty(name = "busgate.gateway.limits.rate.enabled", matchIfMissing = true)
	ClientRateLimit clientRateLimit(GatewayProperties properties, GraphQlProperties graphQl) {
		GatewayProperties.Rate rate = properties.limits().rate();
		Set<String> paths = new LinkedHashSet<>();
		paths.add(graphQl.getHttp().getPath());
		if (graphQl.getWebsocket().getPath() != null) {
			paths.add(graphQl.getWebsocket().getPath());
		}
		return new ClientRateLimit(paths,
				new ClientBuckets(rate.requests(), rate.period(), rate.burst(), rate.maxClients(), Clock.systemUTC()),
				rate.describe());
	}

	@Bean
	RequestLimitsInterceptor requestLimitsInterceptor(GatewayProperties properties) {
		GatewayProperties.Limits limits = properties.limits();
		return new RequestLimitsInterceptor(limits.maxDocumentCharacters(), limits.maxDocumentTokens(),
				limits.requestTimeout());
	}

}

package io.busgate.gateway.limits;

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

	@Bean
	RequestLimitsInterceptor requestLimitsInterceptor(GatewayProperties properties) {
		GatewayProperties.Limits limits = properties.limits();
		return new RequestLimitsInterceptor(limits.maxDocumentCharacters(), limits.maxDocumentTokens(),
				limits.requestTimeout());
	}

}

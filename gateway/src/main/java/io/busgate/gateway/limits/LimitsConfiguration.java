package io.busgate.gateway.limits;

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
	RequestLimitsInterceptor requestLimitsInterceptor(GatewayProperties properties) {
		GatewayProperties.Limits limits = properties.limits();
		return new RequestLimitsInterceptor(limits.maxDocumentCharacters(), limits.maxDocumentTokens(),
				limits.requestTimeout());
	}

}

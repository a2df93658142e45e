package io.busgate.gateway.graphql;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import org.springframework.boot.graphql.autoconfigure.GraphQlSourceBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.graphql.execution.BatchLoaderRegistry;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.graphql.server.WebGraphQlHandler;
import org.springframework.graphql.server.webflux.GraphQlHttpHandler;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import io.busgate.gateway.GatewayProperties;
import io.busgate.gateway.bus.BusClient;
import io.busgate.gateway.security.Caller;

/**
 * The GraphQL side: the schema composed from its files, {@code @bus} fields wired to the bus, one batching DataLoader per request,
 * parsed documents kept for reuse, errors with codes, the trace id in every response, the {@code Idempotency-Key} header, GET next to POST on {@code /graphql}, WebSockets closed on shutdown.
 */
@Configuration(proxyBeanMethods = false)
public class GraphQlConfiguration {

	/**
	 * The schema's files checked and reported before Spring for GraphQL merges them, plus the
	 * gateway's built-ins, wherever {@code spring.graphql.schema.locations} points.
	 */
	@Bean
	GraphQlSourceBuilderCustomizer schemaComposition(ResourcePatternResolver resolver, GraphQlProperties properties) {
		return (builder) -> {
			SchemaComposition composition = SchemaComposition.of(resolver, properties.getSchema());
			composition.logDefiners();
			builder.schemaResources(SchemaComposition.BUILT_INS).configureTypeDefinitions(composition::addRootTypes);
		};
	}

	@Bean
	RuntimeWiringConfigurer gatewayScalars() {
		return (wiring) -> wiring.scalar(GatewayScalars.LONG).scalar(GatewayScalars.JSON);
	}

	@Bean
	RuntimeWiringConfigurer busDirectiveWiring(BusClient client) {
		return (wiring) -> wiring.directive(BusDirectiveWiring.DIRECTIVE, new BusDirectiveWiring(client));
	}

	@Bean
	BusBatchLoader busBatchLoader(BusClient client, BatchLoaderRegistry registry, GatewayProperties properties) {
		BusBatchLoader loader = new BusBatchLoader(client, properties.bus());
		registry.<BusKey, Object>forName(BusBatchLoader.NAME)
			.registerMappedBatchLoader((keys, environment) -> Mono
				.fromFuture(loader.load(keys, Caller.of(environment.getContext()).subject())));
		return loader;
	}

	@Bean
	GraphQlSourceBuilderCustomizer documentCache(GatewayProperties properties) {
		return (builder) -> {
			if (properties.documentCacheSize() > 0) {
				DocumentCache cache = new DocumentCache(properties.documentCacheSize());
				builder.configureGraphQl((graphQl) -> graphQl.preparsedDocumentProvider(cache));
			}
		};
	}

	@Bean
	TraceIdInterceptor traceIdInterceptor() {
		return new TraceIdInterceptor();
	}

	@Bean
	IdempotencyKeyHeader idempotencyKeyHeader() {
		return new IdempotencyKeyHeader();
	}

	@Bean
	BusErrorResolver busErrorResolver() {
		return new BusErrorResolver();
	}

	@Bean
	ClosingWebSocketHandler graphQlWebSocketHandler(WebGraphQlHandler webGraphQlHandler, GraphQlProperties properties,
			ServerCodecConfigurer codecs) {
		return new ClosingWebSocketHandler(webGraphQlHandler, codecs,
				properties.getWebsocket().getConnectionInitTimeout(), properties.getWebsocket().getKeepAlive());
	}

	/** Ahead of Boot's GraphQL routes, which answer GET on the endpoint with 405. */
	@Bean
	@Order(-1)
	RouterFunction<ServerResponse> graphQlGetRoute(GraphQlHttpHandler httpHandler, GraphQlProperties properties,
			JsonMapper jsonMapper) {
		GraphQlGetHandler handler = new GraphQlGetHandler(httpHandler, jsonMapper);
		return RouterFunctions.route().GET(properties.getHttp().getPath(), handler::handle).build();
	}

}

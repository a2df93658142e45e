package io.busgate.gateway.limits;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import graphql.parser.ParserOptions;
import reactor.core.publisher.Mono;

import org.springframework.graphql.server.WebGraphQlInterceptor;
import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Per request: the parser stops at the size and token limits (before building a large document
 * in memory), and the whole request ends with 504 after the request timeout. Bus requests still
 * waiting then end at their own, shorter, reply timeout.
 */
final class RequestLimitsInterceptor implements WebGraphQlInterceptor {

	private final ParserOptions parserOptions;

	private final Duration requestTimeout;

	RequestLimitsInterceptor(int maxCharacters, int maxTokens, Duration requestTimeout) {
		this.parserOptions = ParserOptions.getDefaultOperationParserOptions()
			.transform((options) -> options.maxCharacters(maxCharacters).maxTokens(maxTokens));
		this.requestTimeout = requestTimeout;
	}

	@Override
	public Mono<WebGraphQlResponse> intercept(WebGraphQlRequest request, Chain chain) {
		request.configureExecutionInput((input, builder) -> builder
			.graphQLContext((context) -> context.put(ParserOptions.class, this.parserOptions))
			.build());
		return chain.next(request)
			.timeout(this.requestTimeout)
			.onErrorMap(TimeoutException.class, (ex) -> new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT,
					"the request took longer than " + this.requestTimeout.toMillis() + " ms"));
	}

}

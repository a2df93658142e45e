package io.busgate.gateway.limits;

import java.util.List;
import java.util.Map;

import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.AbortExecutionException;

import org.springframework.graphql.server.WebGraphQlRequest;
import org.springframework.graphql.server.WebGraphQlResponse;
import org.springframework.graphql.support.DefaultExecutionGraphQlResponse;

/** Refusals of documents and operations over a limit: a GraphQL error with {@code extensions.code}. */
final class LimitErrors {

	private LimitErrors() {
	}

	static AbortExecutionException refuse(String code, String message) {
		return new AbortExecutionException(List.of(error(code, message)));
	}

	/** The answer to a request refused before it was executed: the error alone, no data. */
	static WebGraphQlResponse refused(WebGraphQlRequest request, String code, String message) {
		ExecutionResult result = ExecutionResult.newExecutionResult().addError(error(code, message)).build();
		return new WebGraphQlResponse(new DefaultExecutionGraphQlResponse(request.toExecutionInput(), result));
	}

	static GraphQLError error(String code, String message) {
		return GraphqlErrorBuilder.newError().message(message).extensions(Map.of("code", code)).build();
	}

}

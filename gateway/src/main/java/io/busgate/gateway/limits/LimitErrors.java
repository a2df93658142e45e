package io.busgate.gateway.limits;

import java.util.List;
import java.util.Map;

import graphql.GraphqlErrorBuilder;
import graphql.execution.AbortExecutionException;

/** Refusals of documents over a limit: a GraphQL error with {@code extensions.code}. */
final class LimitErrors {

	private LimitErrors() {
	}

	static AbortExecutionException refuse(String code, String message) {
		return new AbortExecutionException(List.of(GraphqlErrorBuilder.newError()
			.message(message)
			.extensions(Map.of("code", code))
			.build()));
	}

}

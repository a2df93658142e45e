package io.busgate.gateway.graphql;

import java.util.Map;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;

import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.ErrorType;

import io.busgate.bus.BusStatus;
import io.busgate.gateway.bus.BusFieldException;

/**
 * Turns a failed bus fetch into a GraphQL error on that field, with the failure's code in
 * {@code extensions.code}.
 */
final class BusErrorResolver extends DataFetcherExceptionResolverAdapter {

	@Override
	protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment environment) {
		if (!(ex instanceof BusFieldException failure)) {
			return null;
		}
		return GraphqlErrorBuilder.newError(environment)
			.message(failure.getMessage())
			.errorType(errorTypeOf(failure.code()))
			.extensions(Map.of("code", failure.code()))
			.build();
	}

	private static ErrorType errorTypeOf(String code) {
		if (BusStatus.NOT_FOUND.code().equals(code)) {
			return ErrorType.NOT_FOUND;
		}
		if (BusStatus.INVALID_ARGUMENT.code().equals(code)) {
			return ErrorType.BAD_REQUEST;
		}
		return ErrorType.INTERNAL_ERROR;
	}

}

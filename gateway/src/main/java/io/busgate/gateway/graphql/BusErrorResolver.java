package io.busgate.gateway.graphql;

import java.util.Map;
import java.util.Set;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.graphql.execution.DataFetcherExceptionResolverAdapter;
import org.springframework.graphql.execution.ErrorType;

import io.busgate.bus.BusStatus;
import io.busgate.gateway.bus.BusFieldException;

/**
 * Turns a failed bus fetch into a GraphQL error on that field, with the failure's code in
 * {@code extensions.code}. Only rejections of the client's input ({@code INVALID_ARGUMENT},
 * {@code NOT_FOUND}) and timeouts carry their message to the client; the details of other
 * failures stay in the gateway's log.
 */
final class BusErrorResolver extends DataFetcherExceptionResolverAdapter {

	private static final Log logger = LogFactory.getLog(BusErrorResolver.class);

	private static final Set<String> CLIENT_FACING = Set.of(BusStatus.INVALID_ARGUMENT.code(),
			BusStatus.NOT_FOUND.code(), BusFieldException.UPSTREAM_TIMEOUT);

	@Override
	protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment environment) {
		if (!(ex instanceof BusFieldException failure)) {
			return null;
		}
		String message = failure.getMessage();
		if (!CLIENT_FACING.contains(failure.code())) {
			logger.warn("Field " + environment.getExecutionStepInfo().getPath() + " failed: " + failure.getMessage(),
					failure.getCause());
			message = "the backend of this field failed (" + failure.code() + ")";
		}
		return GraphqlErrorBuilder.newError(environment)
			.message(message)
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

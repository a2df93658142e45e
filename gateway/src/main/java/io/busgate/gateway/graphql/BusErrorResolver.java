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
 * {@code NOT_FOUND}), of the caller ({@code PERMISSION_DENIED}, shown as {@code FORBIDDEN}
 * like the gateway's own refusals) and timeouts carry their message to the client; the details
 * of other failures stay in the gateway's log.
 */
final class BusErrorResolver extends DataFetcherExceptionResolverAdapter {

	private static final Log logger = LogFactory.getLog(BusErrorResolver.class);

	private static final Set<String> CLIENT_FACING = Set.of(BusStatus.INVALID_ARGUMENT.code(),
			BusStatus.NOT_FOUND.code(), BusStatus.PERMISSION_DENIED.code(), BusFieldException.UPSTREAM_TIMEOUT);

	/** The code of every refusal of the caller, whether by the gateway or by a backend. */
	private static final String FORBIDDEN = "FORBIDDEN";

	@Override
	protected GraphQLError resolveToSingleError(Throwable ex, DataFetchingEnvironment environment) {
		if (!(ex instanceof BusFieldException failure)) {
			return null;
		}
		String message = failure.getMessage();
		if (BusStatus.RESPONSE_TOO_LARGE.code().equals(failure.code())) {
			message = "the answer of this field is too large for the bus; ask for fewer items";
		}
		else if (!CLIENT_FACING.contains(failure.code())) {
			logger.warn("Field " + environment.getExecutionStepInfo().getPath() + " failed: " + failure.getMessage(),
					failure.getCause());
			message = "the backend of this field failed (" + failure.code() + ")";
		}
		boolean refused = BusStatus.PERMISSION_DENIED.code().equals(failure.code());
		return GraphqlErrorBuilder.newError(environment)
			.message(message)
			.errorType(errorTypeOf(failure.code()))
			.extensions(Map.of("code", refused ? FORBIDDEN : failure.code()))
			.build();
	}

	private static ErrorType errorTypeOf(String code) {
		if (BusStatus.NOT_FOUND.code().equals(code)) {
			return ErrorType.NOT_FOUND;
		}
		if (BusStatus.INVALID_ARGUMENT.code().equals(code) || BusStatus.RESPONSE_TOO_LARGE.code().equals(code)) {
			return ErrorType.BAD_REQUEST;
		}
		if (BusStatus.PERMISSION_DENIED.code().equals(code)) {
			return ErrorType.FORBIDDEN;
		}
		return ErrorType.INTERNAL_ERROR;
	}

}

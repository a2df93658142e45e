package io.busgate.gateway.security;

import java.util.Map;

import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.DataFetchingEnvironmentImpl;

import org.springframework.graphql.execution.ErrorType;

/**
 * Checks a field's {@link AuthRule} before its own fetcher runs, so a refused field sends nothing
 * to the bus. A refusal is an error on the field with {@code extensions.code}
 * {@value #UNAUTHENTICATED} (no token) or {@value #FORBIDDEN} (not the caller's own).
 */
final class AuthorizingDataFetcher implements DataFetcher<Object> {

	static final String UNAUTHENTICATED = "UNAUTHENTICATED";

	static final String FORBIDDEN = "FORBIDDEN";

	private final AuthRule rule;

	private final DataFetcher<?> delegate;

	AuthorizingDataFetcher(AuthRule rule, DataFetcher<?> delegate) {
		this.rule = rule;
		this.delegate = delegate;
	}

	@Override
	public Object get(DataFetchingEnvironment environment) throws Exception {
		Caller caller = Caller.of(environment.getGraphQlContext());
		if (caller.isAnonymous()) {
			return refuse(environment, ErrorType.UNAUTHORIZED, UNAUTHENTICATED, this.rule.coordinates()
					+ " needs an authenticated caller: send a token as 'Authorization: Bearer <token>'");
		}
		if (this.rule.subject() == null) {
			return this.delegate.get(environment);
		}
		String path = String.join(".", this.rule.subject());
		if (!this.rule.subjectIsArgument()) {
			Object owner = (environment.getSource() instanceof Map<?, ?> parent) ? parent.get(path) : null;
			if (!caller.subject().equals(text(owner))) {
				return refuse(environment, ErrorType.FORBIDDEN, FORBIDDEN,
						this.rule.coordinates() + " is only for its owner");
			}
			return this.delegate.get(environment);
		}
		Object given = AuthRule.valueAt(environment.getArguments(), this.rule.subject());
		if (given == null) {
			return this.delegate.get(DataFetchingEnvironmentImpl.newDataFetchingEnvironment(environment)
				.arguments(AuthRule.withValueAt(environment.getArguments(), this.rule.subject(), caller.subject()))
				.build());
		}
		if (!caller.subject().equals(text(given))) {
			return refuse(environment, ErrorType.FORBIDDEN, FORBIDDEN, this.rule.coordinates() + ": '" + path
					+ "' must be the caller's own id (the token's subject), or left out");
		}
		return this.delegate.get(environment);
	}

	private static String text(Object value) {
		return (value != null) ? value.toString() : null;
	}

	private static DataFetcherResult<Object> refuse(DataFetchingEnvironment environment, ErrorType type, String code,
			String message) {
		return DataFetcherResult.newResult()
			.error(GraphqlErrorBuilder.newError(environment)
				.message(message)
				.errorType(type)
				.extensions(Map.of("code", code))
				.build())
			.build();
	}

}

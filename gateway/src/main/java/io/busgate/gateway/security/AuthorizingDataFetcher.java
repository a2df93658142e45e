package io.busgate.gateway.security;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.DataFetchingEnvironmentImpl;
import reactor.core.publisher.Flux;

import org.springframework.graphql.execution.ErrorType;

/**
 * Checks a field's {@link AuthRule} before its own fetcher runs, so a refused field sends nothing
 * to the bus, and its {@code readers} on what the fetcher returns. A refusal is an error on the field with {@code extensions.code}
 * {@value #UNAUTHENTICATED} (no token) or {@value #FORBIDDEN} (not the caller's own). A
 * subscription is refused with a stream that fails at once ({@link RefusedSubscriptionResolver}
 * turns it into the error), as both transports expect a stream: graphql-transport-ws sends an
 * {@code error} message, SSE a {@code next} event with the errors.
 */
final class AuthorizingDataFetcher implements DataFetcher<Object> {

	static final String UNAUTHENTICATED = "UNAUTHENTICATED";

	static final String FORBIDDEN = "FORBIDDEN";

	private final AuthRule rule;

	private final DataFetcher<?> delegate;

	private final boolean subscription;

	AuthorizingDataFetcher(AuthRule rule, DataFetcher<?> delegate, boolean subscription) {
		this.rule = rule;
		this.delegate = delegate;
		this.subscription = subscription;
	}

	@Override
	public Object get(DataFetchingEnvironment environment) throws Exception {
		Caller caller = Caller.of(environment.getGraphQlContext());
		if (caller.isAnonymous()) {
			return refuse(environment, ErrorType.UNAUTHORIZED, UNAUTHENTICATED, this.rule.coordinates()
					+ " needs an authenticated caller: send a token as 'Authorization: Bearer <token>'");
		}
		if (this.rule.subject() == null) {
			return fetch(environment, caller);
		}
		String path = String.join(".", this.rule.subject());
		if (!this.rule.subjectIsArgument()) {
			Object owner = (environment.getSource() instanceof Map<?, ?> parent) ? parent.get(path) : null;
			if (!caller.subject().equals(text(owner))) {
				return refuse(environment, ErrorType.FORBIDDEN, FORBIDDEN,
						this.rule.coordinates() + " is only for its owner");
			}
			return fetch(environment, caller);
		}
		Object given = AuthRule.valueAt(environment.getArguments(), this.rule.subject());
		if (given == null) {
			return fetch(DataFetchingEnvironmentImpl.newDataFetchingEnvironment(environment)
				.arguments(AuthRule.withValueAt(environment.getArguments(), this.rule.subject(), caller.subject()))
				.build(), caller);
		}
		if (!caller.subject().equals(text(given))) {
			return refuse(environment, ErrorType.FORBIDDEN, FORBIDDEN, this.rule.coordinates() + ": '" + path
					+ "' must be the caller's own id (the token's subject), or left out");
		}
		return fetch(environment, caller);
	}

	private Object fetch(DataFetchingEnvironment environment, Caller caller) throws Exception {
		Object result = this.delegate.get(environment);
		if (this.rule.readers().isEmpty()) {
			return result;
		}
		if (result instanceof CompletionStage<?> pending) {
			return pending.thenApply((value) -> readable(value, caller));
		}
		return readable(result, caller);
	}

	/**
	 * The result if one of its reader fields is the caller's id, else {@code null}: the same
	 * answer as for an id that does not exist, so that ids cannot be probed.
	 */
	private Object readable(Object result, Caller caller) {
		if (result instanceof DataFetcherResult<?> withErrors) {
			return withErrors.map((value) -> readable(value, caller));
		}
		if (result instanceof Map<?, ?> object
				&& this.rule.readers().stream().anyMatch((field) -> caller.subject().equals(text(object.get(field))))) {
			return result;
		}
		return null;
	}

	private static String text(Object value) {
		return (value != null) ? value.toString() : null;
	}

	private Object refuse(DataFetchingEnvironment environment, ErrorType type, String code, String message) {
		GraphQLError error = GraphqlErrorBuilder.newError(environment)
			.message(message)
			.errorType(type)
			.extensions(Map.of("code", code))
			.build();
		if (this.subscription) {
			return Flux.error(new RefusedSubscriptionException(error));
		}
		return DataFetcherResult.newResult().error(error).build();
	}

}

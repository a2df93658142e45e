package io.busgate.gateway.security;

import graphql.GraphQLError;

/** A subscription the caller may not open; carries the error the client gets. */
final class RefusedSubscriptionException extends RuntimeException {

	private final transient GraphQLError error;

	RefusedSubscriptionException(GraphQLError error) {
		super(error.getMessage(), null, false, false);
		this.error = error;
	}

	GraphQLError error() {
		return this.error;
	}

}

package io.busgate.gateway.security;

import graphql.GraphQLError;

import org.springframework.graphql.execution.SubscriptionExceptionResolverAdapter;

/** Hands a refused subscription's error (with its code) to the client. */
final class RefusedSubscriptionResolver extends SubscriptionExceptionResolverAdapter {

	@Override
	protected GraphQLError resolveToSingleError(Throwable exception) {
		return (exception instanceof RefusedSubscriptionException refused) ? refused.error() : null;
	}

}

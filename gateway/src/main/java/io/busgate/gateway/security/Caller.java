package io.busgate.gateway.security;

import graphql.GraphQLContext;

/**
 * Who a GraphQL request runs for: the subject of the caller's verified token, or nobody. Only
 * {@link CallerInterceptor} puts it into a request's {@link GraphQLContext}, from the token Spring
 * Security verified; nothing a client sends (a header, an extension, an argument) can set it.
 *
 * @param subject the token's {@code sub} claim (the caller's user id), or {@code null} for an
 * anonymous caller
 */
public record Caller(String subject) {

	/** A caller without a (verified) token. */
	public static final Caller ANONYMOUS = new Caller(null);

	/** The caller of the request whose context this is; anonymous if none was put there. */
	public static Caller of(GraphQLContext context) {
		Caller caller = (context != null) ? context.get(Caller.class) : null;
		return (caller != null) ? caller : ANONYMOUS;
	}

	public boolean isAnonymous() {
		return this.subject == null;
	}

}

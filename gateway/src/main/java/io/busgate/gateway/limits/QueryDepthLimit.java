package io.busgate.gateway.limits;

import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.AbortExecutionException;

/** Refuses documents nested deeper than the limit, with code {@code QUERY_TOO_DEEP}. */
final class QueryDepthLimit extends MaxQueryDepthInstrumentation {

	QueryDepthLimit(int maxDepth) {
		super(maxDepth);
	}

	@Override
	protected AbortExecutionException mkAbortException(int depth, int maxDepth) {
		return LimitErrors.refuse("QUERY_TOO_DEEP",
				"the document is nested " + depth + " levels deep; at most " + maxDepth + " are allowed");
	}

}

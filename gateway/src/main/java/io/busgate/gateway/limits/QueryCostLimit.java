package io.busgate.gateway.limits;

import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.execution.AbortExecutionException;

/**
 * Refuses documents that would cost more than the budget, with code {@code QUERY_TOO_COSTLY}. A
 * field costs 1; a {@code @bus} field, a round trip over the bus to a backend, costs more.
 */
final class QueryCostLimit extends MaxQueryComplexityInstrumentation {

	QueryCostLimit(int maxCost, int busFieldCost) {
		super(maxCost, (environment, childCost) -> childCost
				+ (environment.getFieldDefinition().hasAppliedDirective("bus") ? busFieldCost : 1));
	}

	@Override
	protected AbortExecutionException mkAbortException(int cost, int maxCost) {
		return LimitErrors.refuse("QUERY_TOO_COSTLY",
				"the document costs " + cost + "; at most " + maxCost + " is allowed (a backend field costs more than"
						+ " a plain one)");
	}

}

package io.busgate.gateway.limits;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

import graphql.analysis.FieldComplexityCalculator;
import graphql.analysis.FieldComplexityEnvironment;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.execution.AbortExecutionException;
import graphql.schema.GraphQLAppliedDirective;
import graphql.schema.GraphQLAppliedDirectiveArgument;

/**
 * Refuses documents that would cost more than the budget, with code {@code QUERY_TOO_COSTLY}. A
 * field costs 1; a {@code @bus} field, a round trip over the bus to a backend, costs more. What a
 * field selects is paid once per item of the list the field returns, as far as its arguments say
 * how many: an argument named in {@code listSizeArguments} multiplies by its value (an integer)
 * or its size (a list), and so does the list of keys of a {@code @bus} field (its {@code key}
 * argument, when that is a list). Default values count like given ones; several such arguments
 * multiply each other. So {@code users(ids: [1000 ids]) { friends(pageSize: 100) { name } }}
 * costs {@code 10 + 1000 * (10 + 100 * 1)}.
 *
 * <p>A field that costs more than the whole budget counts as one over it: graphql-java adds the
 * costs up in {@code int}, which must not overflow, and the document is refused either way.
 */
final class QueryCostLimit extends MaxQueryComplexityInstrumentation {

	QueryCostLimit(int maxCost, int busFieldCost, Collection<String> listSizeArguments) {
		super(maxCost, new FieldCosts(busFieldCost, listSizeArguments, Math.min(maxCost + 1L, Integer.MAX_VALUE)));
	}

	@Override
	protected AbortExecutionException mkAbortException(int cost, int maxCost) {
		return LimitErrors.refuse("QUERY_TOO_COSTLY",
				"the document costs at least " + cost + "; at most " + maxCost + " is allowed (a backend field costs more than"
						+ " a plain one, and a list's selection is paid once per item it asks for)");
	}

	/**
	 * What a field costs, given what its selection costs.
	 *
	 * @param busFieldCost the cost of a {@code @bus} field itself
	 * @param listSizeArguments the arguments that multiply
	 * @param overBudget what a field costs at most
	 */
	record FieldCosts(int busFieldCost, Collection<String> listSizeArguments, long overBudget)
			implements FieldComplexityCalculator {

		FieldCosts {
			listSizeArguments = Set.copyOf(listSizeArguments);
		}

		@Override
		public int calculate(FieldComplexityEnvironment environment, int childCost) {
			GraphQLAppliedDirective bus = environment.getFieldDefinition().getAppliedDirective("bus");
			long cost = ((bus != null) ? this.busFieldCost : 1) + items(environment.getArguments(), keyOf(bus)) * childCost;
			return (int) Math.min(cost, this.overBudget);
		}

		/** How many items the arguments ask for, at least 1, at most {@code Integer.MAX_VALUE}. */
		private long items(Map<String, Object> arguments, String key) {
			long items = 1;
			for (Map.Entry<String, Object> argument : arguments.entrySet()) {
				String name = argument.getKey();
				Object value = argument.getValue();
				if (this.listSizeArguments.contains(name) && value instanceof Number number) {
					items *= Math.max(1, Math.min(number.longValue(), Integer.MAX_VALUE));
				}
				else if ((this.listSizeArguments.contains(name) || name.equals(key))
						&& value instanceof Collection<?> list) {
					items *= Math.max(1, list.size());
				}
				items = Math.min(items, Integer.MAX_VALUE);
			}
			return items;
		}

		private static String keyOf(GraphQLAppliedDirective bus) {
			GraphQLAppliedDirectiveArgument key = (bus != null) ? bus.getArgument("key") : null;
			return (key != null) ? key.getValue() : null;
		}

	}

}

package io.busgate.gateway.limits;

import java.util.concurrent.atomic.AtomicInteger;

import graphql.ExecutionResult;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;
import graphql.language.Field;
import graphql.language.Node;
import graphql.language.NodeTraverser;
import graphql.language.NodeVisitorStub;
import graphql.language.OperationDefinition;
import graphql.util.TraversalControl;
import graphql.util.TraverserContext;

/**
 * Refuses operations with too many aliased fields ({@code TOO_MANY_ALIASES}) or too many root
 * fields ({@code TOO_MANY_ROOT_FIELDS}): both multiply the work of one small document.
 */
final class AliasLimit extends SimplePerformantInstrumentation {

	private final int maxAliases;

	private final int maxRootFields;

	AliasLimit(int maxAliases, int maxRootFields) {
		this.maxAliases = maxAliases;
		this.maxRootFields = maxRootFields;
	}

	@Override
	public InstrumentationContext<ExecutionResult> beginExecuteOperation(
			InstrumentationExecuteOperationParameters parameters, InstrumentationState state) {
		OperationDefinition operation = parameters.getExecutionContext().getOperationDefinition();
		int rootFields = operation.getSelectionSet().getSelectionsOfType(Field.class).size();
		if (rootFields > this.maxRootFields) {
			throw LimitErrors.refuse("TOO_MANY_ROOT_FIELDS",
					"the operation selects " + rootFields + " root fields; at most " + this.maxRootFields + " are allowed");
		}
		AtomicInteger aliases = new AtomicInteger();
		new NodeTraverser().preOrder(new NodeVisitorStub() {

			@Override
			public TraversalControl visitField(Field field, TraverserContext<Node> context) {
				if (field.getAlias() != null) {
					aliases.incrementAndGet();
				}
				return TraversalControl.CONTINUE;
			}

		}, parameters.getExecutionContext().getDocument());
		if (aliases.get() > this.maxAliases) {
			throw LimitErrors.refuse("TOO_MANY_ALIASES",
					"the document has " + aliases.get() + " aliased fields; at most " + this.maxAliases + " are allowed");
		}
		return super.beginExecuteOperation(parameters, state);
	}

}

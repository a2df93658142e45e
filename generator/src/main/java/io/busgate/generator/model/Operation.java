package io.busgate.generator.model;

import java.util.List;

/**
 * One call the backend serves (an RPC, a Thrift function, an OpenAPI operation), as a bus
 * operation: its route and its GraphQL field.
 *
 * @param sourceName its name in the source ({@code GetPosts}, {@code inbox}, an OpenAPI
 * {@code operationId}); settings refer to it by this name
 * @param call the route's {@code call}, in the protocol's terms
 * @param mutation whether it changes something (a mutation field, with an idempotency key)
 * @param kindReason why it was taken for a mutation or a query, for the user
 * @param batch how it takes keys, or {@code null} for a keyless call
 * @param arguments the request's fields besides the keys, as GraphQL arguments (for a mutation
 * whose request is one object, the one argument holding it, see {@code argsField})
 * @param argsField the argument whose object is the whole request, or {@code null}
 * @param idempotencyKeyField the request field (of the {@code argsField} object, if set) that
 * receives the idempotency key, or {@code null} when the protocol carries it beside the request
 * (gRPC metadata, an HTTP header)
 * @param result the GraphQL type of what one key (or a keyless call) answers
 * @param description the source's documentation, or {@code null}
 * @param errors the errors the source declares, as the bus statuses they become
 * ({@code NotFound -> NOT_FOUND}), for the field's description; empty when it declares none
 */
public record Operation(String sourceName, String call, boolean mutation, String kindReason, Batch batch,
		List<Field> arguments, String argsField, String idempotencyKeyField, TypeRef result, String description,
		List<String> errors) {

	public Operation {
		arguments = List.copyOf(arguments);
		errors = List.copyOf(errors);
	}

}

package io.busgate.gateway.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLTypeUtil;

/**
 * What a field asks of its caller: a token, and optionally that the caller's own id be at
 * {@code subject}. That is a path into the field's arguments ({@code toUserId},
 * {@code input.authorId}), which the gateway fills in with the caller's id when left out and
 * refuses when it names someone else; or else a field of the parent object ({@code id} on
 * {@code User.inbox}), which must be the caller's id. With {@code readers}, the fetched object
 * itself says who may read it: it is kept only when one of those of its fields is the caller's
 * id, and is {@code null} otherwise, as for an unknown id.
 *
 * @param coordinates the field, {@code Type.field}, for messages
 * @param subject where the caller's id belongs, or {@code null}
 * @param subjectIsArgument whether {@code subject} is a path into the arguments, else a parent's
 * field
 * @param readers fields of the fetched object, one of which must be the caller's id; empty for
 * no check of the result
 */
record AuthRule(String coordinates, List<String> subject, boolean subjectIsArgument, List<String> readers) {

	static AuthRule of(String coordinates, GraphQLFieldDefinition field, String subject, List<String> readers) {
		List<String> checkedReaders = (readers != null) ? readersOf(coordinates, field, readers) : List.of();
		if (subject == null) {
			return new AuthRule(coordinates, null, false, checkedReaders);
		}
		List<String> path = List.of(subject.split("\\."));
		GraphQLArgument argument = field.getArgument(path.get(0));
		if (argument == null) {
			if (path.size() > 1) {
				throw new IllegalStateException("@auth on " + coordinates + ": subject '" + subject
						+ "' is neither an argument path nor a field of the parent");
			}
			return new AuthRule(coordinates, path, false, checkedReaders);
		}
		GraphQLInputType type = argument.getType();
		for (String name : path.subList(1, path.size())) {
			if (!(GraphQLTypeUtil.unwrapNonNull(type) instanceof GraphQLInputObjectType input)
					|| input.getField(name) == null) {
				throw new IllegalStateException(
						"@auth on " + coordinates + ": subject '" + subject + "' names no input field");
			}
			GraphQLInputObjectField inputField = input.getField(name);
			type = inputField.getType();
		}
		if (GraphQLTypeUtil.isNonNull(type) && path.size() > 1) {
			throw new IllegalStateException("@auth on " + coordinates + ": input field '" + subject
					+ "' must be optional, so that the gateway can fill it in with the caller's id");
		}
		return new AuthRule(coordinates, path, true, checkedReaders);
	}

	/** A result the caller may not read becomes {@code null}: only a nullable single object can. */
	private static List<String> readersOf(String coordinates, GraphQLFieldDefinition field, List<String> readers) {
		if (readers.isEmpty()) {
			throw new IllegalStateException("@auth on " + coordinates + ": readers must name at least one field");
		}
		if (GraphQLTypeUtil.isNonNull(field.getType()) || GraphQLTypeUtil.isList(field.getType())) {
			throw new IllegalStateException("@auth on " + coordinates + ": readers needs a nullable object type, as a"
					+ " result the caller may not read is null; the field is " + GraphQLTypeUtil.simplePrint(field.getType()));
		}
		return List.copyOf(readers);
	}

	/** The value at a path into nested maps, or {@code null}. */
	static Object valueAt(Map<String, Object> map, List<String> path) {
		Object value = map.get(path.get(0));
		if (path.size() == 1) {
			return value;
		}
		return (value instanceof Map<?, ?> nested) ? valueAt(cast(nested), path.subList(1, path.size())) : null;
	}

	/** A copy of the maps along the path, with the value put at its end. */
	static Map<String, Object> withValueAt(Map<String, Object> map, List<String> path, Object value) {
		Map<String, Object> copy = new LinkedHashMap<>(map);
		if (path.size() == 1) {
			copy.put(path.get(0), value);
		}
		else if (copy.get(path.get(0)) instanceof Map<?, ?> nested) {
			copy.put(path.get(0), withValueAt(cast(nested), path.subList(1, path.size()), value));
		}
		return copy;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> cast(Map<?, ?> map) {
		return (Map<String, Object>) map;
	}

}

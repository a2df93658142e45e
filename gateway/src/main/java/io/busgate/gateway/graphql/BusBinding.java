package io.busgate.gateway.graphql;

import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;

import io.busgate.bus.BusTopics;

/**
 * A field bound to a bus operation by {@code @bus(operation:, key:)}, and where its key comes
 * from: the field's argument of that name if it has one (a list argument asks for several
 * keys), otherwise the parent object's property of that name (as the backend returned it); without
 * {@code key} the field is a keyless call.
 */
record BusBinding(String coordinates, String operation, String key, KeySource keySource) {

	enum KeySource {

		/** The key is the value of one of the field's arguments. */
		ARGUMENT,

		/** The key is a field of the parent object, e.g. {@code User.id} for {@code User.posts}. */
		PARENT,

		/** The operation takes no key. */
		NONE

	}

	static BusBinding of(GraphQLFieldsContainer parent, GraphQLFieldDefinition field, String operation, String key) {
		String coordinates = parent.getName() + "." + field.getName();
		try {
			BusTopics.serviceOf(operation);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@bus on " + coordinates + ": " + ex.getMessage(), ex);
		}
		if (key == null) {
			return new BusBinding(coordinates, operation, null, KeySource.NONE);
		}
		if (field.getArgument(key) != null) {
			return new BusBinding(coordinates, operation, key, KeySource.ARGUMENT);
		}
		// The parent's property need not be in the schema: a post's authorId can key its author
		// without being exposed itself.
		return new BusBinding(coordinates, operation, key, KeySource.PARENT);
	}

}

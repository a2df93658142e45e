package io.busgate.generator.model;

/**
 * A field of a {@link Shape}, or an argument of an {@link Operation}.
 *
 * @param name the name in the protocol's JSON, which is the GraphQL name too
 * @param type its GraphQL type
 * @param description the source's documentation of it, or {@code null}
 * @param defaultValue a GraphQL literal ({@code 20}, {@code "x"}, {@code RED}) the source declares
 * as its default, or {@code null}; written on arguments and input fields only
 */
public record Field(String name, TypeRef type, String description, String defaultValue) {

	public Field(String name, TypeRef type) {
		this(name, type, null, null);
	}

}

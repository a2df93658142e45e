package io.busgate.generator.model;

/**
 * A GraphQL type as a field, argument or result uses it: a named type (a scalar, or an enum or
 * shape of the same {@link ServiceModel}, by its unprefixed name), a list of one, or a non-null
 * one.
 */
public sealed interface TypeRef {

	/** GraphQL's built-in scalars, and those the gateway declares ({@code Long}, {@code JSON}). */
	java.util.Set<String> SCALARS = java.util.Set.of("ID", "String", "Int", "Float", "Boolean", "Long", "JSON");

	static TypeRef named(String name) {
		return new Named(name);
	}

	static TypeRef listOf(TypeRef element) {
		return new ListOf(element);
	}

	default TypeRef nonNull() {
		return (this instanceof NonNull) ? this : new NonNull(this);
	}

	default TypeRef nullable() {
		return (this instanceof NonNull nonNull) ? nonNull.type() : this;
	}

	/** The named type at the bottom of lists and non-nulls. */
	default Named innermost() {
		if (this instanceof ListOf list) {
			return list.element().innermost();
		}
		if (this instanceof NonNull nonNull) {
			return nonNull.type().innermost();
		}
		return (Named) this;
	}

	record Named(String name) implements TypeRef {

		public boolean isScalar() {
			return SCALARS.contains(this.name);
		}

	}

	record ListOf(TypeRef element) implements TypeRef {
	}

	record NonNull(TypeRef type) implements TypeRef {

		public NonNull {
			if (type instanceof NonNull) {
				throw new IllegalArgumentException("A non-null type of a non-null type");
			}
		}

	}

}

package io.busgate.generator.model;

import java.util.List;

/**
 * A structured type of the source (a protobuf message, a Thrift struct, union or exception, an
 * OpenAPI object schema). The schema writer makes it a GraphQL object type where it is answered
 * and an input type ({@code <name>Input}) where it is sent.
 *
 * @param name its name in the source, unprefixed (a valid GraphQL name)
 * @param description the source's documentation, or {@code null}
 * @param fields its fields, in the source's order
 */
public record Shape(String name, String description, List<Field> fields) {

	public Shape {
		fields = List.copyOf(fields);
	}

}

package io.busgate.generator.model;

import java.util.List;

/**
 * An enumeration of the source, whose values travel by name in the protocol's JSON.
 *
 * @param name its name in the source, unprefixed
 * @param description the source's documentation, or {@code null}
 * @param values the value names, in the source's order
 */
public record EnumType(String name, String description, List<String> values) {

	public EnumType {
		values = List.copyOf(values);
	}

}

package io.busgate.generator;

import java.util.List;
import java.util.Set;

import io.busgate.generator.Plan.MutationInput;
import io.busgate.generator.Plan.RootField;
import io.busgate.generator.model.EnumType;
import io.busgate.generator.model.Field;
import io.busgate.generator.model.Shape;
import io.busgate.generator.model.TypeRef;

/**
 * Writes a plan's GraphQL SDL fragment: root fields as {@code extend type Query} and
 * {@code extend type Mutation} (the gateway declares the root types), then the object types, the
 * input types and the enums, in the source's order. A shape answered is an object type of its
 * (prefixed) name; a shape sent is an input type of that name plus {@code Input}.
 */
final class SchemaWriter {

	private static final String INDENT = "  ";

	private static final int WIDTH = 100;

	private final Plan plan;

	private final StringBuilder out = new StringBuilder();

	SchemaWriter(Plan plan) {
		this.plan = plan;
	}

	String write() {
		this.out.append("# Generated from ").append(this.plan.model.origin()).append(" for the bus service '")
			.append(this.plan.settings.service()).append("'.\n");
		this.out.append("# Regenerate rather than edit (README.md, \"Put your own service behind Busgate\"); ")
			.append("fields between services belong in a links file.\n");
		rootFields("Query", this.plan.queryFields);
		rootFields("Mutation", this.plan.mutationFields);
		Set<String> answered = this.plan.reachable(false);
		Set<String> sent = this.plan.reachable(true);
		for (Shape shape : this.plan.model.shapes()) {
			if (answered.contains(shape.name())) {
				type("type", typeName(shape.name()), shape.description(), shape.fields(), false);
			}
		}
		for (MutationInput input : this.plan.mutationInputs.values()) {
			type("input", input.name(), input.description(), input.fields(), true);
		}
		for (Shape shape : this.plan.model.shapes()) {
			if (sent.contains(shape.name())) {
				type("input", typeName(shape.name()) + "Input", shape.description(), shape.fields(), true);
			}
		}
		for (EnumType enumType : this.plan.model.enums()) {
			if (answered.contains(enumType.name()) || sent.contains(enumType.name())) {
				this.out.append('\n');
				description(enumType.description(), "");
				this.out.append("enum ").append(typeName(enumType.name())).append(" {\n");
				enumType.values().forEach((value) -> this.out.append(INDENT).append(value).append('\n'));
				this.out.append("}\n");
			}
		}
		return this.out.toString();
	}

	private void rootFields(String rootType, List<RootField> fields) {
		if (fields.isEmpty()) {
			return;
		}
		this.out.append("\nextend type ").append(rootType).append(" {\n");
		for (RootField field : fields) {
			description(field.description(), INDENT);
			this.out.append(INDENT).append(field.name());
			if (!field.arguments().isEmpty()) {
				this.out.append('(');
				for (int i = 0; i < field.arguments().size(); i++) {
					Field argument = field.arguments().get(i);
					this.out.append((i > 0) ? ", " : "").append(argument.name()).append(": ")
						.append(render(argument.type(), true));
					if (argument.defaultValue() != null) {
						this.out.append(" = ").append(argument.defaultValue());
					}
				}
				this.out.append(')');
			}
			this.out.append(": ").append(render(field.type(), false));
			this.out.append(" @bus(operation: \"").append(field.operation()).append('"');
			if (field.busKey() != null) {
				this.out.append(", key: \"").append(field.busKey()).append('"');
			}
			this.out.append(')').append(field.directives()).append('\n');
		}
		this.out.append("}\n");
	}

	private void type(String keyword, String name, String description, List<Field> fields, boolean input) {
		this.out.append('\n');
		description(description, "");
		this.out.append(keyword).append(' ').append(name).append(" {\n");
		for (Field field : fields) {
			description(field.description(), INDENT);
			this.out.append(INDENT).append(field.name()).append(": ").append(render(field.type(), input));
			if (input && field.defaultValue() != null) {
				this.out.append(" = ").append(field.defaultValue());
			}
			this.out.append('\n');
		}
		this.out.append("}\n");
	}

	private void description(String text, String indent) {
		if (text == null || text.isBlank()) {
			return;
		}
		String escaped = text.strip().replace("\"\"\"", "\\\"\"\"");
		if (!escaped.contains("\n") && escaped.length() + indent.length() + 6 <= WIDTH) {
			this.out.append(indent).append("\"\"\"").append(escaped).append("\"\"\"\n");
			return;
		}
		this.out.append(indent).append("\"\"\"\n");
		escaped.lines().forEach((line) -> wrap(line.stripTrailing(), indent));
		this.out.append(indent).append("\"\"\"\n");
	}

	/** Writes a line of text, broken at spaces to stay within {@value #WIDTH} columns. */
	private void wrap(String line, String indent) {
		String rest = line;
		while (indent.length() + rest.length() > WIDTH && rest.lastIndexOf(' ', WIDTH - indent.length()) > 0) {
			int space = rest.lastIndexOf(' ', WIDTH - indent.length());
			this.out.append(indent).append(rest, 0, space).append('\n');
			rest = rest.substring(space + 1);
		}
		this.out.append(rest.isEmpty() ? "" : indent + rest).append('\n');
	}

	private String render(TypeRef type, boolean input) {
		if (type instanceof TypeRef.NonNull nonNull) {
			return render(nonNull.type(), input) + "!";
		}
		if (type instanceof TypeRef.ListOf list) {
			return "[" + render(list.element(), input) + "]";
		}
		return renderNamed(type.innermost().name(), input);
	}

	private String renderNamed(String name, boolean input) {
		if (TypeRef.SCALARS.contains(name) || this.plan.mutationInputs.containsKey(name)) {
			return name;
		}
		boolean shape = this.plan.shapes.containsKey(name);
		return typeName(name) + ((input && shape) ? "Input" : "");
	}

	private String typeName(String name) {
		return this.plan.prefix() + name;
	}

}

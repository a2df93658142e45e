package io.busgate.generator.openapi;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.busgate.generator.model.EnumType;
import io.busgate.generator.model.Field;
import io.busgate.generator.model.Names;
import io.busgate.generator.model.Shape;
import io.busgate.generator.model.SourceException;
import io.busgate.generator.model.TypeRef;

/**
 * OpenAPI schemas as GraphQL types (the table in {@code generator/docs/openapi.md}): the shapes
 * and enums they need, collected in the order they are first met.
 */
final class Schemas {

	static final Pattern GRAPHQL_NAME = Pattern.compile("[_A-Za-z][_0-9A-Za-z]*");

	private static final String SCHEMAS = "#/components/schemas/";

	private final JsonNode document;

	private final Map<String, Shape> shapes = new LinkedHashMap<>();

	private final Map<String, EnumType> enums = new LinkedHashMap<>();

	/** The schema each inline shape or enum was made from, so one name is never given twice. */
	private final Map<String, JsonNode> inlineOrigins = new LinkedHashMap<>();

	/** The components' names, which no inline shape or enum may take. */
	private final Set<String> componentNames = new HashSet<>();

	private final List<String> skipped;

	Schemas(JsonNode document, List<String> skipped) {
		this.document = document;
		this.skipped = skipped;
		document.path("components").path("schemas").propertyNames()
			.forEach((name) -> this.componentNames.add(graphQlName(name)));
	}

	List<Shape> shapes() {
		return List.copyOf(this.shapes.values());
	}

	List<EnumType> enums() {
		return List.copyOf(this.enums.values());
	}

	/**
	 * The schema a {@code $ref} points to (followed until it is no reference), or the schema
	 * itself.
	 * @throws SourceException if a reference points nowhere in the document
	 */
	JsonNode resolve(JsonNode node, String where) {
		JsonNode current = node;
		Set<String> seen = new LinkedHashSet<>();
		while (current.has("$ref")) {
			String ref = current.get("$ref").asString();
			if (!seen.add(ref)) {
				throw new SourceException("$ref '" + ref + "' at " + where + " refers to itself");
			}
			if (!ref.startsWith("#/")) {
				throw new SourceException("$ref '" + ref + "' at " + where
						+ " points outside the document; only local references (#/...) are read");
			}
			JsonNode target = this.document.at(ref.substring(1));
			if (target.isMissingNode()) {
				throw new SourceException("dangling $ref '" + ref + "' at " + where + ": the document has no "
						+ ref.substring(2).replace('/', '.'));
			}
			current = target;
		}
		return current;
	}

	/**
	 * Whether a value of the schema may be null: {@code nullable: true} (3.0), a {@code null} in
	 * its {@code type} list (3.1), or a {@code null} alternative of its {@code oneOf}/{@code anyOf}.
	 */
	boolean isNullable(JsonNode schema, String where) {
		if (schema.path("nullable").asBoolean(false) || typesOf(schema).contains("null")) {
			return true;
		}
		if (!schema.has("$ref") && (schema.has("oneOf") || schema.has("anyOf"))) {
			for (JsonNode alternative : alternatives(schema)) {
				if (typesOf(resolve(alternative, where)).equals(List.of("null"))) {
					return true;
				}
			}
		}
		JsonNode resolved = resolve(schema, where);
		return resolved != schema && isNullable(resolved, where);
	}

	/**
	 * The GraphQL type of a value of the schema, non-null when {@code required} and the schema
	 * does not allow null.
	 * @param name the name of the field, argument or operation the schema types: it names an
	 * inline shape or enum, and a string named {@code id} or {@code *Id} is an {@code ID}
	 */
	TypeRef typeOf(JsonNode schema, String name, String inlineName, boolean required, String where) {
		TypeRef type = nullableTypeOf(schema, name, inlineName, where);
		return (required && !isNullable(schema, where)) ? type.nonNull() : type;
	}

	private TypeRef nullableTypeOf(JsonNode schema, String name, String inlineName, String where) {
		if (schema.has("$ref")) {
			String ref = schema.get("$ref").asString();
			JsonNode target = resolve(schema, where);
			if (ref.startsWith(SCHEMAS) && isNamedType(target)) {
				return named(graphQlName(ref.substring(SCHEMAS.length())), target, where);
			}
			return nullableTypeOf(target, name, inlineName, where);
		}
		List<JsonNode> alternatives = nonNullAlternatives(schema, where);
		if (alternatives.size() == 1 && !schema.has("properties") && !schema.has("type")) {
			return nullableTypeOf(alternatives.get(0), name, inlineName, where);
		}
		if (!alternatives.isEmpty()) {
			return TypeRef.named("JSON");
		}
		if (schema.has("allOf")) {
			List<JsonNode> parts = new ArrayList<>();
			schema.get("allOf").values().forEach(parts::add);
			if (parts.size() == 1 && !schema.has("properties")) {
				return nullableTypeOf(parts.get(0), name, inlineName, where);
			}
			return inline(inlineName, schema, where);
		}
		List<String> types = new ArrayList<>(typesOf(schema));
		types.remove("null");
		String type = (types.size() == 1) ? types.get(0) : (types.isEmpty() && schema.has("properties")) ? "object" : null;
		if (type == null) {
			return TypeRef.named("JSON");
		}
		return switch (type) {
			case "string" -> schema.has("enum") ? inline(inlineName, schema, where) : stringType(name);
			case "integer" -> TypeRef.named("int64".equals(schema.path("format").asString("")) ? "Long" : "Int");
			case "number" -> TypeRef.named("Float");
			case "boolean" -> TypeRef.named("Boolean");
			case "array" -> TypeRef.listOf(typeOf(schema.path("items"), (name != null) ? Names.singular(name) : null, inlineName, true,
					where + ".items"));
			case "object" -> schema.path("properties").isEmpty() ? TypeRef.named("JSON") : inline(inlineName, schema, where);
			default -> TypeRef.named("JSON");
		};
	}

	/** The alternatives of a {@code oneOf}/{@code anyOf} besides {@code null}; empty when it has none. */
	private List<JsonNode> nonNullAlternatives(JsonNode schema, String where) {
		List<JsonNode> found = new ArrayList<>();
		for (JsonNode alternative : alternatives(schema)) {
			if (!typesOf(resolve(alternative, where)).equals(List.of("null"))) {
				found.add(alternative);
			}
		}
		return found;
	}

	private static List<JsonNode> alternatives(JsonNode schema) {
		List<JsonNode> all = new ArrayList<>();
		schema.path("oneOf").values().forEach(all::add);
		schema.path("anyOf").values().forEach(all::add);
		return all;
	}

	/** Whether a component schema becomes a type of its own: an object with properties, a string enum. */
	private boolean isNamedType(JsonNode schema) {
		return shapeKind(schema) != null;
	}

	private String shapeKind(JsonNode schema) {
		if (schema.has("enum") && typesOf(schema).contains("string") && validEnumValues(schema)) {
			return "enum";
		}
		if ((typesOf(schema).contains("object") || typesOf(schema).isEmpty())
				&& (!schema.path("properties").isEmpty() || schema.has("allOf"))) {
			return "shape";
		}
		return null;
	}

	private TypeRef named(String name, JsonNode schema, String where) {
		if ("enum".equals(shapeKind(schema))) {
			this.enums.computeIfAbsent(name, (n) -> enumOf(n, schema));
		}
		else if (!this.shapes.containsKey(name)) {
			JsonNode object = schema.has("allOf") ? merged(schema, where) : schema;
			// Taken before its fields are read: a schema that contains itself refers to its name,
			// and the shapes come in the order they are first met.
			this.shapes.put(name, new Shape(name, null, List.of()));
			this.shapes.put(name, shapeOf(name, object, where));
		}
		return TypeRef.named(name);
	}

	/** An inline object or enum, named after where it is used. */
	private TypeRef inline(String name, JsonNode schema, String where) {
		if (schema.has("enum") && !validEnumValues(schema)) {
			return TypeRef.named("String");
		}
		String unique = name;
		for (int i = 2; this.componentNames.contains(unique)
				|| (this.inlineOrigins.containsKey(unique) && this.inlineOrigins.get(unique) != schema); i++) {
			unique = name + i;
		}
		this.inlineOrigins.put(unique, schema);
		return named(unique, schema, where);
	}

	private EnumType enumOf(String name, JsonNode schema) {
		List<String> values = new ArrayList<>();
		schema.get("enum").values().forEach((value) -> {
			if (!value.isNull()) {
				values.add(value.asString());
			}
		});
		return new EnumType(name, text(schema.get("description")), values);
	}

	private static boolean validEnumValues(JsonNode schema) {
		for (JsonNode value : schema.get("enum").values()) {
			if (!value.isNull() && (!value.isString() || !GRAPHQL_NAME.matcher(value.asString()).matches()
					|| Set.of("true", "false", "null").contains(value.asString()))) {
				return false;
			}
		}
		return true;
	}

	private Shape shapeOf(String name, JsonNode schema, String where) {
		Set<String> required = new HashSet<>();
		schema.path("required").values().forEach((field) -> required.add(field.asString()));
		List<Field> fields = new ArrayList<>();
		for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
			String field = property.getKey();
			String at = where + ".properties." + field;
			if (!GRAPHQL_NAME.matcher(field).matches()) {
				this.skipped.add(name + "." + field + ": not a GraphQL name, left out of " + name);
				continue;
			}
			JsonNode fieldSchema = property.getValue();
			TypeRef type = typeOf(fieldSchema, field, name + Names.upperFirst(field), required.contains(field), at);
			fields.add(new Field(field, type, text(fieldSchema.get("description")), defaultOf(fieldSchema, at)));
		}
		return new Shape(name, text(schema.get("description")), fields);
	}

	/** The object an {@code allOf} describes: its parts' properties and required names together. */
	private JsonNode merged(JsonNode schema, String where) {
		ObjectNode merged = JsonNodeFactory.instance.objectNode();
		ObjectNode properties = merged.putObject("properties");
		ArrayNode required = merged.putArray("required");
		List<JsonNode> parts = new ArrayList<>();
		schema.path("allOf").values().forEach((part) -> parts.add(resolve(part, where + ".allOf")));
		parts.add(schema);
		for (JsonNode part : parts) {
			JsonNode object = part.has("allOf") && part != schema ? merged(part, where) : part;
			object.path("properties").properties().forEach((p) -> properties.set(p.getKey(), p.getValue()));
			object.path("required").values().forEach(required::add);
		}
		if (schema.has("description")) {
			merged.set("description", schema.get("description"));
		}
		return merged;
	}

	/** The schema's default as a GraphQL literal, or {@code null} if it has none GraphQL can write. */
	String defaultOf(JsonNode schema, String where) {
		JsonNode value = resolve(schema, where).get("default");
		if (value == null || value.isNull()) {
			value = schema.get("default");
		}
		if (value == null || value.isNull()) {
			return null;
		}
		if (value.isNumber() || value.isBoolean()) {
			return value.asString();
		}
		if (value.isString()) {
			JsonNode resolved = resolve(schema, where);
			return (resolved.has("enum") && validEnumValues(resolved)) ? value.asString() : value.toString();
		}
		return null;
	}

	private static TypeRef stringType(String name) {
		return TypeRef.named(Names.isIdName(name) ? "ID" : "String");
	}

	/** {@code type} as a list: 3.0's single name, 3.1's name or list of names. */
	static List<String> typesOf(JsonNode schema) {
		JsonNode type = schema.get("type");
		if (type == null) {
			return List.of();
		}
		if (type.isArray()) {
			List<String> names = new ArrayList<>();
			type.values().forEach((name) -> names.add(name.asString()));
			return names;
		}
		return List.of(type.asString());
	}

	/** A component's name as a GraphQL type name: {@code user.Profile} and {@code user-profile} to {@code UserProfile}. */
	static String graphQlName(String name) {
		StringBuilder out = new StringBuilder();
		for (String part : name.split("[^0-9A-Za-z_]+")) {
			out.append(Names.upperFirst(part));
		}
		return (out.isEmpty() || Character.isDigit(out.charAt(0))) ? "_" + out : out.toString();
	}

	static String text(JsonNode node) {
		return (node != null && node.isString() && !node.asString().isBlank()) ? node.asString().strip() : null;
	}

}

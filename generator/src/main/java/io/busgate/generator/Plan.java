package io.busgate.generator;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.busgate.generator.GeneratorSettings.OperationSettings;
import io.busgate.generator.model.Field;
import io.busgate.generator.model.Names;
import io.busgate.generator.model.Operation;
import io.busgate.generator.model.ServiceModel;
import io.busgate.generator.model.Shape;
import io.busgate.generator.model.TypeRef;

/**
 * What will be written for one source, decided once for both files: its routes, its root fields,
 * the input types of its mutations, and what the user is told ({@link Generator} says the rules).
 */
final class Plan {

	/** The argument or input field a client gives a mutation's idempotency key in (the gateway's name). */
	static final String IDEMPOTENCY_KEY = "idempotencyKey";

	final ServiceModel model;

	final GeneratorSettings settings;

	final Map<String, Shape> shapes = new LinkedHashMap<>();

	final List<Route> routes = new ArrayList<>();

	final List<RootField> queryFields = new ArrayList<>();

	final List<RootField> mutationFields = new ArrayList<>();

	/** The input types made for mutations whose request is one object, by name. */
	final Map<String, MutationInput> mutationInputs = new LinkedHashMap<>();

	final List<String> findings = new ArrayList<>();

	private final Set<String> rootFieldNames = new HashSet<>();

	private final Set<String> busNames = new HashSet<>();

	Plan(ServiceModel model, GeneratorSettings settings) {
		this.model = model;
		this.settings = settings;
		model.shapes().forEach((shape) -> this.shapes.put(shape.name(), shape));
	}

	String prefix() {
		return this.settings.prefix();
	}

	void add(Operation operation) {
		OperationSettings options = this.settings.operation(operation.sourceName());
		if (options.skip()) {
			this.findings.add(operation.sourceName() + ": left out (skip in the settings)");
			return;
		}
		String busName = (options.name() != null) ? options.name() : Names.lowerFirst(operation.sourceName());
		String operationName = this.settings.service() + "." + busName;
		if (!this.busNames.add(busName)) {
			throw new IllegalArgumentException("Two operations are named " + operationName
					+ "; rename one in the settings (operations.<name>.name)");
		}
		this.routes.add(new Route(operationName, operation));
		if (operation.mutation()) {
			addMutation(operation, operationName, busName, options);
		}
		else if (operation.batch() != null) {
			addBatch(operation, operationName, busName, options);
		}
		else {
			RootField field = new RootField(rootFieldName(options.field(), busName, busName), operation.arguments(),
					operation.result(), operationName, null, directives(options, true), description(operation));
			this.queryFields.add(field);
			this.findings.add(operation.sourceName() + " -> " + operationName + ": a query, field Query."
					+ field.name() + " (" + operation.kindReason() + ")");
		}
	}

	private void addBatch(Operation operation, String operationName, String busName, OperationSettings options) {
		String keyArgument = operation.batch().keyArgument();
		List<Field> keyed = new ArrayList<>();
		keyed.add(new Field(keyArgument, TypeRef.named("ID").nonNull()));
		keyed.addAll(operation.arguments());
		TypeRef perKey = operation.result().nullable();
		boolean singleObjects = perKey instanceof TypeRef.Named named && !named.isScalar()
				&& this.shapes.containsKey(named.name());
		String single = singleObjects ? Names.lowerFirst(((TypeRef.Named) perKey).name()) : busName;
		RootField byKey = new RootField(rootFieldName(options.field(), single, busName), keyed, perKey,
				operationName, keyArgument, directives(options, true), description(operation));
		this.queryFields.add(byKey);
		String fields = "Query." + byKey.name();
		if (singleObjects && !"-".equals(options.listField())) {
			if (options.authReaders() != null && !options.authReaders().isEmpty()) {
				fields += " (no list field: @auth(readers:) guards single objects only)";
			}
			else {
				String keysArgument = Names.plural(keyArgument);
				List<Field> listed = new ArrayList<>();
				listed.add(new Field(keysArgument, TypeRef.listOf(TypeRef.named("ID").nonNull()).nonNull()));
				listed.addAll(operation.arguments());
				RootField byKeys = new RootField(
						rootFieldName(options.listField(), Names.plural(single), Names.plural(busName)), listed,
						TypeRef.listOf(perKey).nonNull(), operationName, keysArgument, directives(options, false),
						"By a list of keys, in the order asked; null where there is none."
								+ ((operation.description() != null) ? "\n\n" + operation.description() : ""));
				this.queryFields.add(byKeys);
				fields += " and Query." + byKeys.name();
			}
		}
		this.findings.add(operation.sourceName() + " -> " + operationName + ": a batched lookup on "
				+ operation.batch().itemKeyFieldOrOrder() + ", fields " + fields + ": " + operation.batch().reason());
	}

	private void addMutation(Operation operation, String operationName, String busName, OperationSettings options) {
		String subject = options.authSubject();
		List<Field> arguments = new ArrayList<>();
		if (operation.argsField() != null) {
			Field request = operation.arguments().stream()
				.filter((argument) -> argument.name().equals(operation.argsField()))
				.findFirst()
				.orElseThrow(() -> new IllegalStateException(operation.sourceName() + " has no argument "
						+ operation.argsField()));
			Shape shape = this.shapes.get(request.type().innermost().name());
			String inputName = this.prefix() + Names.upperFirst(busName) + "Input";
			String subjectField = (subject != null && subject.startsWith(operation.argsField() + "."))
					? subject.substring(operation.argsField().length() + 1) : null;
			List<Field> fields = new ArrayList<>();
			for (Field field : shape.fields()) {
				if (field.name().equals(operation.idempotencyKeyField())) {
					continue;
				}
				fields.add(field.name().equals(subjectField) ? optional(field,
						"The caller, always: left out, the gateway fills in the token's subject; another id is refused (FORBIDDEN).")
						: field);
			}
			fields.add(idempotencyKey(busName));
			this.mutationInputs.put(inputName, new MutationInput(inputName, shape.description(), fields));
			arguments.add(new Field(operation.argsField(), TypeRef.named(inputName).nonNull()));
		}
		else {
			for (Field argument : operation.arguments()) {
				if (argument.name().equals(operation.idempotencyKeyField())) {
					continue;
				}
				arguments.add(argument.name().equals(subject) ? optional(argument, argument.description()) : argument);
			}
			arguments.add(idempotencyKey(busName));
		}
		RootField field = new RootField(rootFieldName(options.field(), busName, busName), arguments,
				operation.result(), operationName, null, directives(options, true), description(operation));
		this.mutationFields.add(field);
		this.findings.add(operation.sourceName() + " -> " + operationName + ": a mutation, field Mutation."
				+ field.name() + " with an idempotencyKey (" + operation.kindReason() + ")");
	}

	private static Field optional(Field field, String description) {
		return new Field(field.name(), field.type().nullable(), description, field.defaultValue());
	}

	private static Field idempotencyKey(String busName) {
		return new Field(IDEMPOTENCY_KEY, TypeRef.named("String"), "Makes retries safe: " + busName
				+ " sent again with the same key changes nothing more and answers as the first time. When absent: "
				+ "the request's Idempotency-Key header plus this field's path, else a fresh key (a retry is then "
				+ "a new " + busName + ").", null);
	}

	private String rootFieldName(String configured, String preferred, String fallback) {
		String name = (configured != null) ? configured : rootField(prefix(), preferred);
		if (configured == null && this.rootFieldNames.contains(name)) {
			name = rootField(prefix(), fallback);
		}
		if (!this.rootFieldNames.add(name)) {
			throw new IllegalArgumentException("Two root fields are named " + name
					+ "; name one in the settings (operations.<name>.field)");
		}
		return name;
	}

	/** A root field's name with the source's prefix: {@code post} with {@code Blog} is {@code blogPost}. */
	private static String rootField(String prefix, String name) {
		return prefix.isEmpty() ? name : Names.lowerFirst(prefix) + Names.upperFirst(name);
	}

	private static String directives(OperationSettings options, boolean singleObject) {
		StringBuilder directives = new StringBuilder();
		if (options.authSubject() != null) {
			directives.append(" @auth(subject: \"").append(options.authSubject()).append("\")");
		}
		if (singleObject && options.authReaders() != null && !options.authReaders().isEmpty()) {
			directives.append(" @auth(readers: [");
			directives.append(String.join(", ", options.authReaders().stream().map((r) -> "\"" + r + "\"").toList()));
			directives.append("])");
		}
		return directives.toString();
	}

	private static String description(Operation operation) {
		String description = operation.description();
		if (!operation.errors().isEmpty()) {
			String errors = "Errors: " + String.join(", ", operation.errors()) + ".";
			description = (description != null) ? description + "\n\n" + errors : errors;
		}
		return description;
	}

	/**
	 * The names of the types the fields answer, or those they are sent, with every type the shapes
	 * among them hold: the shapes and enums to write as output, or as input.
	 */
	Set<String> reachable(boolean input) {
		Set<String> found = new LinkedHashSet<>();
		List<RootField> fields = new ArrayList<>(this.queryFields);
		fields.addAll(this.mutationFields);
		for (RootField field : fields) {
			if (input) {
				field.arguments().forEach((argument) -> reach(argument.type(), found));
			}
			else {
				reach(field.type(), found);
			}
		}
		if (input) {
			this.mutationInputs.values()
				.forEach((mutationInput) -> mutationInput.fields().forEach((field) -> reach(field.type(), found)));
		}
		return found;
	}

	private void reach(TypeRef type, Set<String> found) {
		String name = type.innermost().name();
		Shape shape = this.shapes.get(name);
		if (found.add(name) && shape != null) {
			shape.fields().forEach((field) -> reach(field.type(), found));
		}
	}

	/**
	 * One root field.
	 * @param busKey the argument holding the key or keys, or {@code null} for a keyless call
	 * @param directives the {@code @auth} directives, written after {@code @bus}
	 */
	record RootField(String name, List<Field> arguments, TypeRef type, String operation, String busKey,
			String directives, String description) {
	}

	/** The input type of a mutation whose request is one object: its fields and the idempotency key. */
	record MutationInput(String name, String description, List<Field> fields) {
	}

	record Route(String operation, Operation source) {
	}

}

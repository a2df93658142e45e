package io.busgate.generator.thrift;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import io.busgate.backend.BackendContract;
import io.busgate.generator.model.Batch;
import io.busgate.generator.model.Conventions;
import io.busgate.generator.model.EnumType;
import io.busgate.generator.model.Field;
import io.busgate.generator.model.Names;
import io.busgate.generator.model.Operation;
import io.busgate.generator.model.ServiceModel;
import io.busgate.generator.model.Shape;
import io.busgate.generator.model.TypeRef;
import io.busgate.thrift.idl.ThriftIdl;
import io.busgate.thrift.idl.ThriftIdl.BaseType;
import io.busgate.thrift.idl.ThriftIdl.EnumDef;
import io.busgate.thrift.idl.ThriftIdl.Function;
import io.busgate.thrift.idl.ThriftIdl.ListType;
import io.busgate.thrift.idl.ThriftIdl.MapType;
import io.busgate.thrift.idl.ThriftIdl.Requiredness;
import io.busgate.thrift.idl.ThriftIdl.Service;
import io.busgate.thrift.idl.ThriftIdl.SetType;
import io.busgate.thrift.idl.ThriftIdl.StructDef;
import io.busgate.thrift.idl.ThriftIdl.StructKind;
import io.busgate.thrift.idl.ThriftIdl.StructType;
import io.busgate.thrift.idl.ThriftIdl.ThriftType;
import io.busgate.thrift.idl.ThriftIdlReader;

/**
 * Reads a service of a Thrift IDL (with its includes) into a {@link ServiceModel}, as the Thrift
 * bridge serves it: the JSON the model describes is the one the bridge writes and reads. The
 * mapping is {@code generator/docs/thrift.md}.
 */
public final class ThriftSource {

	private final Path path;

	private final ThriftIdl idl;

	private final Conventions conventions;

	/** The structs and enums the operations reach, by qualified name. */
	private final Set<String> reached = new LinkedHashSet<>();

	private ThriftSource(Path path, ThriftIdl idl, Conventions conventions) {
		this.path = path;
		this.idl = idl;
		this.conventions = conventions;
	}

	/**
	 * Reads a service of an IDL file.
	 * @param idl the {@code .thrift} file; its includes are read relative to it
	 * @param service the service's name (qualified, {@code shared.Base}, for one of an included
	 * file), or {@code null} when the IDL with its includes declares exactly one
	 * @param conventions how mutations and idempotency keys are named
	 * @return the service's model
	 * @throws IllegalArgumentException if the IDL cannot be read or has no such service, naming
	 * the file
	 */
	public static ServiceModel read(Path idl, String service, Conventions conventions) {
		ThriftSource source = new ThriftSource(idl, ThriftIdlReader.read(idl), conventions);
		return source.model(source.service(service));
	}

	private Service service(String name) {
		List<String> names = this.idl.serviceNames();
		if (name == null) {
			if (names.size() != 1) {
				throw new IllegalArgumentException(this.path + ": " + (names.isEmpty() ? "declares no service"
						: "declares the services " + names + ", name the one to generate"));
			}
			name = names.get(0);
		}
		String qualified = name.contains(".") ? name : this.idl.program() + "." + name;
		Service service = this.idl.services().get(qualified);
		if (service == null) {
			throw new IllegalArgumentException(this.path + ": no service '" + name + "', its services are " + names);
		}
		return service;
	}

	private ServiceModel model(Service service) {
		List<Operation> operations = new ArrayList<>();
		for (Function function : this.idl.functions(service).values()) {
			// The bridge refuses routes to oneway functions: they answer nothing.
			if (!function.oneway()) {
				operations.add(operation(function));
			}
		}
		// As the bridge's busgate.bridge.thrift.service names it: qualified only for an included file's.
		String serviceName = service.name().startsWith(this.idl.program() + ".") ? service.simpleName()
				: service.name();
		return new ServiceModel(serviceName + " of the Thrift IDL " + this.path, "thrift",
				Map.of("idl", this.path.toString(), "service", serviceName), shapes(), enums(), operations);
	}

	// ---- operations

	private Operation operation(Function function) {
		List<String> errors = errors(function);
		if (this.conventions.isMutation(function.name())) {
			return mutation(function, errors);
		}
		String kindReason = function.name() + " does not match the mutation names, so it is a query";
		for (ThriftIdl.Field parameter : function.arguments().fields()) {
			Operation batched = batched(function, parameter, kindReason, errors);
			if (batched != null) {
				return batched;
			}
		}
		return new Operation(function.name(), function.name(), false, kindReason, null,
				arguments(function.arguments().fields(), null), null, null, result(function), function.doc(), errors);
	}

	private Operation mutation(Function function, List<String> errors) {
		String kindReason = function.name() + " matches the mutation names";
		List<ThriftIdl.Field> parameters = function.arguments().fields();
		String keyName = this.conventions.idempotencyKeyField();
		if (parameters.size() == 1 && parameters.get(0).type() instanceof StructType type) {
			ThriftIdl.Field request = parameters.get(0);
			StructDef struct = this.idl.struct(type);
			Field input = new Field("input", type(type, null).nonNull(), request.doc(), null);
			return new Operation(function.name(), function.name(), true, kindReason, null, List.of(input), "input",
					isText(struct.field(keyName)) ? keyName : null, result(function), function.doc(), errors);
		}
		ThriftIdl.Field key = function.arguments().field(keyName);
		return new Operation(function.name(), function.name(), true, kindReason, null, arguments(parameters, null),
				null, isText(key) ? keyName : null, result(function), function.doc(), errors);
	}

	/**
	 * The function as a batched lookup on that parameter, or {@code null}: the parameter is a
	 * list or set of scalar keys with a plural name, and the function answers a list or set of
	 * structs carrying the singular field (or a struct with one list or set field of them).
	 */
	private Operation batched(Function function, ThriftIdl.Field keys, String kindReason, List<String> errors) {
		ThriftType keyType = element(keys.type());
		if (!(keyType instanceof BaseType base && (base.isIntegral() || base == BaseType.STRING
				|| base == BaseType.UUID))) {
			return null;
		}
		ThriftType answer = function.returns();
		String itemsField = null;
		String answered = "a " + describe(answer);
		if (answer instanceof StructType page) {
			List<ThriftIdl.Field> lists = this.idl.struct(page).fields().stream()
				.filter((field) -> element(field.type()) != null)
				.toList();
			if (lists.size() != 1) {
				return null;
			}
			itemsField = lists.get(0).name();
			answer = lists.get(0).type();
			answered = ThriftIdl.simpleName(page.name()) + "." + itemsField + ", a " + describe(answer);
		}
		if (!(element(answer) instanceof StructType itemType)) {
			return null;
		}
		StructDef item = this.idl.struct(itemType);
		ThriftIdl.Field keyField = singularField(keys.name(), item);
		if (keyField == null) {
			return null;
		}
		ThriftIdl.Field valueField = null;
		if (item.fields().size() == 2) {
			ThriftIdl.Field other = item.fields().get(item.fields().get(0) == keyField ? 1 : 0);
			valueField = (element(other.type()) != null) ? other : null;
		}
		String reason = "takes " + keys.name() + " (a " + describe(keys.type()) + ") and answers " + answered
				+ ", each carrying " + keyField.name() + ((valueField != null) ? " and its " + valueField.name() : "");
		Batch batch = new Batch(keys.name(), keyField.name(), itemsField, keyField.name(),
				(valueField != null) ? valueField.name() : null, reason);
		TypeRef result = (valueField != null) ? field(valueField, false).type().nullable() : type(itemType, null);
		return new Operation(function.name(), function.name(), false, kindReason, batch,
				arguments(function.arguments().fields(), keys), null, null, result, function.doc(), errors);
	}

	/** The item's field named as the singular of a plural name ({@code ids}, {@code userIds}), or null. */
	private static ThriftIdl.Field singularField(String plural, StructDef item) {
		List<String> singulars = new ArrayList<>();
		if (plural.endsWith("ies")) {
			singulars.add(plural.substring(0, plural.length() - 3) + "y");
		}
		if (plural.endsWith("es")) {
			singulars.add(plural.substring(0, plural.length() - 2));
		}
		if (plural.endsWith("s")) {
			singulars.add(plural.substring(0, plural.length() - 1));
		}
		for (String singular : singulars) {
			ThriftIdl.Field field = item.field(singular);
			if (field != null && !singular.isEmpty()) {
				return field;
			}
		}
		return null;
	}

	/** The function's parameters as GraphQL arguments, but the keys. */
	private List<Field> arguments(List<ThriftIdl.Field> parameters, ThriftIdl.Field keys) {
		List<Field> arguments = new ArrayList<>();
		for (ThriftIdl.Field parameter : parameters) {
			if (parameter != keys) {
				// Left out, an argument is not sent and the server applies its default.
				TypeRef type = type(parameter.type(), parameter.name());
				arguments.add(new Field(parameter.name(), parameter.isRequired() ? type.nonNull() : type,
						parameter.doc(), literal(parameter.type(), parameter.defaultValue())));
			}
		}
		return arguments;
	}

	/** What a keyless call answers: a void function's reply carries {@code null}. */
	private TypeRef result(Function function) {
		return (function.returns() != null) ? nonNullUnlessEnum(function.returns(), type(function.returns(), null))
				: TypeRef.named("Boolean");
	}

	private static List<String> errors(Function function) {
		List<String> errors = new ArrayList<>();
		for (ThriftIdl.Field exception : function.exceptions()) {
			String name = ThriftIdl.simpleName(((StructType) exception.type()).name());
			// as the bridge answers it unless its exception-statuses say otherwise
			errors.add(name + " -> " + BackendContract.THRIFT_EXCEPTION_STATUSES.getOrDefault(name, "INTERNAL"));
		}
		return errors;
	}

	// ---- types

	/**
	 * A field as the bridge answers it: non-null unless optional (or of a union, or an enum: the
	 * bridge answers {@code null} for a value the IDL does not declare).
	 */
	private Field field(ThriftIdl.Field field, boolean ofUnion) {
		TypeRef type = type(field.type(), field.name());
		boolean nullable = ofUnion || field.requiredness() == Requiredness.OPTIONAL;
		return new Field(field.name(), nullable ? type : nonNullUnlessEnum(field.type(), type), field.doc(),
				literal(field.type(), field.defaultValue()));
	}

	private static TypeRef nonNullUnlessEnum(ThriftType thrift, TypeRef type) {
		return (thrift instanceof ThriftIdl.EnumType) ? type : type.nonNull();
	}

	/** The nullable GraphQL type of a value; the name of the field or argument holding it, or null. */
	private TypeRef type(ThriftType type, String name) {
		if (type instanceof BaseType base) {
			return TypeRef.named(switch (base) {
				case BOOL -> "Boolean";
				case BYTE, I16, I32 -> "Int";
				case I64 -> "Long";
				case DOUBLE -> "Float";
				case STRING, UUID -> Names.isIdName(name) ? "ID" : "String";
				case BINARY -> "String";
			});
		}
		if (type instanceof MapType) {
			// The bridge answers a map as a JSON object, its keys as text.
			return TypeRef.named("JSON");
		}
		ThriftType element = element(type);
		if (element != null) {
			String elementName = (name != null && (name.equals("ids") || name.endsWith("Ids") || name.endsWith("_ids")))
					? "id" : null;
			return TypeRef.listOf(nonNullUnlessEnum(element, type(element, elementName)));
		}
		if (type instanceof ThriftIdl.EnumType enumType) {
			this.reached.add(enumType.definition().name());
			return TypeRef.named(ThriftIdl.simpleName(enumType.definition().name()));
		}
		StructType struct = (StructType) type;
		if (this.reached.add(struct.name())) {
			this.idl.struct(struct).fields().forEach((field) -> type(field.type(), field.name()));
		}
		return TypeRef.named(ThriftIdl.simpleName(struct.name()));
	}

	private static boolean isText(ThriftIdl.Field field) {
		return field != null && field.type() == BaseType.STRING;
	}

	/** The element type of a list or set, or {@code null}. */
	private static ThriftType element(ThriftType type) {
		if (type instanceof ListType list) {
			return list.element();
		}
		return (type instanceof SetType set) ? set.element() : null;
	}

	/** A type for a reason's sentence: {@code list of string}, {@code BookPage}. */
	private static String describe(ThriftType type) {
		if (type instanceof ListType list) {
			return "list of " + describe(list.element());
		}
		if (type instanceof SetType set) {
			return "set of " + describe(set.element());
		}
		if (type instanceof StructType struct) {
			return ThriftIdl.simpleName(struct.name());
		}
		if (type instanceof ThriftIdl.EnumType enumType) {
			return ThriftIdl.simpleName(enumType.definition().name());
		}
		return type.idlName();
	}

	/**
	 * An IDL default value as a GraphQL literal, or {@code null} for none or one GraphQL cannot
	 * take as written (a constant's name, a list, map or struct).
	 */
	private static String literal(ThriftType type, String value) {
		if (value == null) {
			return null;
		}
		if (type instanceof ThriftIdl.EnumType enumType) {
			EnumDef definition = enumType.definition();
			String constant = value.substring(value.lastIndexOf('.') + 1);
			if (definition.constants().containsKey(constant)) {
				return constant;
			}
			BigInteger number = integer(value);
			return (number != null) ? definition.nameOf(number.intValue()) : null;
		}
		if (!(type instanceof BaseType base)) {
			return null;
		}
		return switch (base) {
			case BOOL -> switch (value) {
				case "true", "1" -> "true";
				case "false", "0" -> "false";
				default -> null;
			};
			case BYTE, I16, I32, I64 -> (integer(value) != null) ? integer(value).toString() : null;
			case DOUBLE -> (integer(value) != null) ? integer(value).toString()
					: (value.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?") ? value : null);
			case STRING, BINARY, UUID -> value.startsWith("\"") ? value : null;
		};
	}

	private static BigInteger integer(String value) {
		String digits = value.startsWith("+") ? value.substring(1) : value;
		boolean negative = digits.startsWith("-");
		digits = negative ? digits.substring(1) : digits;
		try {
			BigInteger number = (digits.startsWith("0x") || digits.startsWith("0X"))
					? new BigInteger(digits.substring(2), 16) : new BigInteger(digits);
			return negative ? number.negate() : number;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	// ---- the reached types, in the IDL's order

	private List<Shape> shapes() {
		Map<String, String> names = new LinkedHashMap<>();
		List<Shape> shapes = new ArrayList<>();
		for (StructDef struct : this.idl.structs().values()) {
			if (this.reached.contains(struct.name())) {
				claim(names, struct.name());
				boolean union = struct.kind() == StructKind.UNION;
				List<Field> fields = struct.fields().stream().map((field) -> field(field, union)).toList();
				String description = struct.doc();
				if (union) {
					StringJoiner exactlyOne = new StringJoiner(", ", "Exactly one of ", " is set.");
					struct.fieldNames().forEach(exactlyOne::add);
					description = (description != null) ? description + "\n\n" + exactlyOne : exactlyOne.toString();
				}
				shapes.add(new Shape(struct.simpleName(), description, fields));
			}
		}
		for (EnumDef definition : this.idl.enums().values()) {
			if (this.reached.contains(definition.name())) {
				claim(names, definition.name());
			}
		}
		return shapes;
	}

	private List<EnumType> enums() {
		return this.idl.enums().values().stream()
			.filter((definition) -> this.reached.contains(definition.name()))
			.map((definition) -> new EnumType(ThriftIdl.simpleName(definition.name()), definition.doc(),
					List.copyOf(definition.constants().keySet())))
			.toList();
	}

	/** Types of included files keep their simple names in GraphQL, so two of a name clash. */
	private void claim(Map<String, String> names, String qualified) {
		String other = names.putIfAbsent(ThriftIdl.simpleName(qualified), qualified);
		if (other != null) {
			throw new IllegalArgumentException(this.path + ": " + other + " and " + qualified + " would both be the"
					+ " GraphQL type " + ThriftIdl.simpleName(qualified) + "; give one another name");
		}
	}

}

package io.busgate.thrift.idl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Thrift IDL as {@link ThriftIdlReader} reads it: one file with the files it includes, its
 * types resolved (typedefs replaced by what they name, names by the enum or struct they name).
 * Constants are not kept; fields keep their default values as the IDL writes them, and structs,
 * enums, fields and functions their doc comments ({@code /** ... *}{@code /}).
 *
 * <p>Types are named qualified by their file's program name, Thrift's own include convention:
 * {@code shared.Item} for {@code struct Item} of {@code shared.thrift}; so are services.
 *
 * @param program the program name of the file read: its file name without {@code .thrift}
 * @param namespaces the file's namespaces by scope, e.g. {@code java -> com.example}
 * @param includes the files it includes, as written
 * @param enums every enum of the file and its includes, by qualified name
 * @param structs every struct, union and exception of the file and its includes, by qualified
 * name
 * @param services every service of the file and its includes, by qualified name
 */
public record ThriftIdl(String program, Map<String, String> namespaces, List<String> includes, Map<String, EnumDef> enums,
		Map<String, StructDef> structs, Map<String, Service> services) {

	public ThriftIdl {
		namespaces = Map.copyOf(namespaces);
		includes = List.copyOf(includes);
		enums = Collections.unmodifiableMap(new LinkedHashMap<>(enums));
		structs = Collections.unmodifiableMap(new LinkedHashMap<>(structs));
		services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
	}

	/**
	 * A service of this file by its name (or qualified name for one of an included file).
	 * @throws IllegalArgumentException if there is none, naming the services there are
	 */
	public Service service(String name) {
		Service service = this.services.get(name.contains(".") ? name : this.program + "." + name);
		if (service == null) {
			throw new IllegalArgumentException("the IDL " + this.program + ".thrift has no service '" + name
					+ "', its services are " + serviceNames());
		}
		return service;
	}

	/** The simple names of this file's own services, qualified names for included ones. */
	public List<String> serviceNames() {
		return this.services.keySet().stream().map(this::shortName).toList();
	}

	/**
	 * The struct, union or exception of that qualified name.
	 * @throws IllegalStateException if there is none: a {@link StructType} always names one
	 */
	public StructDef struct(StructType type) {
		StructDef struct = this.structs.get(type.name());
		if (struct == null) {
			throw new IllegalStateException("no struct " + type.name() + " in " + this.program + ".thrift");
		}
		return struct;
	}

	/**
	 * The functions a service offers, its own and those of the services it extends, by name.
	 */
	public Map<String, Function> functions(Service service) {
		Map<String, Function> functions = new LinkedHashMap<>();
		for (Service current = service; current != null;
				current = (current.parent() != null) ? this.services.get(current.parent()) : null) {
			current.functions().forEach(functions::putIfAbsent);
		}
		return functions;
	}

	private String shortName(String qualified) {
		return qualified.startsWith(this.program + ".") ? qualified.substring(this.program.length() + 1) : qualified;
	}

	/** A Thrift type, as a field, an element or a function's result has it. */
	public sealed interface ThriftType permits BaseType, ListType, SetType, MapType, EnumType, StructType {

		/** The type as the IDL writes it, for messages: {@code list<string>}, {@code struct Item}. */
		String idlName();

	}

	/** The base types. {@code byte} and {@code i8} are the same type. */
	public enum BaseType implements ThriftType {

		BOOL("bool"), BYTE("byte"), I16("i16"), I32("i32"), I64("i64"), DOUBLE("double"), STRING("string"),
		BINARY("binary"), UUID("uuid");

		private final String idlName;

		BaseType(String idlName) {
			this.idlName = idlName;
		}

		@Override
		public String idlName() {
			return this.idlName;
		}

		/** Whether values are integers: byte, i16, i32, i64. */
		public boolean isIntegral() {
			return this == BYTE || this == I16 || this == I32 || this == I64;
		}

	}

	public record ListType(ThriftType element) implements ThriftType {

		@Override
		public String idlName() {
			return "list<" + this.element.idlName() + ">";
		}

	}

	public record SetType(ThriftType element) implements ThriftType {

		@Override
		public String idlName() {
			return "set<" + this.element.idlName() + ">";
		}

	}

	public record MapType(ThriftType key, ThriftType value) implements ThriftType {

		@Override
		public String idlName() {
			return "map<" + this.key.idlName() + "," + this.value.idlName() + ">";
		}

	}

	/** An enum, by its definition (enums cannot refer to themselves). */
	public record EnumType(EnumDef definition) implements ThriftType {

		@Override
		public String idlName() {
			return "enum " + simpleName(this.definition.name());
		}

	}

	/**
	 * A struct, union or exception, by its qualified name ({@link ThriftIdl#struct}): structs may
	 * refer to themselves.
	 */
	public record StructType(String name) implements ThriftType {

		@Override
		public String idlName() {
			return "struct " + simpleName(this.name);
		}

	}

	/**
	 * @param name the qualified name
	 * @param constants the constants' values by name, in declaration order
	 * @param doc its doc comment, or {@code null}
	 */
	public record EnumDef(String name, Map<String, Integer> constants, String doc) {

		public EnumDef {
			constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
		}

		/** The name of the constant with that value, or {@code null}. */
		public String nameOf(int value) {
			for (Map.Entry<String, Integer> constant : this.constants.entrySet()) {
				if (constant.getValue() == value) {
					return constant.getKey();
				}
			}
			return null;
		}

	}

	public enum StructKind {

		STRUCT, UNION, EXCEPTION

	}

	/**
	 * A struct, union or exception; also a function's arguments and result.
	 *
	 * @param name the qualified name
	 * @param fields in declaration order
	 * @param doc its doc comment, or {@code null}
	 */
	public record StructDef(String name, StructKind kind, List<Field> fields, String doc) {

		public StructDef {
			fields = List.copyOf(fields);
		}

		public StructDef(String name, StructKind kind, List<Field> fields) {
			this(name, kind, fields, null);
		}

		/** The name without its program, for messages. */
		public String simpleName() {
			return ThriftIdl.simpleName(this.name);
		}

		/** The field of that name, or {@code null}. */
		public Field field(String fieldName) {
			for (Field field : this.fields) {
				if (field.name().equals(fieldName)) {
					return field;
				}
			}
			return null;
		}

		/** The field of that id, or {@code null}. */
		public Field field(short id) {
			for (Field field : this.fields) {
				if (field.id() == id) {
					return field;
				}
			}
			return null;
		}

		/** The fields' names, in declaration order, for messages. */
		public List<String> fieldNames() {
			List<String> names = new ArrayList<>(this.fields.size());
			this.fields.forEach((field) -> names.add(field.name()));
			return names;
		}

	}

	public enum Requiredness {

		/** Neither {@code required} nor {@code optional}: written when set, like optional. */
		DEFAULT, REQUIRED, OPTIONAL

	}

	/**
	 * A field of a struct, an argument or a declared exception of a function.
	 *
	 * @param id the field id
	 * @param name the name
	 * @param type the type
	 * @param requiredness whether it must be set
	 * @param defaultValue its default value as the IDL writes it ({@code 20}, {@code "x"},
	 * {@code Level.MID}, {@code [1, 2]}; strings in double quotes), or {@code null}
	 * @param doc its doc comment, or {@code null}
	 */
	public record Field(short id, String name, ThriftType type, Requiredness requiredness, String defaultValue,
			String doc) {

		public Field {
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(type, "type");
			Objects.requireNonNull(requiredness, "requiredness");
		}

		/** A field without a default value or doc comment. */
		public Field(short id, String name, ThriftType type, Requiredness requiredness) {
			this(id, name, type, requiredness, null, null);
		}

		public boolean isRequired() {
			return this.requiredness == Requiredness.REQUIRED;
		}

	}

	/**
	 * @param name the qualified name
	 * @param parent the qualified name of the service it extends, or {@code null}
	 * @param functions its own functions by name, in declaration order
	 */
	public record Service(String name, String parent, Map<String, Function> functions) {

		public Service {
			functions = Collections.unmodifiableMap(new LinkedHashMap<>(functions));
		}

		public String simpleName() {
			return ThriftIdl.simpleName(this.name);
		}

	}

	/**
	 * A function of a service.
	 *
	 * @param name the name
	 * @param oneway whether it is {@code oneway}: no reply at all
	 * @param returns the return type, or {@code null} for {@code void}
	 * @param arguments the arguments, as the struct Thrift sends them ({@code <name>_args})
	 * @param exceptions the declared exceptions, the {@code throws} fields
	 * @param doc its doc comment, or {@code null}
	 */
	public record Function(String name, boolean oneway, ThriftType returns, StructDef arguments, List<Field> exceptions,
			String doc) {

		/** The id of the return value in a function's result struct. */
		public static final short SUCCESS_ID = 0;

		public Function {
			exceptions = List.copyOf(exceptions);
		}

		/**
		 * The struct of the function's reply, {@code <name>_result}: the return value as field 0
		 * named {@code success}, then the declared exceptions.
		 */
		public StructDef result() {
			List<Field> fields = new ArrayList<>();
			if (this.returns != null) {
				fields.add(new Field(SUCCESS_ID, "success", this.returns, Requiredness.OPTIONAL));
			}
			fields.addAll(this.exceptions);
			return new StructDef(this.name + "_result", StructKind.STRUCT, fields);
		}

	}

	/** The name without its program: {@code Item} for {@code shared.Item}. */
	public static String simpleName(String qualified) {
		return qualified.substring(qualified.lastIndexOf('.') + 1);
	}

}

package io.busgate.bridge.thrift;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.thrift.ThriftIdl.BaseType;
import io.busgate.bridge.thrift.ThriftIdl.Field;
import io.busgate.bridge.thrift.ThriftIdl.Function;
import io.busgate.bridge.thrift.ThriftIdl.ListType;
import io.busgate.bridge.thrift.ThriftIdl.Service;
import io.busgate.bridge.thrift.ThriftIdl.SetType;
import io.busgate.bridge.thrift.ThriftIdl.StructDef;
import io.busgate.bridge.thrift.ThriftIdl.StructType;
import io.busgate.bridge.thrift.ThriftIdl.ThriftType;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;

/**
 * A configured route, compiled against the service's IDL: which function an operation calls,
 * how a request becomes the function's arguments and how its result becomes the reply's items
 * (see {@link ThriftBridgeProperties.Route}). Every field the route names is checked when the
 * bridge starts, so a typo fails the start, not a request.
 *
 * <p>Two halves: the wire half ({@link #arguments}, {@link #call}, {@link #declaredException},
 * {@link #returnValue}) speaks the IDL's types; the reply shaping ({@link #items}) works on JSON
 * only.
 *
 * <p>Immutable and thread-safe.
 */
final class ThriftRoute {

	private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,20}");

	private final String operation;

	private final String method;

	private final ThriftIdl idl;

	private final StructDef arguments;

	private final StructDef result;

	private final Field keys;

	private final String argsArgument;

	private final Field argsTarget;

	private final Field idempotencyKey;

	private final Field success;

	private final String itemsField;

	private final String itemKeyField;

	private final String itemValueField;

	ThriftRoute(String operation, ThriftBridgeProperties.Route route, ThriftIdl idl, Service service) {
		this.operation = operation;
		this.method = route.method();
		this.idl = idl;
		Map<String, Function> functions = idl.functions(service);
		Function function = functions.get(route.method());
		if (function == null) {
			throw new IllegalArgumentException(where() + "service " + service.simpleName() + " has no method '"
					+ this.method + "'; its methods are " + functions.keySet().stream().sorted().toList());
		}
		if (function.oneway()) {
			throw new IllegalArgumentException(where() + service.simpleName() + "." + this.method
					+ " is oneway: it answers nothing a reply could carry");
		}
		this.arguments = function.arguments();
		this.result = function.result();
		this.keys = (route.keysField() != null) ? argument(route.keysField(), "keys-field") : null;
		if (this.keys != null && !(this.keys.type() instanceof ListType) && !(this.keys.type() instanceof SetType)) {
			throw new IllegalArgumentException(where() + "keys-field '" + route.keysField() + "' must be a list or"
					+ " set, is " + this.keys.type().idlName());
		}
		this.argsArgument = route.argsField();
		this.argsTarget = (route.argsField() != null) ? singleStructArgument() : null;
		this.idempotencyKey = (route.idempotencyKeyField() != null) ? idempotencyKey(route.idempotencyKeyField())
				: null;
		this.success = this.result.field(Function.SUCCESS_ID);
		this.itemsField = route.itemsField();
		this.itemKeyField = route.itemKeyField();
		this.itemValueField = route.itemValueField();
		checkItemFields();
	}

	String method() {
		return this.method;
	}

	/** How to name the call in messages. */
	String describe() {
		return this.method + " (" + this.operation + ")";
	}

	// ---- request

	/**
	 * The function's arguments for a request, as {@link ThriftWire} writes them.
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the request does not fit the route
	 * or the function's argument types
	 */
	Map<String, Object> arguments(BusRequest request, ThriftJsonMapper mapper) {
		Map<String, Object> args = new HashMap<>();
		if (this.keys != null) {
			if (!request.isKeyed()) {
				throw invalid(describe() + " needs keys (they become argument '" + this.keys.name()
						+ "'), the request has none");
			}
			args.put(this.keys.name(), mapper.toThrift(this.keys.type(), keys(request.keys()), "keys"));
		}
		else if (request.isKeyed()) {
			throw invalid(describe() + " is keyless, the request has keys");
		}
		Map<String, Object> idempotencyTarget = args;
		if (this.argsTarget != null) {
			for (String name : request.args().keySet()) {
				if (!name.equals(this.argsArgument)) {
					throw invalid("args." + name + ": unknown argument of " + describe() + ", it takes only '"
							+ this.argsArgument + "'");
				}
			}
			Object value = request.args().get(this.argsArgument);
			if (value == null) {
				throw invalid("args." + this.argsArgument + ": required by " + describe() + ", an object");
			}
			idempotencyTarget = mapper.toStruct(structOf(this.argsTarget), value, "args." + this.argsArgument);
			args.put(this.argsTarget.name(), idempotencyTarget);
		}
		else {
			request.args().forEach((name, value) -> {
				Field field = this.arguments.field(name);
				if (field == null || field == this.keys) {
					throw invalid("args." + name + ": unknown argument of " + describe() + ", it takes "
							+ acceptedArguments());
				}
				if (value != null) {
					args.put(name, mapper.toThrift(field.type(), value, "args." + name));
				}
			});
		}
		if (this.idempotencyKey != null && request.headers().idempotencyKey() != null) {
			idempotencyTarget.put(this.idempotencyKey.name(), request.headers().idempotencyKey());
		}
		mapper.checkRequired(this.arguments, args, "args");
		return args;
	}

	/** The call of the function with these arguments. */
	ThriftConnection.Call call(Map<String, Object> arguments) {
		return new ThriftConnection.Call(this.method, this.arguments, arguments, this.result);
	}

	/**
	 * The keys as the keys field takes them: GraphQL IDs are strings, so a string holding an
	 * integer becomes that integer for integer elements.
	 */
	private List<Object> keys(List<Object> keys) {
		ThriftType element = (this.keys.type() instanceof ListType list) ? list.element()
				: ((SetType) this.keys.type()).element();
		if (!(element instanceof BaseType base && base.isIntegral())) {
			return keys;
		}
		List<Object> converted = new ArrayList<>(keys.size());
		for (Object key : keys) {
			converted.add((key instanceof String text && INTEGER.matcher(text).matches()) ? new BigInteger(text) : key);
		}
		return converted;
	}

	private List<String> acceptedArguments() {
		List<String> names = new ArrayList<>(this.arguments.fieldNames());
		if (this.keys != null) {
			names.remove(this.keys.name());
		}
		return names;
	}

	// ---- reply

	/**
	 * The declared exception the result holds, or {@code null} if the call succeeded.
	 * @param result the result struct as JSON
	 */
	DeclaredException declaredException(Map<String, Object> result) {
		for (Field field : this.result.fields()) {
			if (field != this.success && result.get(field.name()) instanceof Map<?, ?> fields) {
				@SuppressWarnings("unchecked")
				Map<String, Object> members = (Map<String, Object>) fields;
				return new DeclaredException(ThriftIdl.simpleName(((StructType) field.type()).name()), members);
			}
		}
		return null;
	}

	/**
	 * The function's return value as JSON: {@code null} for a void function.
	 * @param result the result struct as JSON
	 * @throws BackendException ({@code INTERNAL}) if a non-void function returned nothing
	 */
	Object returnValue(Map<String, Object> result) {
		if (this.success == null) {
			return null;
		}
		Object value = result.get(this.success.name());
		if (value == null) {
			throw new BackendException(BusStatus.INTERNAL, describe() + " returned no result");
		}
		return value;
	}

	/**
	 * The reply's items from the method's return value converted to JSON.
	 * @throws BackendException ({@code INTERNAL}) if the value does not have the shape the route
	 * expects
	 */
	List<Object> items(BusRequest request, Object value) {
		Object found = (this.itemsField != null) ? member(value, this.itemsField, "the result") : value;
		if (!request.isKeyed()) {
			List<Object> single = new ArrayList<>(1);
			single.add(itemValue(found));
			return single;
		}
		if (!(found instanceof List<?> list)) {
			throw internal(describe() + " answered " + ThriftJsonMapper.describe(found)
					+ " for keys, expected a list");
		}
		List<Object> items = new ArrayList<>(request.keys().size());
		if (this.itemKeyField != null) {
			Map<String, Object> byKey = new HashMap<>();
			for (Object item : list) {
				Object key = (item != null) ? member(item, this.itemKeyField, "an item") : null;
				if (key != null) {
					byKey.putIfAbsent(String.valueOf(key), item);
				}
			}
			for (Object key : request.keys()) {
				items.add(itemValue(byKey.get(String.valueOf(key))));
			}
			return items;
		}
		if (list.size() != request.keys().size()) {
			throw internal(describe() + " answered " + list.size() + " items for " + request.keys().size()
					+ " keys; set item-key-field to match items to keys by a field");
		}
		list.forEach((item) -> items.add(itemValue(item)));
		return items;
	}

	private Object itemValue(Object item) {
		return (this.itemValueField != null && item != null) ? member(item, this.itemValueField, "an item") : item;
	}

	private Object member(Object json, String name, String what) {
		if (!(json instanceof Map<?, ?> members)) {
			throw internal(describe() + ": " + what + " is " + ThriftJsonMapper.describe(json) + ", not a struct with '"
					+ name + "'");
		}
		return members.get(name);
	}

	// ---- compiling

	private Field argument(String name, String setting) {
		Field field = this.arguments.field(name);
		if (field == null) {
			throw new IllegalArgumentException(where() + setting + " '" + name + "' is no argument of " + this.method
					+ ", its arguments are " + this.arguments.fieldNames());
		}
		return field;
	}

	private Field singleStructArgument() {
		List<Field> others = new ArrayList<>();
		for (Field field : this.arguments.fields()) {
			if (field != this.keys) {
				others.add(field);
			}
		}
		if (others.size() != 1 || !(others.get(0).type() instanceof StructType)) {
			throw new IllegalArgumentException(where() + "args-field needs a method with a single struct argument"
					+ ((this.keys != null) ? " besides the keys" : "") + ", " + this.method + " takes "
					+ others.stream().map((f) -> f.name() + ": " + f.type().idlName()).toList());
		}
		return others.get(0);
	}

	private Field idempotencyKey(String name) {
		StructDef owner = (this.argsTarget != null) ? structOf(this.argsTarget) : this.arguments;
		Field field = owner.field(name);
		if (field == null || field.type() != BaseType.STRING) {
			throw new IllegalArgumentException(where() + "idempotency-key-field '" + name + "' must be a string field of "
					+ owner.simpleName() + ", its fields are " + owner.fieldNames());
		}
		return field;
	}

	/** Checks the item settings against the declared result type. */
	private void checkItemFields() {
		if (this.itemKeyField != null && this.keys == null) {
			throw new IllegalArgumentException(where() + "item-key-field needs keys-field: keyless calls answer one item");
		}
		ThriftType value = (this.success != null) ? this.success.type() : null;
		if (this.itemsField != null) {
			value = structField(value, this.itemsField, "items-field").type();
		}
		if (this.keys != null) {
			if (!(value instanceof ListType) && !(value instanceof SetType)) {
				throw new IllegalArgumentException(where() + "a keyed route needs a list or set result"
						+ ((this.itemsField == null) ? " (or items-field naming one)" : "") + ", " + this.method
						+ " answers " + ((value != null) ? value.idlName() : "void"));
			}
			value = (value instanceof ListType list) ? list.element() : ((SetType) value).element();
			if (this.itemKeyField != null) {
				structField(value, this.itemKeyField, "item-key-field");
			}
		}
		if (this.itemValueField != null) {
			structField(value, this.itemValueField, "item-value-field");
		}
	}

	private Field structField(ThriftType type, String name, String setting) {
		if (!(type instanceof StructType struct)) {
			throw new IllegalArgumentException(where() + setting + " '" + name + "' needs a struct, " + this.method
					+ " gives " + ((type != null) ? type.idlName() : "void"));
		}
		StructDef owner = this.idl.struct(struct);
		Field field = owner.field(name);
		if (field == null) {
			throw new IllegalArgumentException(where() + setting + " '" + name + "' is no field of "
					+ owner.simpleName() + ", its fields are " + owner.fieldNames());
		}
		return field;
	}

	private StructDef structOf(Field field) {
		return this.idl.struct((StructType) field.type());
	}

	private String where() {
		return "route " + this.operation + ": ";
	}

	private static BackendException invalid(String message) {
		return new BackendException(BusStatus.INVALID_ARGUMENT, message);
	}

	private static BackendException internal(String message) {
		return new BackendException(BusStatus.INTERNAL, message);
	}

	/**
	 * A declared exception a function answered.
	 *
	 * @param name the exception's name in the IDL
	 * @param fields its fields as JSON
	 */
	record DeclaredException(String name, Map<String, Object> fields) {

	}

}

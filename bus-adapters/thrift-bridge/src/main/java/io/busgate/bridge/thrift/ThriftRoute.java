package io.busgate.bridge.thrift;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bridge.JsonRoute;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.observability.thrift.ThriftTraceContext;
import io.busgate.thrift.idl.ThriftIdl;
import io.busgate.thrift.idl.ThriftIdl.BaseType;
import io.busgate.thrift.idl.ThriftIdl.Field;
import io.busgate.thrift.idl.ThriftIdl.Function;
import io.busgate.thrift.idl.ThriftIdl.ListType;
import io.busgate.thrift.idl.ThriftIdl.Service;
import io.busgate.thrift.idl.ThriftIdl.SetType;
import io.busgate.thrift.idl.ThriftIdl.StructDef;
import io.busgate.thrift.idl.ThriftIdl.StructType;
import io.busgate.thrift.idl.ThriftIdl.ThriftType;

/**
 * A route ({@link BridgeProperties.Route}, {@code call} = the service method's name) compiled
 * against the service's IDL. The request's JSON and the reply's items are bridge-core's
 * ({@link JsonRoute}); this class converts that JSON to the method's arguments and reads its
 * result: declared exceptions, void results, the return value. Every field the route names is
 * checked against the IDL when the bridge starts, so a typo fails the start, not a request.
 *
 * <p>Immutable and thread-safe.
 */
final class ThriftRoute {

	private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,20}");

	private final JsonRoute json;

	private final String method;

	private final ThriftIdl idl;

	private final StructDef arguments;

	private final StructDef result;

	private final Field keys;

	private final Field argsTarget;

	private final Field success;

	/**
	 * @throws IllegalArgumentException if the route does not fit the IDL or its settings
	 * contradict each other
	 */
	ThriftRoute(String operation, BridgeProperties.Route config, ThriftIdl idl, Service service) {
		this.json = new JsonRoute(operation, config);
		this.method = config.call();
		this.idl = idl;
		Map<String, Function> functions = idl.functions(service);
		Function function = functions.get(this.method);
		if (function == null) {
			throw new IllegalArgumentException(where() + "service " + service.simpleName() + " has no method '"
					+ this.method + "'; its methods are " + functions.keySet().stream().sorted().toList());
		}
		if (function.oneway()) {
			throw new IllegalArgumentException(where() + service.simpleName() + "." + this.method
					+ " is oneway: it answers nothing a reply could carry");
		}
		this.arguments = function.arguments();
		checkNoReservedIds();
		this.result = function.result();
		this.keys = (config.keysField() != null) ? argument(config.keysField(), "keys-field") : null;
		if (this.keys != null && !(this.keys.type() instanceof ListType) && !(this.keys.type() instanceof SetType)) {
			throw new IllegalArgumentException(where() + "keys-field '" + config.keysField() + "' must be a list or"
					+ " set, is " + this.keys.type().idlName());
		}
		this.argsTarget = (config.argsField() != null) ? singleStructArgument() : null;
		if (config.idempotencyKeyField() != null) {
			checkIdempotencyKey(config.idempotencyKeyField());
		}
		this.success = this.result.field(Function.SUCCESS_ID);
		checkItemFields(config);
	}

	String method() {
		return this.method;
	}

	/** How to name the call in messages. */
	String describe() {
		return this.json.describe();
	}

	// ---- request

	/**
	 * The method's arguments for a request, as {@link ThriftWire} writes them.
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the request does not fit the route
	 * or the method's argument types
	 */
	Map<String, Object> arguments(BusRequest request, ThriftJsonMapper mapper) {
		Map<String, Object> fields = this.json.arguments(request);
		Map<String, Object> args = new HashMap<>();
		if (this.argsTarget != null) {
			String argsField = this.json.config().argsField();
			args.put(this.argsTarget.name(), mapper.toStruct(structOf(this.argsTarget), fields, "args." + argsField));
		}
		else {
			fields.forEach((name, value) -> {
				Field field = this.arguments.field(name);
				if (field == null) {
					throw new BackendException(BusStatus.INVALID_ARGUMENT, "args." + name + ": unknown argument of "
							+ describe() + ", it takes " + acceptedArguments());
				}
				if (value != null) {
					args.put(name, mapper.toThrift(field.type(), value, "args." + name));
				}
			});
		}
		if (this.keys != null) {
			args.put(this.keys.name(), mapper.toThrift(this.keys.type(), keys(request.keys()), "keys"));
		}
		mapper.checkRequired(this.arguments, args, "args");
		return args;
	}

	/** The call of the method with these arguments. */
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
	 * The method's return value as JSON: {@code null} for a void method.
	 * @param result the result struct as JSON
	 * @throws BackendException ({@code INTERNAL}) if a non-void method returned nothing
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
	 * The reply's items from the method's return value as JSON ({@link JsonRoute#items}).
	 * @throws BackendException ({@code INTERNAL}) if the value does not have the shape the route
	 * expects
	 */
	List<Object> items(BusRequest request, Object value) {
		return this.json.items(request, value);
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

	/** The bridge writes the trace context and principal into the arguments at these ids. */
	private void checkNoReservedIds() {
		for (Field argument : this.arguments.fields()) {
			short id = argument.id();
			if (id == ThriftTraceContext.TRACEPARENT_FIELD || id == ThriftTraceContext.TRACESTATE_FIELD
					|| id == ThriftTraceContext.PRINCIPAL_FIELD) {
				throw new IllegalArgumentException(where() + "argument id " + id + " of " + this.method + " is reserved"
						+ " for the trace context and principal (" + (Short.MAX_VALUE - 2) + ".." + Short.MAX_VALUE + ")");
			}
		}
	}

	private void checkIdempotencyKey(String name) {
		StructDef owner = (this.argsTarget != null) ? structOf(this.argsTarget) : this.arguments;
		Field field = owner.field(name);
		if (field == null || field.type() != BaseType.STRING) {
			throw new IllegalArgumentException(where() + "idempotency-key-field '" + name + "' must be a string field of "
					+ owner.simpleName() + ", its fields are " + owner.fieldNames());
		}
	}

	/** Checks the item settings against the declared result type. */
	private void checkItemFields(BridgeProperties.Route config) {
		ThriftType value = (this.success != null) ? this.success.type() : null;
		if (config.itemsField() != null) {
			value = structField(value, config.itemsField(), "items-field").type();
		}
		if (this.keys != null) {
			if (!(value instanceof ListType) && !(value instanceof SetType)) {
				throw new IllegalArgumentException(where() + "a keyed route needs a list or set result"
						+ ((config.itemsField() == null) ? " (or items-field naming one)" : "") + ", " + this.method
						+ " answers " + ((value != null) ? value.idlName() : "void"));
			}
			value = (value instanceof ListType list) ? list.element() : ((SetType) value).element();
			if (config.itemKeyField() != null) {
				structField(value, config.itemKeyField(), "item-key-field");
			}
		}
		if (config.itemValueField() != null) {
			structField(value, config.itemValueField(), "item-value-field");
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
		return "route " + this.json.operation() + ": ";
	}

	/**
	 * A declared exception a method answered.
	 *
	 * @param name the exception's name in the IDL
	 * @param fields its fields as JSON
	 */
	record DeclaredException(String name, Map<String, Object> fields) {

	}

}

package io.busgate.bridge.thrift;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.meta_data.FieldValueMetaData;
import org.apache.thrift.meta_data.ListMetaData;
import org.apache.thrift.meta_data.SetMetaData;
import org.apache.thrift.meta_data.StructMetaData;
import org.apache.thrift.protocol.TType;

import io.busgate.bridge.BackendException;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;

/**
 * A configured route, compiled against the generated classes of the service: which method an
 * operation calls, how a request becomes the method's arguments and how its result becomes the
 * reply's items (see {@link ThriftBridgeProperties.Route}). Every field the route names is
 * checked when the bridge starts, so a typo fails the start, not a request.
 *
 * <p>Immutable and thread-safe.
 */
final class ThriftRoute {

	private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,20}");

	/** The field of a generated {@code <method>_result} holding the return value. */
	private static final String SUCCESS = "success";

	private final String operation;

	private final String method;

	private final ThriftStructType arguments;

	private final ThriftStructType result;

	private final ThriftStructType.Field keys;

	private final String argsArgument;

	private final ThriftStructType.Field argsTarget;

	private final ThriftStructType.Field idempotencyKey;

	private final ThriftStructType.Field success;

	private final String itemsField;

	private final String itemKeyField;

	private final String itemValueField;

	ThriftRoute(String operation, ThriftBridgeProperties.Route route, Class<?> service) {
		this.operation = operation;
		this.method = route.method();
		this.arguments = ThriftStructType.of(nested(service, route.method() + "_args"));
		Class<?> resultClass = nestedOrNull(service, route.method() + "_result");
		if (resultClass == null) {
			throw new IllegalArgumentException(where() + service.getSimpleName() + "." + this.method
					+ " is oneway: it answers nothing a reply could carry");
		}
		this.result = ThriftStructType.of(resultClass);
		this.keys = (route.keysField() != null) ? argument(route.keysField(), "keys-field") : null;
		if (this.keys != null && this.keys.value().type != TType.LIST && this.keys.value().type != TType.SET) {
			throw new IllegalArgumentException(where() + "keys-field '" + route.keysField() + "' must be a list or"
					+ " set, is " + ThriftJsonMapper.typeName(this.keys.value()));
		}
		this.argsArgument = route.argsField();
		this.argsTarget = (route.argsField() != null) ? singleStructArgument() : null;
		this.idempotencyKey = (route.idempotencyKeyField() != null) ? idempotencyKey(route.idempotencyKeyField())
				: null;
		this.success = this.result.field(SUCCESS);
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
	 * The method's arguments for a request.
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the request does not fit the route
	 * or the method's argument types
	 */
	TBase<?, ?> arguments(BusRequest request, ThriftJsonMapper mapper) {
		TBase<?, ?> args = this.arguments.newInstance();
		if (this.keys != null) {
			if (!request.isKeyed()) {
				throw invalid(describe() + " needs keys (they become argument '" + this.keys.name()
						+ "'), the request has none");
			}
			ThriftJsonMapper.set(args, this.keys, mapper.toThrift(this.keys.value(), keys(request.keys()), "keys"));
		}
		else if (request.isKeyed()) {
			throw invalid(describe() + " is keyless, the request has keys");
		}
		TBase<?, ?> idempotencyTarget = args;
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
			idempotencyTarget = mapper.toStruct(ThriftStructType.of(structClassOf(this.argsTarget)), value,
					"args." + this.argsArgument);
			ThriftJsonMapper.set(args, this.argsTarget, idempotencyTarget);
		}
		else {
			request.args().forEach((name, value) -> {
				ThriftStructType.Field field = this.arguments.field(name);
				if (field == null || field == this.keys) {
					throw invalid("args." + name + ": unknown argument of " + describe() + ", it takes "
							+ acceptedArguments());
				}
				if (value != null) {
					ThriftJsonMapper.set(args, field, mapper.toThrift(field.value(), value, "args." + name));
				}
			});
		}
		if (this.idempotencyKey != null && request.headers().idempotencyKey() != null) {
			ThriftJsonMapper.set(idempotencyTarget, this.idempotencyKey, request.headers().idempotencyKey());
		}
		mapper.checkRequired(this.arguments, args, "args");
		return args;
	}

	/**
	 * The keys as the keys field takes them: GraphQL IDs are strings, so a string holding an
	 * integer becomes that integer for integer elements.
	 */
	private List<Object> keys(List<Object> keys) {
		FieldValueMetaData container = this.keys.value();
		FieldValueMetaData element = (container instanceof ListMetaData list) ? list.elemMetaData
				: ((SetMetaData) container).elemMetaData;
		if (element.type != TType.BYTE && element.type != TType.I16 && element.type != TType.I32
				&& element.type != TType.I64) {
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

	/** A new, empty result struct for the call to read into. */
	TBase<?, ?> newResult() {
		return this.result.newInstance();
	}

	/** The declared exception the result holds, or {@code null} if the call succeeded. */
	TException declaredException(TBase<?, ?> result) {
		for (ThriftStructType.Field field : this.result.fields()) {
			if (field != this.success && ThriftJsonMapper.isSet(result, field)) {
				return (TException) ThriftJsonMapper.get(result, field);
			}
		}
		return null;
	}

	/**
	 * The method's return value: {@code null} for a void method.
	 * @throws BackendException ({@code INTERNAL}) if a non-void method returned nothing
	 */
	Object returnValue(TBase<?, ?> result) {
		if (this.success == null) {
			return null;
		}
		if (!ThriftJsonMapper.isSet(result, this.success)) {
			throw new BackendException(BusStatus.INTERNAL, describe() + " returned no result");
		}
		return ThriftJsonMapper.get(result, this.success);
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

	private ThriftStructType.Field argument(String name, String setting) {
		ThriftStructType.Field field = this.arguments.field(name);
		if (field == null) {
			throw new IllegalArgumentException(where() + setting + " '" + name + "' is no argument of " + this.method
					+ ", its arguments are " + this.arguments.fieldNames());
		}
		return field;
	}

	private ThriftStructType.Field singleStructArgument() {
		List<ThriftStructType.Field> others = new ArrayList<>();
		for (ThriftStructType.Field field : this.arguments.fields()) {
			if (field != this.keys) {
				others.add(field);
			}
		}
		if (others.size() != 1 || !(others.get(0).value() instanceof StructMetaData)) {
			throw new IllegalArgumentException(where() + "args-field needs a method with a single struct argument"
					+ ((this.keys != null) ? " besides the keys" : "") + ", " + this.method + " takes "
					+ others.stream().map((f) -> f.name() + ": " + ThriftJsonMapper.typeName(f.value())).toList());
		}
		return others.get(0);
	}

	private ThriftStructType.Field idempotencyKey(String name) {
		ThriftStructType owner = (this.argsTarget != null) ? ThriftStructType.of(structClassOf(this.argsTarget))
				: this.arguments;
		ThriftStructType.Field field = owner.field(name);
		if (field == null || field.value().type != TType.STRING || field.value().isBinary()) {
			throw new IllegalArgumentException(where() + "idempotency-key-field '" + name + "' must be a string field of "
					+ owner.name() + ", its fields are " + owner.fieldNames());
		}
		return field;
	}

	/** Checks the item settings against the declared result type, as far as it is known. */
	private void checkItemFields() {
		if (this.itemKeyField != null && this.keys == null) {
			throw new IllegalArgumentException(where() + "item-key-field needs keys-field: keyless calls answer one item");
		}
		FieldValueMetaData value = (this.success != null) ? this.success.value() : null;
		if (this.itemsField != null) {
			value = structField(value, this.itemsField, "items-field").value();
		}
		if (this.keys != null) {
			if (value == null || (value.type != TType.LIST && value.type != TType.SET)) {
				throw new IllegalArgumentException(where() + "a keyed route needs a list or set result"
						+ ((this.itemsField == null) ? " (or items-field naming one)" : "") + ", " + this.method
						+ " answers " + ((value != null) ? ThriftJsonMapper.typeName(value) : "void"));
			}
			value = (value instanceof ListMetaData list) ? list.elemMetaData : ((SetMetaData) value).elemMetaData;
			if (this.itemKeyField != null) {
				structField(value, this.itemKeyField, "item-key-field");
			}
		}
		if (this.itemValueField != null) {
			structField(value, this.itemValueField, "item-value-field");
		}
	}

	private ThriftStructType.Field structField(FieldValueMetaData type, String name, String setting) {
		if (!(type instanceof StructMetaData struct)) {
			throw new IllegalArgumentException(where() + setting + " '" + name + "' needs a struct, " + this.method
					+ " gives " + ((type != null) ? ThriftJsonMapper.typeName(type) : "void"));
		}
		ThriftStructType owner = ThriftStructType.of(struct.structClass);
		ThriftStructType.Field field = owner.field(name);
		if (field == null) {
			throw new IllegalArgumentException(where() + setting + " '" + name + "' is no field of " + owner.name()
					+ ", its fields are " + owner.fieldNames());
		}
		return field;
	}

	private static Class<?> structClassOf(ThriftStructType.Field field) {
		return ((StructMetaData) field.value()).structClass;
	}

	private String where() {
		return "route " + this.operation + ": ";
	}

	private Class<?> nested(Class<?> service, String name) {
		Class<?> found = nestedOrNull(service, name);
		if (found == null) {
			throw new IllegalArgumentException(where() + service.getName() + " has no method '" + this.method
					+ "'; its methods are " + methodsOf(service));
		}
		return found;
	}

	private static Class<?> nestedOrNull(Class<?> service, String name) {
		return Arrays.stream(service.getClasses())
			.filter((nested) -> nested.getSimpleName().equals(name))
			.findFirst()
			.orElse(null);
	}

	private static List<String> methodsOf(Class<?> service) {
		return Arrays.stream(service.getClasses())
			.map(Class::getSimpleName)
			.filter((name) -> name.endsWith("_args"))
			.map((name) -> name.substring(0, name.length() - "_args".length()))
			.sorted()
			.toList();
	}

	private static BackendException invalid(String message) {
		return new BackendException(BusStatus.INVALID_ARGUMENT, message);
	}

	private static BackendException internal(String message) {
		return new BackendException(BusStatus.INTERNAL, message);
	}

}

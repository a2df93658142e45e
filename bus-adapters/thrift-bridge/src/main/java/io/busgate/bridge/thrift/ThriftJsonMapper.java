package io.busgate.bridge.thrift;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.thrift.TBase;
import org.apache.thrift.TEnum;
import org.apache.thrift.TUnion;
import org.apache.thrift.meta_data.EnumMetaData;
import org.apache.thrift.meta_data.FieldValueMetaData;
import org.apache.thrift.meta_data.ListMetaData;
import org.apache.thrift.meta_data.MapMetaData;
import org.apache.thrift.meta_data.SetMetaData;
import org.apache.thrift.meta_data.StructMetaData;
import org.apache.thrift.protocol.TType;

import io.busgate.bridge.BackendException;
import io.busgate.bus.BusStatus;

/**
 * Converts between JSON values (as decoded from bus records: maps, lists, strings, numbers,
 * booleans, {@code null}) and the values of generated Thrift classes, driven by the classes'
 * field metadata. Nothing here knows any particular service.
 *
 * <p>JSON to Thrift is strict, since it checks what callers send: an unknown field, a value of
 * the wrong JSON type, an integer out of range or with a fraction, an unknown enum name, a
 * {@code null} inside a container, a missing required field, all fail with
 * {@link BusStatus#INVALID_ARGUMENT} and a message naming the path, e.g.
 * {@code args.input.body: expected string, was number 5}. A {@code null} or absent field stays
 * unset.
 *
 * <table>
 * <caption>Value mapping</caption>
 * <tr><th>Thrift</th><th>JSON</th></tr>
 * <tr><td>bool</td><td>boolean</td></tr>
 * <tr><td>byte, i16, i32, i64</td><td>integral number in range</td></tr>
 * <tr><td>double</td><td>number</td></tr>
 * <tr><td>string; uuid</td><td>string</td></tr>
 * <tr><td>binary</td><td>base64 string</td></tr>
 * <tr><td>enum</td><td>constant name (an integral number is accepted as its value)</td></tr>
 * <tr><td>struct, exception</td><td>object of the Thrift field names</td></tr>
 * <tr><td>union</td><td>object with exactly one member</td></tr>
 * <tr><td>list, set</td><td>array</td></tr>
 * <tr><td>map</td><td>object; keys are strings holding the key type's value</td></tr>
 * </table>
 *
 * <p>Thread-safe and stateless.
 */
final class ThriftJsonMapper {

	private static final int MAX_SHOWN_VALUE = 60;

	/**
	 * A struct of the given type from a JSON object.
	 * @param path where the value is in the request, for messages, e.g. {@code args.input}
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the value does not fit the type
	 */
	TBase<?, ?> toStruct(ThriftStructType type, Object json, String path) {
		if (!(json instanceof Map<?, ?> members)) {
			throw invalid(path + ": expected an object for " + type.name() + ", was " + describe(json));
		}
		TBase<?, ?> struct = type.newInstance();
		int set = 0;
		for (Map.Entry<?, ?> member : members.entrySet()) {
			String name = String.valueOf(member.getKey());
			ThriftStructType.Field field = type.field(name);
			if (field == null) {
				throw invalid(path + "." + name + ": unknown field of " + type.name() + ", known fields are "
						+ type.fieldNames());
			}
			if (member.getValue() != null) {
				set(struct, field, toThrift(field.value(), member.getValue(), path + "." + name));
				set++;
			}
		}
		if (struct instanceof TUnion<?, ?> && set != 1) {
			throw invalid(path + ": union " + type.name() + " takes exactly one of " + type.fieldNames() + ", got "
					+ set);
		}
		checkRequired(type, struct, path);
		return struct;
	}

	/** Fails if a required field of the struct is not set. */
	void checkRequired(ThriftStructType type, TBase<?, ?> struct, String path) {
		for (ThriftStructType.Field field : type.fields()) {
			if (field.isRequired() && !isSet(struct, field)) {
				throw invalid(path + "." + field.name() + ": required field of " + type.name() + " is missing");
			}
		}
	}

	/**
	 * The Thrift value of a JSON value.
	 * @param path where the value is in the request, for messages
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the value does not fit the type
	 */
	Object toThrift(FieldValueMetaData type, Object json, String path) {
		if (json == null) {
			throw invalid(path + ": expected " + typeName(type) + ", was null");
		}
		return switch (type.type) {
			case TType.BOOL -> {
				if (!(json instanceof Boolean)) {
					throw mismatch(type, json, path);
				}
				yield json;
			}
			case TType.BYTE -> (byte) integral(type, json, path, Byte.MIN_VALUE, Byte.MAX_VALUE);
			case TType.I16 -> (short) integral(type, json, path, Short.MIN_VALUE, Short.MAX_VALUE);
			case TType.I32 -> (int) integral(type, json, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
			case TType.I64 -> integral(type, json, path, Long.MIN_VALUE, Long.MAX_VALUE);
			case TType.DOUBLE -> {
				if (!(json instanceof Number number)) {
					throw mismatch(type, json, path);
				}
				yield number.doubleValue();
			}
			case TType.STRING -> type.isBinary() ? binary(type, json, path) : string(type, json, path);
			case TType.UUID -> uuid(type, json, path);
			case TType.ENUM -> enumConstant(type, json, path);
			case TType.STRUCT -> toStruct(ThriftStructType.of(structClass(type, path)), json, path);
			case TType.LIST -> elements(((ListMetaData) type).elemMetaData, type, json, path, new ArrayList<>());
			case TType.SET -> elements(((SetMetaData) type).elemMetaData, type, json, path, new LinkedHashSet<>());
			case TType.MAP -> map((MapMetaData) type, json, path);
			default -> throw new IllegalStateException(path + ": unsupported Thrift type " + type.type);
		};
	}

	/**
	 * The JSON value of a Thrift value: structs become maps of field name to value (unset fields
	 * {@code null}), containers lists and maps, enums their names, binaries base64 text.
	 */
	Object toJson(Object value) {
		if (value == null || value instanceof Boolean || value instanceof Number || value instanceof String) {
			return value;
		}
		if (value instanceof TBase<?, ?> struct) {
			ThriftStructType type = ThriftStructType.of(struct.getClass());
			Map<String, Object> json = new LinkedHashMap<>();
			for (ThriftStructType.Field field : type.fields()) {
				json.put(field.name(), isSet(struct, field) ? toJson(get(struct, field)) : null);
			}
			return json;
		}
		if (value instanceof Collection<?> elements) {
			List<Object> json = new ArrayList<>(elements.size());
			elements.forEach((element) -> json.add(toJson(element)));
			return json;
		}
		if (value instanceof Map<?, ?> entries) {
			Map<String, Object> json = new LinkedHashMap<>();
			entries.forEach((key, entry) -> json.put(String.valueOf(toJson(key)), toJson(entry)));
			return json;
		}
		if (value instanceof Enum<?> constant) {
			return constant.name();
		}
		if (value instanceof ByteBuffer buffer) {
			ByteBuffer copy = buffer.duplicate();
			byte[] bytes = new byte[copy.remaining()];
			copy.get(bytes);
			return Base64.getEncoder().encodeToString(bytes);
		}
		if (value instanceof byte[] bytes) {
			return Base64.getEncoder().encodeToString(bytes);
		}
		if (value instanceof UUID uuid) {
			return uuid.toString();
		}
		throw new IllegalStateException("no JSON form for a " + value.getClass().getName());
	}

	/** The IDL name of a type, for messages: {@code list<string>}, {@code struct Inner}. */
	static String typeName(FieldValueMetaData type) {
		return switch (type.type) {
			case TType.BOOL -> "bool";
			case TType.BYTE -> "byte";
			case TType.I16 -> "i16";
			case TType.I32 -> "i32";
			case TType.I64 -> "i64";
			case TType.DOUBLE -> "double";
			case TType.STRING -> type.isBinary() ? "binary" : "string";
			case TType.UUID -> "uuid";
			case TType.ENUM -> (type instanceof EnumMetaData e) ? "enum " + e.enumClass.getSimpleName() : "enum";
			case TType.STRUCT -> (type instanceof StructMetaData s) ? "struct " + s.structClass.getSimpleName()
					: "struct " + type.getTypedefName();
			case TType.LIST -> "list<" + typeName(((ListMetaData) type).elemMetaData) + ">";
			case TType.SET -> "set<" + typeName(((SetMetaData) type).elemMetaData) + ">";
			case TType.MAP -> "map<" + typeName(((MapMetaData) type).keyMetaData) + ","
					+ typeName(((MapMetaData) type).valueMetaData) + ">";
			default -> "type " + type.type;
		};
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	static void set(TBase<?, ?> struct, ThriftStructType.Field field, Object value) {
		((TBase) struct).setFieldValue(field.id(), value);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	static boolean isSet(TBase<?, ?> struct, ThriftStructType.Field field) {
		return ((TBase) struct).isSet(field.id());
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	static Object get(TBase<?, ?> struct, ThriftStructType.Field field) {
		return ((TBase) struct).getFieldValue(field.id());
	}

	// ---- JSON to Thrift

	private static long integral(FieldValueMetaData type, Object json, String path, long min, long max) {
		if (!(json instanceof Number number)) {
			throw mismatch(type, json, path);
		}
		BigDecimal exact = exactValue(number);
		if (exact == null || exact.stripTrailingZeros().scale() > 0) {
			throw invalid(path + ": expected " + typeName(type) + ", an integer, was " + describe(json));
		}
		if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
			throw invalid(path + ": " + exact.toPlainString() + " is out of range for " + typeName(type) + " (" + min
					+ ".." + max + ")");
		}
		return exact.longValueExact();
	}

	/** The exact value of a JSON number, or {@code null} for NaN and infinities. */
	private static BigDecimal exactValue(Number number) {
		if (number instanceof BigDecimal decimal) {
			return decimal;
		}
		if (number instanceof BigInteger integer) {
			return new BigDecimal(integer);
		}
		if (number instanceof Double || number instanceof Float) {
			double value = number.doubleValue();
			return (Double.isNaN(value) || Double.isInfinite(value)) ? null : BigDecimal.valueOf(value);
		}
		return BigDecimal.valueOf(number.longValue());
	}

	private static String string(FieldValueMetaData type, Object json, String path) {
		if (!(json instanceof String text)) {
			throw mismatch(type, json, path);
		}
		return text;
	}

	private static ByteBuffer binary(FieldValueMetaData type, Object json, String path) {
		try {
			return ByteBuffer.wrap(Base64.getDecoder().decode(string(type, json, path)));
		}
		catch (IllegalArgumentException ex) {
			throw invalid(path + ": expected binary as base64 text, was " + describe(json));
		}
	}

	private static UUID uuid(FieldValueMetaData type, Object json, String path) {
		try {
			return UUID.fromString(string(type, json, path));
		}
		catch (IllegalArgumentException ex) {
			throw invalid(path + ": expected a uuid, was " + describe(json));
		}
	}

	private static Object enumConstant(FieldValueMetaData type, Object json, String path) {
		if (!(type instanceof EnumMetaData enumType)) {
			throw new IllegalStateException(path + ": enum without its class in the metadata");
		}
		TEnum[] constants = enumType.enumClass.getEnumConstants();
		if (json instanceof String name) {
			for (TEnum constant : constants) {
				if (((Enum<?>) constant).name().equals(name)) {
					return constant;
				}
			}
		}
		else if (json instanceof Number) {
			long value = integral(type, json, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
			for (TEnum constant : constants) {
				if (constant.getValue() == value) {
					return constant;
				}
			}
		}
		else {
			throw mismatch(type, json, path);
		}
		List<String> names = new ArrayList<>();
		for (TEnum constant : constants) {
			names.add(((Enum<?>) constant).name());
		}
		throw invalid(path + ": " + describe(json) + " is not a constant of " + typeName(type) + ", expected one of "
				+ names);
	}

	private static Class<?> structClass(FieldValueMetaData type, String path) {
		if (type instanceof StructMetaData struct) {
			return struct.structClass;
		}
		// The generated metadata of a field typed by a typedef of a struct names the typedef only.
		throw new IllegalStateException(path + ": " + typeName(type)
				+ " is a typedef of a struct, which the generated metadata does not resolve; use the struct type");
	}

	private <C extends Collection<Object>> C elements(FieldValueMetaData elementType, FieldValueMetaData type,
			Object json, String path, C target) {
		if (!(json instanceof List<?> elements)) {
			throw mismatch(type, json, path);
		}
		for (int k = 0; k < elements.size(); k++) {
			target.add(toThrift(elementType, elements.get(k), path + "[" + k + "]"));
		}
		return target;
	}

	private Map<Object, Object> map(MapMetaData type, Object json, String path) {
		if (!(json instanceof Map<?, ?> entries)) {
			throw mismatch(type, json, path);
		}
		Map<Object, Object> map = new LinkedHashMap<>();
		for (Map.Entry<?, ?> entry : entries.entrySet()) {
			String key = String.valueOf(entry.getKey());
			String entryPath = path + "[" + quote(key) + "]";
			map.put(mapKey(type.keyMetaData, key, entryPath), toThrift(type.valueMetaData, entry.getValue(), entryPath));
		}
		return map;
	}

	/** A map key from its JSON object member name. */
	private Object mapKey(FieldValueMetaData type, String key, String path) {
		Object json = switch (type.type) {
			case TType.BYTE, TType.I16, TType.I32, TType.I64 -> {
				try {
					yield Long.parseLong(key);
				}
				catch (NumberFormatException ex) {
					throw invalid(path + ": map key " + quote(key) + " is not an integer for " + typeName(type));
				}
			}
			case TType.DOUBLE -> {
				try {
					yield Double.parseDouble(key);
				}
				catch (NumberFormatException ex) {
					throw invalid(path + ": map key " + quote(key) + " is not a number");
				}
			}
			case TType.BOOL -> switch (key) {
				case "true" -> Boolean.TRUE;
				case "false" -> Boolean.FALSE;
				default -> throw invalid(path + ": map key " + quote(key) + " is not true or false");
			};
			case TType.STRING, TType.UUID, TType.ENUM -> key;
			default -> throw invalid(path + ": map keys of type " + typeName(type) + " cannot be given in JSON");
		};
		return toThrift(type, json, path);
	}

	private static BackendException mismatch(FieldValueMetaData type, Object json, String path) {
		return invalid(path + ": expected " + typeName(type) + ", was " + describe(json));
	}

	private static BackendException invalid(String message) {
		return new BackendException(BusStatus.INVALID_ARGUMENT, message);
	}

	/** A JSON value's type and a short form of it, for messages: {@code string "ten"}. */
	static String describe(Object json) {
		if (json == null) {
			return "null";
		}
		if (json instanceof String text) {
			return "string " + quote(text);
		}
		if (json instanceof Number) {
			return "number " + json;
		}
		if (json instanceof Boolean) {
			return "boolean " + json;
		}
		if (json instanceof Map<?, ?>) {
			return "an object";
		}
		if (json instanceof List<?>) {
			return "an array";
		}
		return json.getClass().getSimpleName();
	}

	private static String quote(String text) {
		String shown = (text.length() > MAX_SHOWN_VALUE) ? text.substring(0, MAX_SHOWN_VALUE) + "..." : text;
		return "\"" + shown + "\"";
	}

}

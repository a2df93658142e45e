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

import io.busgate.bridge.BackendException;
import io.busgate.bus.BusStatus;
import io.busgate.thrift.idl.ThriftIdl;
import io.busgate.thrift.idl.ThriftIdl.BaseType;
import io.busgate.thrift.idl.ThriftIdl.EnumType;
import io.busgate.thrift.idl.ThriftIdl.Field;
import io.busgate.thrift.idl.ThriftIdl.ListType;
import io.busgate.thrift.idl.ThriftIdl.MapType;
import io.busgate.thrift.idl.ThriftIdl.SetType;
import io.busgate.thrift.idl.ThriftIdl.StructDef;
import io.busgate.thrift.idl.ThriftIdl.StructKind;
import io.busgate.thrift.idl.ThriftIdl.StructType;
import io.busgate.thrift.idl.ThriftIdl.ThriftType;

/**
 * Converts JSON values (as decoded from bus records: maps, lists, strings, numbers, booleans,
 * {@code null}) to Thrift values of the types an IDL declares, which {@link ThriftWire} writes.
 * Nothing here knows any particular service.
 *
 * <p>It is strict, since it checks what callers send: an unknown field, a value of the wrong
 * JSON type, an integer out of range or with a fraction, an unknown enum name, a {@code null}
 * inside a container, a missing required field, all fail with
 * {@link BusStatus#INVALID_ARGUMENT} and a message naming the path, e.g.
 * {@code args.input.body: expected string, was number 5}. A {@code null} or absent field stays
 * unset.
 *
 * <table>
 * <caption>Value mapping</caption>
 * <tr><th>Thrift</th><th>JSON</th><th>Java value written</th></tr>
 * <tr><td>bool</td><td>boolean</td><td>Boolean</td></tr>
 * <tr><td>byte, i16, i32, i64</td><td>integral number in range</td><td>Byte, Short, Integer, Long</td></tr>
 * <tr><td>double</td><td>number</td><td>Double</td></tr>
 * <tr><td>string</td><td>string</td><td>String</td></tr>
 * <tr><td>uuid</td><td>string</td><td>UUID</td></tr>
 * <tr><td>binary</td><td>base64 string</td><td>ByteBuffer</td></tr>
 * <tr><td>enum</td><td>constant name (an integral number is accepted as its value)</td><td>Integer, the value</td></tr>
 * <tr><td>struct, exception</td><td>object of the IDL field names</td><td>Map of the set fields by name</td></tr>
 * <tr><td>union</td><td>object with exactly one member</td><td>Map</td></tr>
 * <tr><td>list, set</td><td>array</td><td>List, Set</td></tr>
 * <tr><td>map</td><td>object; keys are strings holding the key type's value</td><td>Map</td></tr>
 * </table>
 *
 * <p>Thread-safe and stateless.
 */
final class ThriftJsonMapper {

	private static final int MAX_SHOWN_VALUE = 60;

	private final ThriftIdl idl;

	ThriftJsonMapper(ThriftIdl idl) {
		this.idl = idl;
	}

	/**
	 * A struct of the given type from a JSON object: its set fields by name.
	 * @param path where the value is in the request, for messages, e.g. {@code args.input}
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the value does not fit the type
	 */
	Map<String, Object> toStruct(StructDef type, Object json, String path) {
		if (!(json instanceof Map<?, ?> members)) {
			throw invalid(path + ": expected an object for " + type.simpleName() + ", was " + describe(json));
		}
		Map<String, Object> struct = new LinkedHashMap<>();
		for (Map.Entry<?, ?> member : members.entrySet()) {
			String name = String.valueOf(member.getKey());
			Field field = type.field(name);
			if (field == null) {
				throw invalid(path + "." + name + ": unknown field of " + type.simpleName() + ", known fields are "
						+ type.fieldNames());
			}
			if (member.getValue() != null) {
				struct.put(name, toThrift(field.type(), member.getValue(), path + "." + name));
			}
		}
		if (type.kind() == StructKind.UNION && struct.size() != 1) {
			throw invalid(path + ": union " + type.simpleName() + " takes exactly one of " + type.fieldNames()
					+ ", got " + struct.size());
		}
		checkRequired(type, struct, path);
		return struct;
	}

	/** Fails if a required field of the struct is not set. */
	void checkRequired(StructDef type, Map<String, Object> struct, String path) {
		for (Field field : type.fields()) {
			if (field.isRequired() && struct.get(field.name()) == null) {
				throw invalid(path + "." + field.name() + ": required field of " + type.simpleName() + " is missing");
			}
		}
	}

	/**
	 * The Thrift value of a JSON value.
	 * @param path where the value is in the request, for messages
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the value does not fit the type
	 */
	Object toThrift(ThriftType type, Object json, String path) {
		if (json == null) {
			throw invalid(path + ": expected " + type.idlName() + ", was null");
		}
		if (type instanceof BaseType base) {
			return switch (base) {
				case BOOL -> {
					if (!(json instanceof Boolean)) {
						throw mismatch(type, json, path);
					}
					yield json;
				}
				case BYTE -> (byte) integral(type, json, path, Byte.MIN_VALUE, Byte.MAX_VALUE);
				case I16 -> (short) integral(type, json, path, Short.MIN_VALUE, Short.MAX_VALUE);
				case I32 -> (int) integral(type, json, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
				case I64 -> integral(type, json, path, Long.MIN_VALUE, Long.MAX_VALUE);
				case DOUBLE -> {
					if (!(json instanceof Number number)) {
						throw mismatch(type, json, path);
					}
					yield number.doubleValue();
				}
				case STRING -> string(type, json, path);
				case BINARY -> binary(type, json, path);
				case UUID -> uuid(type, json, path);
			};
		}
		if (type instanceof EnumType enumType) {
			return enumConstant(enumType, json, path);
		}
		if (type instanceof StructType struct) {
			return toStruct(this.idl.struct(struct), json, path);
		}
		if (type instanceof ListType list) {
			return elements(list.element(), type, json, path, new ArrayList<>());
		}
		if (type instanceof SetType set) {
			return elements(set.element(), type, json, path, new LinkedHashSet<>());
		}
		return map((MapType) type, json, path);
	}

	/** The JSON form of a binary value: base64 text. */
	static String base64(ByteBuffer bytes) {
		ByteBuffer copy = bytes.duplicate();
		byte[] array = new byte[copy.remaining()];
		copy.get(array);
		return Base64.getEncoder().encodeToString(array);
	}

	// ---- JSON to Thrift

	private static long integral(ThriftType type, Object json, String path, long min, long max) {
		if (!(json instanceof Number number)) {
			throw mismatch(type, json, path);
		}
		BigDecimal exact = exactValue(number);
		if (exact == null || exact.stripTrailingZeros().scale() > 0) {
			throw invalid(path + ": expected " + type.idlName() + ", an integer, was " + describe(json));
		}
		if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
			throw invalid(path + ": " + exact.toPlainString() + " is out of range for " + type.idlName() + " (" + min
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

	private static String string(ThriftType type, Object json, String path) {
		if (!(json instanceof String text)) {
			throw mismatch(type, json, path);
		}
		return text;
	}

	private static ByteBuffer binary(ThriftType type, Object json, String path) {
		try {
			return ByteBuffer.wrap(Base64.getDecoder().decode(string(type, json, path)));
		}
		catch (IllegalArgumentException ex) {
			throw invalid(path + ": expected binary as base64 text, was " + describe(json));
		}
	}

	private static UUID uuid(ThriftType type, Object json, String path) {
		try {
			return UUID.fromString(string(type, json, path));
		}
		catch (IllegalArgumentException ex) {
			throw invalid(path + ": expected a uuid, was " + describe(json));
		}
	}

	private static Integer enumConstant(EnumType type, Object json, String path) {
		Map<String, Integer> constants = type.definition().constants();
		if (json instanceof String name) {
			Integer value = constants.get(name);
			if (value != null) {
				return value;
			}
		}
		else if (json instanceof Number) {
			int value = (int) integral(type, json, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
			if (constants.containsValue(value)) {
				return value;
			}
		}
		else {
			throw mismatch(type, json, path);
		}
		throw invalid(path + ": " + describe(json) + " is not a constant of " + type.idlName() + ", expected one of "
				+ List.copyOf(constants.keySet()));
	}

	private <C extends Collection<Object>> C elements(ThriftType elementType, ThriftType type,
			Object json, String path, C target) {
		if (!(json instanceof List<?> elements)) {
			throw mismatch(type, json, path);
		}
		for (int k = 0; k < elements.size(); k++) {
			target.add(toThrift(elementType, elements.get(k), path + "[" + k + "]"));
		}
		return target;
	}

	private Map<Object, Object> map(MapType type, Object json, String path) {
		if (!(json instanceof Map<?, ?> entries)) {
			throw mismatch(type, json, path);
		}
		Map<Object, Object> map = new LinkedHashMap<>();
		for (Map.Entry<?, ?> entry : entries.entrySet()) {
			String key = String.valueOf(entry.getKey());
			String entryPath = path + "[" + quote(key) + "]";
			map.put(mapKey(type.key(), key, entryPath), toThrift(type.value(), entry.getValue(), entryPath));
		}
		return map;
	}

	/** A map key from its JSON object member name. */
	private Object mapKey(ThriftType type, String key, String path) {
		Object json;
		if (type instanceof BaseType base && base.isIntegral()) {
			try {
				json = Long.parseLong(key);
			}
			catch (NumberFormatException ex) {
				throw invalid(path + ": map key " + quote(key) + " is not an integer for " + type.idlName());
			}
		}
		else if (type == BaseType.DOUBLE) {
			try {
				json = Double.parseDouble(key);
			}
			catch (NumberFormatException ex) {
				throw invalid(path + ": map key " + quote(key) + " is not a number");
			}
		}
		else if (type == BaseType.BOOL) {
			json = switch (key) {
				case "true" -> Boolean.TRUE;
				case "false" -> Boolean.FALSE;
				default -> throw invalid(path + ": map key " + quote(key) + " is not true or false");
			};
		}
		else if (type == BaseType.STRING || type == BaseType.UUID || type == BaseType.BINARY
				|| type instanceof EnumType) {
			json = key;
		}
		else {
			throw invalid(path + ": map keys of type " + type.idlName() + " cannot be given in JSON");
		}
		return toThrift(type, json, path);
	}

	private static BackendException mismatch(ThriftType type, Object json, String path) {
		return invalid(path + ": expected " + type.idlName() + ", was " + describe(json));
	}

	private static BackendException invalid(String message) {
		return new BackendException(BusStatus.INVALID_ARGUMENT, message);
	}

	/** A JSON value's type and a short form of it, for messages: {@code string "ten"}. */
	private static String describe(Object json) {
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

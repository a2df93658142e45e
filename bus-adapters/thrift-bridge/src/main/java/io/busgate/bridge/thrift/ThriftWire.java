package io.busgate.bridge.thrift;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.thrift.TException;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TMap;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.protocol.TProtocolUtil;
import org.apache.thrift.protocol.TSet;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;

import io.busgate.thrift.idl.ThriftIdl;
import io.busgate.thrift.idl.ThriftIdl.BaseType;
import io.busgate.thrift.idl.ThriftIdl.EnumType;
import io.busgate.thrift.idl.ThriftIdl.Field;
import io.busgate.thrift.idl.ThriftIdl.ListType;
import io.busgate.thrift.idl.ThriftIdl.MapType;
import io.busgate.thrift.idl.ThriftIdl.SetType;
import io.busgate.thrift.idl.ThriftIdl.StructDef;
import io.busgate.thrift.idl.ThriftIdl.StructType;
import io.busgate.thrift.idl.ThriftIdl.ThriftType;

/**
 * Writes and reads structs on a {@link TProtocol} as an IDL declares them, the way generated
 * Thrift code does, with no generated classes: fields by id and wire type, unknown fields
 * skipped on reading.
 *
 * <p>Writing takes the values {@link ThriftJsonMapper} makes. Reading gives JSON: a struct is
 * an object of all its fields by IDL name (unset ones {@code null}), sets and lists arrays, maps
 * objects with the keys as text, enums their constant names ({@code null} for a value the IDL
 * does not declare, as generated code reads it), binaries base64 text, uuids their text,
 * integers as their Thrift width (Byte, Short, Integer, Long).
 *
 * <p>Thread-safe and stateless.
 */
final class ThriftWire {

	private final ThriftIdl idl;

	ThriftWire(ThriftIdl idl) {
		this.idl = idl;
	}

	/** The type on the wire of a value of that type, a {@link TType} constant. */
	static byte wireType(ThriftType type) {
		if (type instanceof BaseType base) {
			return switch (base) {
				case BOOL -> TType.BOOL;
				case BYTE -> TType.BYTE;
				case I16 -> TType.I16;
				case I32 -> TType.I32;
				case I64 -> TType.I64;
				case DOUBLE -> TType.DOUBLE;
				case STRING, BINARY -> TType.STRING;
				case UUID -> TType.UUID;
			};
		}
		if (type instanceof ListType) {
			return TType.LIST;
		}
		if (type instanceof SetType) {
			return TType.SET;
		}
		if (type instanceof MapType) {
			return TType.MAP;
		}
		return (type instanceof EnumType) ? TType.I32 : TType.STRUCT;
	}

	/** Writes a struct: its fields with a value, in declaration order. */
	void write(TProtocol out, StructDef type, Map<String, Object> struct) throws TException {
		out.writeStructBegin(new TStruct(type.simpleName()));
		for (Field field : type.fields()) {
			Object value = struct.get(field.name());
			if (value != null) {
				out.writeFieldBegin(new TField(field.name(), wireType(field.type()), field.id()));
				writeValue(out, field.type(), value);
				out.writeFieldEnd();
			}
		}
		out.writeFieldStop();
		out.writeStructEnd();
	}

	@SuppressWarnings("unchecked")
	private void writeValue(TProtocol out, ThriftType type, Object value) throws TException {
		if (type instanceof BaseType base) {
			switch (base) {
				case BOOL -> out.writeBool((Boolean) value);
				case BYTE -> out.writeByte((Byte) value);
				case I16 -> out.writeI16((Short) value);
				case I32 -> out.writeI32((Integer) value);
				case I64 -> out.writeI64((Long) value);
				case DOUBLE -> out.writeDouble((Double) value);
				case STRING -> out.writeString((String) value);
				case BINARY -> out.writeBinary((ByteBuffer) value);
				case UUID -> out.writeUuid((UUID) value);
			}
		}
		else if (type instanceof EnumType) {
			out.writeI32((Integer) value);
		}
		else if (type instanceof StructType struct) {
			write(out, this.idl.struct(struct), (Map<String, Object>) value);
		}
		else if (type instanceof ListType list) {
			Collection<Object> elements = (Collection<Object>) value;
			out.writeListBegin(new TList(wireType(list.element()), elements.size()));
			writeElements(out, list.element(), elements);
			out.writeListEnd();
		}
		else if (type instanceof SetType set) {
			Collection<Object> elements = (Collection<Object>) value;
			out.writeSetBegin(new TSet(wireType(set.element()), elements.size()));
			writeElements(out, set.element(), elements);
			out.writeSetEnd();
		}
		else {
			MapType map = (MapType) type;
			Map<Object, Object> entries = (Map<Object, Object>) value;
			out.writeMapBegin(new TMap(wireType(map.key()), wireType(map.value()), entries.size()));
			for (Map.Entry<Object, Object> entry : entries.entrySet()) {
				writeValue(out, map.key(), entry.getKey());
				writeValue(out, map.value(), entry.getValue());
			}
			out.writeMapEnd();
		}
	}

	private void writeElements(TProtocol out, ThriftType element, Collection<Object> elements) throws TException {
		for (Object value : elements) {
			writeValue(out, element, value);
		}
	}

	/**
	 * Reads a struct as JSON. A field the IDL does not declare, or with another wire type, is
	 * skipped, as generated code does.
	 * @throws TException if the input is no such struct
	 */
	Map<String, Object> read(TProtocol in, StructDef type) throws TException {
		Map<String, Object> json = new LinkedHashMap<>();
		for (Field field : type.fields()) {
			json.put(field.name(), null);
		}
		in.readStructBegin();
		while (true) {
			TField wire = in.readFieldBegin();
			if (wire.type == TType.STOP) {
				break;
			}
			Field field = type.field(wire.id);
			if (field != null && wireType(field.type()) == wire.type) {
				json.put(field.name(), readValue(in, field.type()));
			}
			else {
				TProtocolUtil.skip(in, wire.type);
			}
			in.readFieldEnd();
		}
		in.readStructEnd();
		return json;
	}

	private Object readValue(TProtocol in, ThriftType type) throws TException {
		if (type instanceof BaseType base) {
			return switch (base) {
				case BOOL -> in.readBool();
				case BYTE -> in.readByte();
				case I16 -> in.readI16();
				case I32 -> in.readI32();
				case I64 -> in.readI64();
				case DOUBLE -> in.readDouble();
				case STRING -> in.readString();
				case BINARY -> ThriftJsonMapper.base64(in.readBinary());
				case UUID -> in.readUuid().toString();
			};
		}
		if (type instanceof EnumType enumType) {
			return enumType.definition().nameOf(in.readI32());
		}
		if (type instanceof StructType struct) {
			return read(in, this.idl.struct(struct));
		}
		if (type instanceof ListType list) {
			TList header = in.readListBegin();
			List<Object> elements = elements(in, list.element(), header.elemType, header.size);
			in.readListEnd();
			return elements;
		}
		if (type instanceof SetType set) {
			TSet header = in.readSetBegin();
			List<Object> elements = elements(in, set.element(), header.elemType, header.size);
			in.readSetEnd();
			return elements;
		}
		MapType map = (MapType) type;
		TMap header = in.readMapBegin();
		if (header.size > 0 && (header.keyType != wireType(map.key()) || header.valueType != wireType(map.value()))) {
			throw new TProtocolException(TProtocolException.INVALID_DATA, "expected " + map.idlName()
					+ ", the answer has a map of other types");
		}
		Map<String, Object> entries = new LinkedHashMap<>();
		for (int k = 0; k < header.size; k++) {
			Object key = readValue(in, map.key());
			entries.put(String.valueOf(key), readValue(in, map.value()));
		}
		in.readMapEnd();
		return entries;
	}

	private List<Object> elements(TProtocol in, ThriftType element, byte wireType, int size) throws TException {
		if (size > 0 && wireType != wireType(element)) {
			throw new TProtocolException(TProtocolException.INVALID_DATA, "expected elements of " + element.idlName()
					+ ", the answer has others");
		}
		List<Object> elements = new ArrayList<>(size);
		for (int k = 0; k < size; k++) {
			elements.add(readValue(in, element));
		}
		return elements;
	}

}

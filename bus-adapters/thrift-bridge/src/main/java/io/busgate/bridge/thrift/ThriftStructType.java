package io.busgate.bridge.thrift;

import java.lang.reflect.InvocationTargetException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.thrift.TBase;
import org.apache.thrift.TFieldIdEnum;
import org.apache.thrift.TFieldRequirementType;
import org.apache.thrift.meta_data.FieldMetaData;
import org.apache.thrift.meta_data.FieldValueMetaData;

/**
 * The fields of a generated Thrift struct, union or exception class, by name, as its field
 * metadata ({@link FieldMetaData#getStructMetaDataMap}) describes them. Cached per class;
 * immutable and thread-safe.
 */
final class ThriftStructType {

	private static final ConcurrentMap<Class<?>, ThriftStructType> cache = new ConcurrentHashMap<>();

	private final Class<? extends TBase<?, ?>> type;

	private final Map<String, Field> fields;

	private ThriftStructType(Class<? extends TBase<?, ?>> type, Map<String, Field> fields) {
		this.type = type;
		this.fields = fields;
	}

	/**
	 * The type of a generated class.
	 * @throws IllegalArgumentException if the class is not a generated Thrift struct
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	static ThriftStructType of(Class<?> type) {
		return cache.computeIfAbsent(type, (key) -> {
			if (!TBase.class.isAssignableFrom(key)) {
				throw new IllegalArgumentException(key.getName() + " is not a generated Thrift struct (TBase)");
			}
			Map<? extends TFieldIdEnum, FieldMetaData> metaData = FieldMetaData.getStructMetaDataMap((Class) key);
			if (metaData == null) {
				throw new IllegalArgumentException(key.getName() + " has no Thrift field metadata");
			}
			// Generated metadata maps are EnumMaps: iteration is declaration order.
			Map<String, Field> fields = new LinkedHashMap<>();
			metaData.forEach((id, field) -> fields.put(field.fieldName, new Field(id, field.fieldName, field)));
			return new ThriftStructType((Class<? extends TBase<?, ?>>) key, Collections.unmodifiableMap(fields));
		});
	}

	/** The simple name of the generated class, for messages. */
	String name() {
		return this.type.getSimpleName();
	}

	/** The field of that name, or {@code null}. */
	Field field(String name) {
		return this.fields.get(name);
	}

	/** All fields, in declaration order. */
	Iterable<Field> fields() {
		return this.fields.values();
	}

	/** The names of all fields, in declaration order, for messages. */
	List<String> fieldNames() {
		return List.copyOf(this.fields.keySet());
	}

	/** A new, empty instance (fields with IDL defaults hold them). */
	TBase<?, ?> newInstance() {
		try {
			return this.type.getDeclaredConstructor().newInstance();
		}
		catch (InvocationTargetException ex) {
			throw new IllegalStateException("cannot create " + this.type.getName(), ex.getCause());
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("cannot create " + this.type.getName(), ex);
		}
	}

	/**
	 * One field of a struct.
	 *
	 * @param id the generated {@code _Fields} constant
	 * @param name the field's name in the IDL
	 * @param metaData its requiredness and value type
	 */
	record Field(TFieldIdEnum id, String name, FieldMetaData metaData) {

		FieldValueMetaData value() {
			return this.metaData.valueMetaData;
		}

		boolean isRequired() {
			return this.metaData.requirementType == TFieldRequirementType.REQUIRED;
		}

	}

}

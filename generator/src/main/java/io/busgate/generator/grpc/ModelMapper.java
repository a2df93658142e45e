package io.busgate.generator.grpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.GenericDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

import io.busgate.generator.model.Batch;
import io.busgate.generator.model.Conventions;
import io.busgate.generator.model.EnumType;
import io.busgate.generator.model.Field;
import io.busgate.generator.model.Names;
import io.busgate.generator.model.Operation;
import io.busgate.generator.model.ServiceModel;
import io.busgate.generator.model.Shape;
import io.busgate.generator.model.SourceException;
import io.busgate.generator.model.TypeRef;

/**
 * Maps one linked service to the model, as {@code generator/docs/grpc.md} describes. Shapes and
 * enums are those the operations reach, in the order they are reached.
 */
final class ModelMapper {

	private static final TypeRef JSON = TypeRef.named("JSON");

	/** Well-known messages the bridge's JSON carries as a scalar, and the scalar. */
	private static final Map<String, String> WELL_KNOWN_SCALARS = Map.ofEntries(
			Map.entry("google.protobuf.Timestamp", "String"), Map.entry("google.protobuf.Duration", "String"),
			Map.entry("google.protobuf.FieldMask", "String"), Map.entry("google.protobuf.DoubleValue", "Float"),
			Map.entry("google.protobuf.FloatValue", "Float"), Map.entry("google.protobuf.Int64Value", "Long"),
			Map.entry("google.protobuf.UInt64Value", "Long"), Map.entry("google.protobuf.Int32Value", "Int"),
			Map.entry("google.protobuf.UInt32Value", "Int"), Map.entry("google.protobuf.BoolValue", "Boolean"),
			Map.entry("google.protobuf.StringValue", "String"), Map.entry("google.protobuf.BytesValue", "String"),
			Map.entry("google.protobuf.Struct", "JSON"), Map.entry("google.protobuf.Value", "JSON"),
			Map.entry("google.protobuf.ListValue", "JSON"), Map.entry("google.protobuf.Any", "JSON"),
			Map.entry("google.protobuf.Empty", "JSON"), Map.entry("google.protobuf.NullValue", "JSON"));

	private static final String EMPTY = "google.protobuf.Empty";

	private final Conventions conventions;

	private final SourceComments comments = new SourceComments();

	/** Shapes by name; {@code null} while the shape's fields are being mapped (recursion). */
	private final Map<String, Shape> shapes = new LinkedHashMap<>();

	private final Map<String, EnumType> enums = new LinkedHashMap<>();

	/** The full name each shape and enum name was given for, to refuse two types of one name. */
	private final Map<String, String> fullNames = new HashMap<>();

	ModelMapper(Conventions conventions) {
		this.conventions = conventions;
	}

	ServiceModel map(ServiceDescriptor service, String origin, Map<String, String> bridgeSettings) {
		List<Operation> operations = new ArrayList<>();
		List<String> skipped = new ArrayList<>();
		for (MethodDescriptor method : service.getMethods()) {
			if (method.isClientStreaming() || method.isServerStreaming()) {
				skipped.add(method.getName() + ": " + (method.isClientStreaming() ? "client" : "server")
						+ " streaming; a bus operation takes one request and gives one reply");
			}
			else {
				operations.add(operation(service, method));
			}
		}
		return new ServiceModel(origin, "grpc", bridgeSettings, List.copyOf(this.shapes.values()),
				List.copyOf(this.enums.values()), operations, skipped);
	}

	private Operation operation(ServiceDescriptor service, MethodDescriptor method) {
		String call = service.getFullName() + "/" + method.getName();
		Descriptor request = method.getInputType();
		boolean noRequest = request.getFullName().equals(EMPTY);
		String description = this.comments.of(method);
		if (this.conventions.isMutation(method.getName())) {
			String reason = method.getName() + " matches the mutation names " + this.conventions.mutationNames();
			List<Field> arguments = noRequest ? List.of()
					: List.of(new Field("input", messageType(request).nonNull(), null, null));
			return new Operation(method.getName(), call, true, reason, null, arguments, noRequest ? null : "input",
					idempotencyKeyField(request), messageType(method.getOutputType()).nonNull(), description, List.of());
		}
		String reason = method.getName() + " does not match the mutation names " + this.conventions.mutationNames();
		for (FieldDescriptor keys : request.getFields()) {
			Operation batched = batched(method, call, reason, keys);
			if (batched != null) {
				return batched;
			}
		}
		return new Operation(method.getName(), call, false, reason, null, arguments(request, null), null, null,
				messageType(method.getOutputType()).nonNull(), description, List.of());
	}

	/**
	 * The method as a batched lookup by {@code keys}: a list of scalars whose singular name is a
	 * field of the items the response lists.
	 */
	private Operation batched(MethodDescriptor method, String call, String kindReason, FieldDescriptor keys) {
		String singular = Names.singular(keys.getName());
		if (!keys.isRepeated() || keys.isMapField() || keys.getJavaType() == FieldDescriptor.JavaType.MESSAGE
				|| singular.equals(keys.getName())) {
			return null;
		}
		for (FieldDescriptor items : method.getOutputType().getFields()) {
			if (!items.isRepeated() || items.isMapField() || items.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
				continue;
			}
			FieldDescriptor itemKey = keyField(items.getMessageType(), singular, keys);
			if (itemKey == null) {
				continue;
			}
			List<FieldDescriptor> others = items.getMessageType()
				.getFields()
				.stream()
				.filter((field) -> field != itemKey)
				.toList();
			String takes = "takes " + keys.getName() + " (a list of " + typeName(keys) + ") and answers "
					+ items.getName() + ", each carrying " + itemKey.getName();
			Batch batch;
			TypeRef result;
			if (others.size() == 1) {
				FieldDescriptor value = others.get(0);
				batch = new Batch(keys.getName(), itemKey.getJsonName(), items.getName(), itemKey.getName(),
						value.getName(), takes + " and its " + value.getName());
				result = fieldType(value);
			}
			else {
				batch = new Batch(keys.getName(), itemKey.getJsonName(), items.getName(), itemKey.getName(), null,
						takes);
				result = messageType(items.getMessageType());
			}
			return new Operation(method.getName(), call, false, kindReason, batch,
					arguments(method.getInputType(), keys), null, null, result, this.comments.of(method), List.of());
		}
		return null;
	}

	/** The item's single field named like one key, of the keys' type. */
	private static FieldDescriptor keyField(Descriptor item, String singular, FieldDescriptor keys) {
		for (FieldDescriptor field : item.getFields()) {
			boolean named = field.getName().equals(singular) || field.getJsonName().equals(Names.camel(singular));
			if (named && !field.isRepeated() && field.getType() == keys.getType()) {
				return field;
			}
		}
		return null;
	}

	/**
	 * The request's fields but the keys, as arguments: nullable, as protobuf takes an absent field
	 * for its default, except proto2's required ones.
	 */
	private List<Field> arguments(Descriptor request, FieldDescriptor keys) {
		if (request.getFullName().equals(EMPTY)) {
			return List.of();
		}
		List<Field> arguments = new ArrayList<>();
		for (FieldDescriptor field : request.getFields()) {
			if (field != keys) {
				TypeRef type = field.isRequired() ? fieldType(field) : fieldType(field).nullable();
				arguments.add(new Field(field.getJsonName(), type, description(field), null));
			}
		}
		return arguments;
	}

	private String idempotencyKeyField(Descriptor request) {
		String name = this.conventions.idempotencyKeyField();
		return request.getFields()
			.stream()
			.filter((field) -> field.getName().equals(name) || field.getJsonName().equals(name))
			.map(FieldDescriptor::getJsonName)
			.findFirst()
			.orElse(null);
	}

	/**
	 * A field's type: non-null where the bridge's JSON always carries it (fields without presence,
	 * lists and maps, proto2 required fields), nullable where protobuf tracks presence.
	 */
	private TypeRef fieldType(FieldDescriptor field) {
		if (field.isMapField()) {
			return JSON.nonNull();
		}
		TypeRef element = switch (field.getJavaType()) {
			case INT -> TypeRef.named("Int");
			case LONG -> TypeRef.named("Long");
			case FLOAT, DOUBLE -> TypeRef.named("Float");
			case BOOLEAN -> TypeRef.named("Boolean");
			case STRING -> TypeRef.named(isIdName(field) ? "ID" : "String");
			case BYTE_STRING -> TypeRef.named("String");
			case ENUM -> enumType(field.getEnumType());
			case MESSAGE -> (isIdName(field) && field.getMessageType().getFullName().equals("google.protobuf.StringValue"))
					? TypeRef.named("ID") : messageType(field.getMessageType());
		};
		if (field.isRepeated()) {
			return TypeRef.listOf(element.nonNull()).nonNull();
		}
		return (field.isRequired() || !field.hasPresence()) ? element.nonNull() : element;
	}

	private static boolean isIdName(FieldDescriptor field) {
		return Names.isIdName(field.getName()) || Names.isIdName(field.getJsonName());
	}

	private TypeRef messageType(Descriptor message) {
		String scalar = WELL_KNOWN_SCALARS.get(message.getFullName());
		if (scalar != null) {
			return TypeRef.named(scalar);
		}
		String name = claim(message, message.getContainingType());
		if (!this.shapes.containsKey(name)) {
			this.shapes.put(name, null);
			List<Field> fields = new ArrayList<>();
			for (FieldDescriptor field : message.getFields()) {
				fields.add(new Field(field.getJsonName(), fieldType(field), description(field), null));
			}
			this.shapes.put(name, new Shape(name, this.comments.of(message), fields));
		}
		return TypeRef.named(name);
	}

	private TypeRef enumType(EnumDescriptor enumType) {
		if (WELL_KNOWN_SCALARS.containsKey(enumType.getFullName())) {
			return JSON;
		}
		String name = claim(enumType, enumType.getContainingType());
		this.enums.computeIfAbsent(name, (key) -> new EnumType(name, this.comments.of(enumType),
				enumType.getValues().stream().map(EnumValueDescriptor::getName).toList()));
		return TypeRef.named(name);
	}

	/** A nested type's name is its outer types' names and its own ({@code Book.Loan} is {@code BookLoan}). */
	private String claim(GenericDescriptor type, Descriptor outer) {
		String name = type.getName();
		for (Descriptor enclosing = outer; enclosing != null; enclosing = enclosing.getContainingType()) {
			name = enclosing.getName() + name;
		}
		String claimed = this.fullNames.putIfAbsent(name, type.getFullName());
		if (claimed != null && !claimed.equals(type.getFullName())) {
			throw new SourceException(
					"Both " + claimed + " and " + type.getFullName() + " would be the GraphQL type " + name);
		}
		return name;
	}

	private String description(FieldDescriptor field) {
		String comment = this.comments.of(field);
		OneofDescriptor oneof = field.getRealContainingOneof();
		if (oneof == null) {
			return comment;
		}
		String member = "One of " + oneof.getName() + ".";
		return (comment != null) ? comment + "\n\n" + member : member;
	}

	private static String typeName(FieldDescriptor field) {
		return field.getType().name().toLowerCase(Locale.ROOT);
	}

}

package io.busgate.bridge.grpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import io.busgate.bridge.BackendException;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;

/**
 * A configured route compiled against the backend's descriptors: which unary method an
 * operation calls, how the request's keys and arguments become the request message, and how
 * the response becomes the reply's items.
 *
 * <p>JSON follows protobuf's JSON mapping ({@link JsonFormat}): lowerCamelCase names,
 * {@code Timestamp} as an RFC 3339 string, 64-bit integers as strings, enums by name. Fields
 * without presence are always printed, so an empty repeated field is {@code []} and an empty
 * string {@code ""}, never missing; a message field that is not set is missing, i.e. null.
 *
 * <p>Immutable and thread-safe.
 */
final class GrpcRoute {

	private static final JsonFormat.Parser PARSER = JsonFormat.parser();

	private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
		.alwaysPrintFieldsWithNoPresence()
		.omittingInsignificantWhitespace();

	private final String operation;

	private final GrpcBridgeProperties.Route config;

	private final Descriptors.Descriptor requestType;

	private final MethodDescriptor<DynamicMessage, DynamicMessage> method;

	private final FieldDescriptor keysField;

	private final FieldDescriptor itemsField;

	private final FieldDescriptor itemKeyField;

	private final FieldDescriptor itemValueField;

	private final JsonMapper json;

	/**
	 * Compiles a route.
	 * @param services the backend's services by full name
	 * @throws IllegalArgumentException if the route does not fit the backend's descriptors
	 */
	GrpcRoute(String operation, GrpcBridgeProperties.Route config, Map<String, Descriptors.ServiceDescriptor> services,
			JsonMapper json) {
		this.operation = operation;
		this.config = config;
		this.json = json;
		Descriptors.MethodDescriptor method = findMethod(services);
		this.requestType = method.getInputType();
		this.method = MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName(
					MethodDescriptor.generateFullMethodName(method.getService().getFullName(), method.getName()))
			.setRequestMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
			.setResponseMarshaller(ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getOutputType())))
			.build();
		this.keysField = (config.keysField() != null) ? keysField(method.getInputType()) : null;
		this.itemsField = (config.itemsField() != null) ? itemsField(method.getOutputType()) : null;
		this.itemKeyField = (config.itemKeyField() != null) ? itemField("item-key-field", config.itemKeyField()) : null;
		this.itemValueField = (config.itemValueField() != null)
				? itemField("item-value-field", config.itemValueField()) : null;
		if (this.itemKeyField != null && (this.itemKeyField.isRepeated()
				|| this.itemKeyField.getJavaType() == FieldDescriptor.JavaType.MESSAGE)) {
			throw problem("item-key-field '" + config.itemKeyField() + "' must be a single scalar field");
		}
	}

	/** The gRPC method, with marshallers for its dynamic messages. */
	MethodDescriptor<DynamicMessage, DynamicMessage> method() {
		return this.method;
	}

	/** How to name the call in messages: the method and the operation. */
	String describe() {
		return this.config.method() + " (" + this.operation + ")";
	}

	/**
	 * The request message for a request: its arguments (or the object in its args-field
	 * argument), plus its keys in the keys field.
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the request does not fit the
	 * message or the route
	 */
	DynamicMessage request(BusRequest request) {
		Map<String, Object> fields = fieldsOf(request);
		if (this.keysField != null) {
			if (!request.isKeyed()) {
				throw invalid(this.operation + " is called with keys, the request has none");
			}
			if (fields.containsKey(this.keysField.getName()) || fields.containsKey(this.keysField.getJsonName())) {
				throw invalid("argument '" + this.keysField.getJsonName() + "' of " + this.operation
						+ " is filled from the request's keys and cannot be given");
			}
			fields.put(this.keysField.getJsonName(), request.keys());
		}
		else if (request.isKeyed()) {
			throw invalid(this.operation + " takes no keys, the request has " + request.keys().size());
		}
		DynamicMessage.Builder message = DynamicMessage.newBuilder(this.requestType);
		try {
			PARSER.merge(this.json.writeValueAsString(fields), message);
		}
		catch (InvalidProtocolBufferException | JacksonException | IllegalArgumentException ex) {
			throw invalid("invalid arguments for " + this.operation + ": " + ex.getMessage());
		}
		return message.build();
	}

	/**
	 * The reply's items for a response: one per key in key order ({@code null} where the
	 * backend has none), or exactly one for a keyless request.
	 * @throws BackendException ({@code INTERNAL}) if the response does not fit the route
	 */
	List<Object> items(BusRequest request, Message response) {
		Map<String, Object> root = toJson(response);
		if (this.itemsField == null) {
			return single(root);
		}
		Object value = root.get(this.itemsField.getJsonName());
		if (!this.itemsField.isRepeated()) {
			return single(valueOf(value));
		}
		List<?> elements = (value instanceof List<?> list) ? list : List.of();
		if (!request.isKeyed()) {
			return single(elements.stream().map(this::valueOf).toList());
		}
		if (this.itemKeyField != null) {
			return matchedByKey(request.keys(), elements);
		}
		if (elements.size() != request.keys().size()) {
			throw new BackendException(BusStatus.INTERNAL, describe() + " answered " + elements.size() + " "
					+ this.itemsField.getName() + " for " + request.keys().size() + " keys");
		}
		List<Object> items = new ArrayList<>(elements.size());
		elements.forEach((element) -> items.add(valueOf(element)));
		return items;
	}

	private List<Object> matchedByKey(List<Object> keys, List<?> elements) {
		String keyName = this.itemKeyField.getJsonName();
		Map<String, Object> byKey = new HashMap<>();
		for (Object element : elements) {
			if (element instanceof Map<?, ?> item && item.get(keyName) != null) {
				byKey.putIfAbsent(String.valueOf(item.get(keyName)), element);
			}
		}
		List<Object> items = new ArrayList<>(keys.size());
		for (Object key : keys) {
			Object element = (key != null) ? byKey.get(String.valueOf(key)) : null;
			items.add((element != null) ? valueOf(element) : null);
		}
		return items;
	}

	/** The item-value-field of an item, or the item itself. */
	private Object valueOf(Object element) {
		if (this.itemValueField == null || !(element instanceof Map<?, ?> item)) {
			return element;
		}
		return item.get(this.itemValueField.getJsonName());
	}

	private Map<String, Object> fieldsOf(BusRequest request) {
		String argsField = this.config.argsField();
		if (argsField == null) {
			return new LinkedHashMap<>(request.args());
		}
		Set<String> others = new TreeSet<>(request.args().keySet());
		others.remove(argsField);
		if (!others.isEmpty()) {
			throw invalid(this.operation + " takes its request from argument '" + argsField + "' only, not " + others);
		}
		Object value = request.args().get(argsField);
		if (!(value instanceof Map<?, ?> object)) {
			throw invalid(this.operation + " needs argument '" + argsField + "' as an object, "
					+ ((value == null) ? "it is missing" : "was " + value.getClass().getSimpleName()));
		}
		Map<String, Object> fields = new LinkedHashMap<>();
		object.forEach((name, field) -> fields.put(String.valueOf(name), field));
		return fields;
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> toJson(Message response) {
		try {
			return this.json.readValue(PRINTER.print(response), LinkedHashMap.class);
		}
		catch (InvalidProtocolBufferException | JacksonException ex) {
			throw new BackendException(BusStatus.INTERNAL,
					describe() + " answered a message that cannot be shown as JSON: " + ex.getMessage(), ex);
		}
	}

	private static List<Object> single(Object item) {
		List<Object> items = new ArrayList<>(1);
		items.add(item);
		return items;
	}

	// ---- compiling

	private Descriptors.MethodDescriptor findMethod(Map<String, Descriptors.ServiceDescriptor> services) {
		Descriptors.ServiceDescriptor service = services.get(this.config.serviceName());
		if (service == null) {
			throw problem("the backend's descriptors have no service " + this.config.serviceName() + "; they have "
					+ new TreeSet<>(services.keySet()));
		}
		Descriptors.MethodDescriptor method = service.findMethodByName(this.config.methodName());
		if (method == null) {
			throw problem("service " + service.getFullName() + " has no method " + this.config.methodName()
					+ "; it has " + service.getMethods().stream().map(Descriptors.MethodDescriptor::getName).toList());
		}
		if (method.isClientStreaming() || method.isServerStreaming()) {
			throw problem("method " + this.config.method() + " streams; only unary methods can be routed");
		}
		return method;
	}

	private FieldDescriptor keysField(Descriptors.Descriptor type) {
		FieldDescriptor field = field("keys-field", type, this.config.keysField());
		if (!field.isRepeated() || field.isMapField() || field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
			throw problem("keys-field '" + this.config.keysField() + "' must be a repeated scalar field");
		}
		return field;
	}

	private FieldDescriptor itemsField(Descriptors.Descriptor type) {
		FieldDescriptor field = field("items-field", type, this.config.itemsField());
		if (field.isMapField()) {
			throw problem("items-field '" + this.config.itemsField() + "' is a map; it must be a repeated field");
		}
		if (this.config.keysField() != null && !field.isRepeated()) {
			throw problem("items-field '" + this.config.itemsField() + "' must be repeated to hold an item per key");
		}
		return field;
	}

	private FieldDescriptor itemField(String role, String name) {
		if (this.itemsField.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
			throw problem(role + " '" + name + "' needs items that are messages; items-field '"
					+ this.config.itemsField() + "' holds " + this.itemsField.getType().name().toLowerCase());
		}
		return field(role, this.itemsField.getMessageType(), name);
	}

	/** A field by its proto name or, failing that, its JSON (lowerCamelCase) name. */
	private FieldDescriptor field(String role, Descriptors.Descriptor type, String name) {
		FieldDescriptor field = type.findFieldByName(name);
		if (field == null) {
			field = type.getFields().stream().filter((each) -> each.getJsonName().equals(name)).findFirst().orElse(null);
		}
		if (field == null) {
			throw problem(role + " '" + name + "': message " + type.getFullName() + " has no such field; it has "
					+ type.getFields().stream().map(FieldDescriptor::getName).toList());
		}
		return field;
	}

	private IllegalArgumentException problem(String message) {
		return new IllegalArgumentException("route " + this.operation + " (" + this.config.method() + "): " + message);
	}

	private static BackendException invalid(String message) {
		return new BackendException(BusStatus.INVALID_ARGUMENT, message);
	}

}

package io.busgate.bridge.grpc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

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
import io.busgate.bridge.BridgeProperties;
import io.busgate.bridge.JsonRoute;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;

/**
 * A configured route compiled against the backend's descriptors: which unary method an
 * operation calls, and the conversion of the route's request JSON to the request message and of
 * the response message to the JSON its items are taken from ({@link JsonRoute}). The route's
 * call is the method's full name, {@code <package>.<Service>/<Method>}; field names may be
 * written as in the {@code .proto} ({@code author_id}) or in lowerCamelCase ({@code authorId}).
 *
 * <p>JSON follows protobuf's JSON mapping ({@link JsonFormat}): lowerCamelCase names,
 * {@code Timestamp} as an RFC 3339 string, 64-bit integers as strings, enums by name. Fields
 * without presence are always printed, so an empty repeated field is {@code []} and an empty
 * string {@code ""}, never missing; a message field that is not set is missing, i.e. null.
 *
 * <p>Immutable and thread-safe.
 */
final class GrpcRoute {

	/** {@code <package>.<Service>/<Method>}: protobuf identifiers, the service's package optional. */
	private static final Pattern FULL_METHOD_NAME = Pattern.compile("[A-Za-z_][\\w.]*/[A-Za-z_]\\w*");

	private static final JsonFormat.Parser PARSER = JsonFormat.parser();

	private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
		.alwaysPrintFieldsWithNoPresence()
		.omittingInsignificantWhitespace();

	private final String operation;

	private final BridgeProperties.Route config;

	private final Descriptors.Descriptor requestType;

	private final MethodDescriptor<DynamicMessage, DynamicMessage> method;

	private final FieldDescriptor itemsField;

	private final JsonRoute route;

	private final JsonMapper json;

	/**
	 * Compiles a route.
	 * @param services the backend's services by full name
	 * @throws IllegalArgumentException if the route does not fit the backend's descriptors
	 */
	GrpcRoute(String operation, BridgeProperties.Route config, Map<String, Descriptors.ServiceDescriptor> services,
			JsonMapper json) {
		check(operation, config);
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
		FieldDescriptor keysField = (config.keysField() != null) ? keysField(method.getInputType()) : null;
		this.itemsField = (config.itemsField() != null) ? itemsField(method.getOutputType()) : null;
		// Without items-field the response is the item; items that are not messages have no fields.
		Descriptors.Descriptor itemType = (this.itemsField == null) ? method.getOutputType()
				: (this.itemsField.getJavaType() == FieldDescriptor.JavaType.MESSAGE) ? this.itemsField.getMessageType()
						: null;
		FieldDescriptor itemKeyField = (config.itemKeyField() != null)
				? itemField("item-key-field", itemType, config.itemKeyField()) : null;
		FieldDescriptor itemValueField = (config.itemValueField() != null)
				? itemField("item-value-field", itemType, config.itemValueField()) : null;
		if (itemKeyField != null
				&& (itemKeyField.isRepeated() || itemKeyField.getJavaType() == FieldDescriptor.JavaType.MESSAGE)) {
			throw problem("item-key-field '" + config.itemKeyField() + "' must be a single scalar field");
		}
		// The JSON of the messages uses the fields' JSON names, whichever the configuration wrote.
		this.route = new JsonRoute(operation, config, keysField != null, new JsonRoute.Names(jsonName(keysField),
				jsonName(this.itemsField), jsonName(itemKeyField), jsonName(itemValueField)));
	}

	/**
	 * Checks what can be checked of a route without the descriptors: the call is a full method
	 * name, and the settings fit a response that is a message.
	 * @throws IllegalArgumentException if the route cannot work
	 */
	static void check(String operation, BridgeProperties.Route config) {
		String method = config.call();
		if (!FULL_METHOD_NAME.matcher(method).matches()) {
			throw new IllegalArgumentException("route " + operation + ": a gRPC route needs a full method name"
					+ " <package>.<Service>/<Method>, e.g. busgate.post.v1.PostService/GetPosts; was '" + method + "'");
		}
		if (config.keysField() != null && config.itemsField() == null) {
			throw new IllegalArgumentException("route " + operation + " (" + method
					+ "): a route with keys-field needs items-field to find one item per key");
		}
		new JsonRoute(operation, config);
	}

	/** The fully qualified service name of a route's method, the part before the slash. */
	static String serviceName(BridgeProperties.Route config) {
		return config.call().substring(0, config.call().indexOf('/'));
	}

	/** The method's simple name, the part after the slash. */
	private static String methodName(BridgeProperties.Route config) {
		return config.call().substring(config.call().indexOf('/') + 1);
	}

	/** The gRPC method, with marshallers for its dynamic messages. */
	MethodDescriptor<DynamicMessage, DynamicMessage> method() {
		return this.method;
	}

	/** How to name the call in messages: the method and the operation. */
	String describe() {
		return this.route.describe();
	}

	/**
	 * The request message for a request: the route's request JSON ({@link JsonRoute#request})
	 * parsed into the method's input type.
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the request does not fit the
	 * message or the route
	 */
	DynamicMessage request(BusRequest request) {
		Map<String, Object> fields = this.route.request(request);
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
	 * The reply's items for a response: its JSON, shaped by the route ({@link JsonRoute#items}).
	 * @throws BackendException ({@code INTERNAL}) if the response does not fit the route
	 */
	List<Object> items(BusRequest request, Message response) {
		return this.route.items(request, toJson(response));
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

	// ---- compiling

	private Descriptors.MethodDescriptor findMethod(Map<String, Descriptors.ServiceDescriptor> services) {
		Descriptors.ServiceDescriptor service = services.get(serviceName(this.config));
		if (service == null) {
			throw problem("the backend's descriptors have no service " + serviceName(this.config) + "; they have "
					+ new TreeSet<>(services.keySet()));
		}
		Descriptors.MethodDescriptor method = service.findMethodByName(methodName(this.config));
		if (method == null) {
			throw problem("service " + service.getFullName() + " has no method " + methodName(this.config)
					+ "; it has " + service.getMethods().stream().map(Descriptors.MethodDescriptor::getName).toList());
		}
		if (method.isClientStreaming() || method.isServerStreaming()) {
			throw problem("method " + this.config.call() + " streams; only unary methods can be routed");
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

	private FieldDescriptor itemField(String role, Descriptors.Descriptor itemType, String name) {
		if (itemType == null) {
			throw problem(role + " '" + name + "' needs items that are messages; items-field '"
					+ this.config.itemsField() + "' holds " + this.itemsField.getType().name().toLowerCase());
		}
		return field(role, itemType, name);
	}

	private static String jsonName(FieldDescriptor field) {
		return (field != null) ? field.getJsonName() : null;
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
		return new IllegalArgumentException("route " + this.operation + " (" + this.config.call() + "): " + message);
	}

	private static BackendException invalid(String message) {
		return new BackendException(BusStatus.INVALID_ARGUMENT, message);
	}

}

package io.busgate.generator.openapi;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import io.busgate.generator.model.Batch;
import io.busgate.generator.model.Conventions;
import io.busgate.generator.model.Field;
import io.busgate.generator.model.Names;
import io.busgate.generator.model.Operation;
import io.busgate.generator.model.ServiceModel;
import io.busgate.generator.model.SourceException;
import io.busgate.generator.model.TypeRef;

/**
 * Reads an OpenAPI 3.0 or 3.1 document (JSON or YAML, a file or an http(s) URL) as the model of
 * an HTTP/JSON backend served by the http-bridge. The mapping is {@code generator/docs/openapi.md}.
 */
public final class OpenApiSource {

	/** How long connecting to, then reading, a document's URL may take. */
	static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

	/** The methods the http-bridge calls, in the order of an OpenAPI path item. */
	private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
			"trace");

	private static final Set<String> SERVED_METHODS = Set.of("get", "put", "post", "delete", "patch");

	/** The methods whose call carries the route's request JSON as its body (http-bridge README). */
	private static final Set<String> METHODS_WITH_BODY = Set.of("put", "post", "patch");

	private static final String KEYS = "keys";

	private static final String INPUT = "input";

	private final JsonNode document;

	private final String location;

	private final Conventions conventions;

	private final List<String> skipped = new ArrayList<>();

	private final Schemas schemas;

	private OpenApiSource(JsonNode document, String location, Conventions conventions) {
		this.document = document;
		this.location = location;
		this.conventions = conventions;
		this.schemas = new Schemas(document, this.skipped);
	}

	/**
	 * Reads the document at a location.
	 * @param location a file path, or an {@code http://} or {@code https://} URL
	 * @param conventions the user's naming settings ({@code idempotencyKeyField})
	 * @return the backend's model, with the operations the http-bridge cannot call in
	 * {@link ServiceModel#skipped()}
	 * @throws SourceException if the location cannot be read, or is not an OpenAPI 3
	 * document, or has a reference that points nowhere
	 */
	public static ServiceModel read(String location, Conventions conventions) {
		return new OpenApiSource(parse(load(location), location), location, conventions).model();
	}

	static String load(String location) {
		if (location.startsWith("http://") || location.startsWith("https://")) {
			return fetch(location);
		}
		try {
			return Files.readString(Path.of(location), StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			throw new SourceException("No OpenAPI document at " + Path.of(location).toAbsolutePath()
					+ ": the file does not exist", ex);
		}
		catch (IOException ex) {
			throw new SourceException("Cannot read the OpenAPI document " + location + ": " + ex, ex);
		}
	}

	private static String fetch(String url) {
		HttpClient client = HttpClient.newBuilder()
			.connectTimeout(CONNECT_TIMEOUT)
			.followRedirects(HttpClient.Redirect.NORMAL)
			.build();
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.timeout(READ_TIMEOUT)
			.header("Accept", "application/json, application/yaml;q=0.9, */*;q=0.1")
			.build();
		try {
			HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new SourceException(
						"Cannot read the OpenAPI document at " + url + ": HTTP " + response.statusCode());
			}
			return response.body();
		}
		catch (IOException ex) {
			throw new SourceException("Cannot read the OpenAPI document at " + url + " (connect timeout "
					+ CONNECT_TIMEOUT.toSeconds() + " s, read timeout " + READ_TIMEOUT.toSeconds() + " s): " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SourceException("Interrupted while reading the OpenAPI document at " + url, ex);
		}
	}

	static JsonNode parse(String text, String location) {
		boolean json = text.stripLeading().startsWith("{");
		ObjectMapper mapper = json ? JsonMapper.builder().build() : YAMLMapper.builder().build();
		JsonNode document;
		try {
			document = mapper.readTree(text);
		}
		catch (JacksonException ex) {
			throw new SourceException(location + " is not " + (json ? "JSON" : "YAML") + ": "
					+ ex.getOriginalMessage(), ex);
		}
		String version = (document != null) ? document.path("openapi").asString("") : "";
		if (!version.startsWith("3.")) {
			String found = (document == null || !document.isObject()) ? "no object"
					: document.has("swagger") ? "swagger: " + document.get("swagger").asString()
							: document.has("openapi") ? "openapi: " + version : "no 'openapi' field";
			throw new SourceException(location + " is not an OpenAPI 3 document (" + found
					+ "); OpenAPI 3.0 and 3.1 are read");
		}
		return document;
	}

	private ServiceModel model() {
		List<Operation> operations = new ArrayList<>();
		for (Map.Entry<String, JsonNode> path : this.document.path("paths").properties()) {
			JsonNode item = this.schemas.resolve(path.getValue(), "paths." + path.getKey());
			for (String method : METHODS) {
				if (item.has(method)) {
					Operation operation = operation(path.getKey(), item, method);
					if (operation != null) {
						operations.add(operation);
					}
				}
			}
		}
		JsonNode info = this.document.path("info");
		String origin = "OpenAPI " + this.document.path("openapi").asString() + " document"
				+ (info.has("title") ? " '" + info.get("title").asString() + "'" : "")
				+ (info.has("version") ? " " + info.get("version").asString() : "") + " at " + this.location;
		return new ServiceModel(origin, "http", bridgeSettings(), this.schemas.shapes(), this.schemas.enums(),
				operations, this.skipped);
	}

	private Map<String, String> bridgeSettings() {
		JsonNode server = this.document.path("servers").path(0);
		if (!server.has("url")) {
			return Map.of();
		}
		String url = server.get("url").asString();
		for (Map.Entry<String, JsonNode> variable : server.path("variables").properties()) {
			url = url.replace("{" + variable.getKey() + "}", variable.getValue().path("default").asString(""));
		}
		URI uri = URI.create(url);
		if (!uri.isAbsolute() && this.location.matches("https?://.*")) {
			uri = URI.create(this.location).resolve(uri);
		}
		if (!uri.isAbsolute()) {
			this.skipped.add("servers[0].url '" + url + "' is relative to a file, so no base-url was read");
			return Map.of();
		}
		return Map.of("base-url", uri.toString());
	}

	/** The operation, or {@code null} (with the reason in {@link #skipped}) if the http-bridge cannot call it. */
	private Operation operation(String path, JsonNode item, String method) {
		JsonNode operation = item.get(method);
		String where = "paths." + path + "." + method;
		String name = operation.has("operationId") ? operation.get("operationId").asString() : nameOf(method, path);
		String call = method.toUpperCase() + " " + path;
		String subject = name + " (" + call + ")";
		if (!SERVED_METHODS.contains(method)) {
			return skip(subject, "the http-bridge reads a call's answer from its JSON body; " + method.toUpperCase()
					+ " is not served");
		}
		if (!Schemas.GRAPHQL_NAME.matcher(name).matches()) {
			return skip(subject, "the operationId is not a GraphQL name");
		}
		List<JsonNode> parameters = parameters(item, operation, where);
		List<JsonNode> placed = new ArrayList<>();
		for (JsonNode parameter : parameters) {
			String in = parameter.path("in").asString("");
			String parameterName = parameter.path("name").asString("");
			boolean required = parameter.path("required").asBoolean(false) || "path".equals(in);
			if (!"path".equals(in) && !"query".equals(in)) {
				if (required) {
					return skip(subject, "the http-bridge sends no " + in + " parameter, and '" + parameterName
							+ "' is required");
				}
				continue;
			}
			if (!Schemas.GRAPHQL_NAME.matcher(parameterName).matches() || KEYS.equals(parameterName)
					|| "key".equals(parameterName)) {
				return skip(subject, "parameter '" + parameterName
						+ "' cannot be an argument of a route (not a GraphQL name, or a name the route's call reserves)");
			}
			String problem = placement(parameter, in, where);
			if (problem != null) {
				return skip(subject, problem);
			}
			if (!required && this.schemas.defaultOf(schemaOf(parameter), where) == null) {
				this.skipped.add(subject + ": optional parameter '" + parameterName
						+ "' without a default left out; the http-bridge sends every parameter of its call");
				continue;
			}
			placed.add(parameter);
		}
		JsonNode body = requestBody(operation, where);
		if (body != null && body.isMissingNode()) {
			return skip(subject, "its request body has no JSON media type, and the http-bridge sends JSON");
		}
		if (body != null && !METHODS_WITH_BODY.contains(method)) {
			return skip(subject, "the http-bridge sends no body with a " + method.toUpperCase());
		}
		if (body != null && !placed.isEmpty()) {
			return skip(subject, "the http-bridge sends the 'input' argument as the whole body, so the parameters "
					+ placed.stream().map((p) -> p.path("name").asString()).toList() + " cannot go beside it");
		}
		if (body != null && !"shape".equals(kindOf(body, where))) {
			return skip(subject, "its JSON body is not an object, and the http-bridge sends the arguments as one");
		}
		String success = successCode(operation);
		String answerWhere = where + ".responses." + success;
		JsonNode answer = (success != null) ? jsonSchema(
				this.schemas.resolve(operation.get("responses").get(success), answerWhere).path("content")) : null;
		JsonNode keysParameter = null;
		Batch batch = null;
		for (int i = 0; "get".equals(method) && batch == null && i < placed.size(); i++) {
			batch = batchOf(placed.get(i), answer, answerWhere);
			keysParameter = (batch != null) ? placed.get(i) : null;
		}
		StringBuilder query = new StringBuilder();
		List<Field> arguments = new ArrayList<>();
		for (JsonNode parameter : placed) {
			String parameterName = parameter.get("name").asString();
			boolean keys = parameter == keysParameter;
			if ("query".equals(parameter.get("in").asString())) {
				query.append(query.isEmpty() ? "?" : "&").append(parameterName).append("={")
					.append(keys ? KEYS : parameterName).append('}');
			}
			if (!keys) {
				arguments.add(argument(parameter, where));
			}
		}
		boolean mutation = !"get".equals(method);
		String argsField = null;
		String idempotencyKeyField = null;
		if (body != null) {
			JsonNode bodyNode = operation.get("requestBody");
			boolean bodyRequired = this.schemas.resolve(bodyNode, where).path("required").asBoolean(false);
			TypeRef type = this.schemas.typeOf(body, INPUT, Names.upperFirst(name) + "Body", bodyRequired,
					where + ".requestBody");
			arguments.add(new Field(INPUT, type, Schemas.text(this.schemas.resolve(bodyNode, where).get("description")),
					null));
			argsField = INPUT;
			String keyField = this.conventions.idempotencyKeyField();
			if (keyField != null && this.schemas.resolve(body, where).path("properties").has(keyField)) {
				idempotencyKeyField = keyField;
			}
		}
		TypeRef result = result(name, answer, batch, answerWhere);
		String kindReason = mutation
				? method.toUpperCase() + " changes something: a mutation"
						+ ((idempotencyKeyField != null) ? ", its idempotency key in the body's " + idempotencyKeyField
								: "; the http-bridge sends its idempotency key to no HTTP backend, so the backend does not see it")
				: "GET reads: a query";
		return new Operation(name, call + query, mutation, kindReason, batch, arguments, argsField,
				idempotencyKeyField, result, description(operation), errors(operation));
	}

	private Operation skip(String subject, String reason) {
		this.skipped.add(subject + ": " + reason);
		return null;
	}

	/** The path item's parameters, overridden by the operation's of the same name and place. */
	private List<JsonNode> parameters(JsonNode item, JsonNode operation, String where) {
		Map<String, JsonNode> byPlace = new LinkedHashMap<>();
		for (JsonNode node : List.of(item, operation)) {
			for (JsonNode parameter : node.path("parameters").values()) {
				JsonNode resolved = this.schemas.resolve(parameter, where + ".parameters");
				byPlace.put(resolved.path("in").asString("") + ":" + resolved.path("name").asString(""), resolved);
			}
		}
		return List.copyOf(byPlace.values());
	}

	/**
	 * Why the http-bridge cannot send the parameter as its document says, or {@code null}: it
	 * expands a variable whole, a list joined by commas (path {@code simple}, query {@code form}
	 * without {@code explode}).
	 */
	private String placement(JsonNode parameter, String in, String where) {
		if (parameter.has("content")) {
			return "parameter '" + parameter.path("name").asString() + "' is serialized by a media type";
		}
		JsonNode schema = this.schemas.resolve(schemaOf(parameter), where);
		String kind = kindOf(schema, where);
		if ("shape".equals(kind) || "object".equals(kind)) {
			return "parameter '" + parameter.path("name").asString() + "' is an object, which the http-bridge cannot spell";
		}
		boolean list = Schemas.typesOf(schema).contains("array");
		String style = parameter.path("style").asString("path".equals(in) ? "simple" : "form");
		boolean explode = parameter.path("explode").asBoolean("form".equals(style));
		if (("query".equals(in) && !"form".equals(style)) || ("path".equals(in) && !"simple".equals(style))
				|| (list && explode)) {
			return "parameter '" + parameter.path("name").asString() + "' asks for style " + style
					+ (explode ? " exploded" : "")
					+ "; the http-bridge sends a list as one comma-separated value (form or simple, explode: false)";
		}
		return null;
	}

	private static JsonNode schemaOf(JsonNode parameter) {
		return parameter.path("schema");
	}

	/** "shape" for an object with properties, "object" for a free-form one, "array", or another type's name. */
	private String kindOf(JsonNode schema, String where) {
		JsonNode resolved = this.schemas.resolve(schema, where);
		List<String> types = Schemas.typesOf(resolved);
		if (types.contains("array")) {
			return "array";
		}
		if (!resolved.path("properties").isEmpty() || resolved.has("allOf")) {
			return "shape";
		}
		if (types.contains("object")) {
			return "object";
		}
		return types.isEmpty() ? "any" : types.get(0);
	}

	private Field argument(JsonNode parameter, String where) {
		String name = parameter.get("name").asString();
		boolean required = parameter.path("required").asBoolean(false) || "path".equals(parameter.get("in").asString());
		JsonNode schema = schemaOf(parameter);
		String at = where + ".parameters." + name;
		TypeRef type = this.schemas.typeOf(schema, name, Names.upperFirst(name), required, at);
		return new Field(name, type, Schemas.text(parameter.get("description")), this.schemas.defaultOf(schema, at));
	}

	/**
	 * The JSON body's schema, {@code null} for an operation without a body, a missing node for
	 * one whose body is not JSON.
	 */
	private JsonNode requestBody(JsonNode operation, String where) {
		if (!operation.has("requestBody")) {
			return null;
		}
		JsonNode body = this.schemas.resolve(operation.get("requestBody"), where + ".requestBody");
		JsonNode schema = jsonSchema(body.path("content"));
		return (schema != null) ? schema : MissingNode.getInstance();
	}

	/** The first 2xx answer's status (or {@code default}), or {@code null} when none is documented. */
	private static String successCode(JsonNode operation) {
		List<String> codes = new ArrayList<>(operation.path("responses").propertyNames());
		return codes.stream().filter((code) -> code.startsWith("2")).sorted().findFirst()
			.orElse(codes.contains("default") ? "default" : null);
	}

	/** The schema of {@code application/json}, else of another JSON media type, else of any. */
	private static JsonNode jsonSchema(JsonNode content) {
		JsonNode any = null;
		for (Map.Entry<String, JsonNode> media : content.properties()) {
			String type = media.getKey().toLowerCase();
			if (type.equals("application/json") || type.startsWith("application/json;")) {
				return media.getValue().path("schema");
			}
			if (any == null && (type.contains("json") || type.equals("*/*"))) {
				any = media.getValue().path("schema");
			}
		}
		return any;
	}

	/**
	 * The batched lookup the parameter makes of the operation, found by shape, or {@code null}: a
	 * required array query parameter of strings or integers with a plural name, and an answer that
	 * is an array of objects carrying the singular (matched by key) or an array of arrays (one per
	 * key, in key order). The keys go in the call's {@code {keys}}, so no {@code keys-field}.
	 */
	private Batch batchOf(JsonNode parameter, JsonNode answer, String where) {
		String name = parameter.get("name").asString();
		String singular = Names.singular(name);
		JsonNode schema = this.schemas.resolve(schemaOf(parameter), where);
		List<String> keyTypes = Schemas.typesOf(this.schemas.resolve(schema.path("items"), where));
		if (answer == null || !"query".equals(parameter.get("in").asString())
				|| !parameter.path("required").asBoolean(false) || !Schemas.typesOf(schema).contains("array")
				|| singular.equals(name) || keyTypes.isEmpty() || !Set.of("string", "integer", "null").containsAll(keyTypes)) {
			return null;
		}
		JsonNode answered = this.schemas.resolve(answer, where);
		if (!Schemas.typesOf(answered).contains("array")) {
			return null;
		}
		JsonNode item = this.schemas.resolve(answered.path("items"), where);
		String keys = "takes " + name + " (a list of " + String.join(" or ", keyTypes) + ")";
		if (Schemas.typesOf(item).contains("array")) {
			return new Batch(null, singular, null, null, null,
					keys + " and answers an array of arrays, one per key in key order");
		}
		String keyField = keyField(item, singular);
		return (keyField != null) ? new Batch(null, singular, null, keyField, null,
				keys + " and answers an array of " + itemName(answered.path("items")) + ", each carrying " + keyField)
				: null;
	}

	/** The item's property named as one key: {@code id}; {@code author_id} or {@code authorId}. */
	private static String keyField(JsonNode item, String singular) {
		JsonNode properties = item.path("properties");
		String camel = Names.camel(singular);
		String snake = singular.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
		for (String candidate : List.of(singular, camel, snake)) {
			if (properties.has(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	private static String itemName(JsonNode items) {
		String ref = items.path("$ref").asString("");
		return ref.isEmpty() ? "objects" : ref.substring(ref.lastIndexOf('/') + 1);
	}

	/** What one key (batched) or the call answers: the answer, one of its items, or a keyless call's JSON. */
	private TypeRef result(String name, JsonNode answer, Batch batch, String where) {
		String inlineName = Names.upperFirst(name) + "Result";
		if (answer == null) {
			return TypeRef.named("JSON");
		}
		if (batch == null) {
			return this.schemas.typeOf(answer, null, inlineName, false, where);
		}
		JsonNode items = this.schemas.resolve(answer, where).path("items");
		// A key may find no item: the one key's answer is nullable whatever the document says.
		return this.schemas.typeOf(items, null, inlineName, false, where + ".items");
	}

	/** The documented 4xx answers as the bus statuses the http-bridge makes of them. */
	private static List<String> errors(JsonNode operation) {
		List<String> errors = new ArrayList<>();
		for (String code : operation.path("responses").propertyNames()) {
			if (code.matches("4\\d\\d")) {
				errors.add(code + " -> " + busStatus(Integer.parseInt(code)));
			}
		}
		return errors;
	}

	/** The http-bridge's mapping (HttpBackendClient): 4xx statuses only. */
	static String busStatus(int httpStatus) {
		return switch (httpStatus) {
			case 404 -> "NOT_FOUND";
			case 401, 403 -> "PERMISSION_DENIED";
			case 408, 429 -> "UNAVAILABLE";
			default -> "INVALID_ARGUMENT";
		};
	}

	private static String description(JsonNode operation) {
		String summary = Schemas.text(operation.get("summary"));
		String description = Schemas.text(operation.get("description"));
		if (summary != null && description != null) {
			return summary + "\n\n" + description;
		}
		return (summary != null) ? summary : description;
	}

	/**
	 * The name of an operation without {@code operationId}: the method, then each path segment
	 * capitalized, a parameter as {@code By<Name>}: {@code GET /users/{id}/posts} is
	 * {@code getUsersByIdPosts}.
	 */
	static String nameOf(String method, String path) {
		StringBuilder name = new StringBuilder(method.toLowerCase());
		for (String segment : path.split("/")) {
			if (segment.isEmpty()) {
				continue;
			}
			boolean parameter = segment.startsWith("{") && segment.endsWith("}");
			String word = Names.camel(parameter ? segment.substring(1, segment.length() - 1) : segment);
			name.append(parameter ? "By" : "").append(Names.upperFirst(word));
		}
		return name.toString();
	}

}

package io.busgate.bridge.http;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.http.HttpMethod;
import org.springframework.web.util.DefaultUriBuilderFactory;
import org.springframework.web.util.UriTemplate;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bridge.JsonRoute;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;

/**
 * A configured route, compiled: which HTTP call an operation becomes. Its call is
 * {@code <METHOD> <URI template>}; the template is relative to the base URL. {@code {key}} makes
 * the route per key: it is called once per key, and a 404 is a {@code null} item. {@code {keys}}
 * expands to the keys joined by commas; any other variable to the argument of that name. POST,
 * PUT and PATCH send the route's request JSON ({@link JsonRoute#request}) as the body; the other
 * methods send none.
 */
final class HttpRoute {

	private static final String KEY = "key";

	private static final String KEYS = "keys";

	private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

	private final JsonRoute json;

	private final HttpMethod method;

	private final String path;

	private final List<String> variables;

	private final DefaultUriBuilderFactory uris;

	/**
	 * @throws IllegalArgumentException if the call is not a method and a URI template, or the
	 * route's settings contradict each other
	 */
	HttpRoute(String operation, BridgeProperties.Route route, URI baseUrl) {
		String[] call = route.call().trim().split("\\s+", 2);
		if (call.length != 2 || !call[0].chars().allMatch(Character::isUpperCase)) {
			throw new IllegalArgumentException("route " + operation + ": an HTTP call is '<METHOD> <URI template>',"
					+ " e.g. 'GET /user/{key}'; was '" + route.call() + "'");
		}
		this.method = HttpMethod.valueOf(call[0]);
		this.path = call[1];
		this.variables = new UriTemplate(this.path).getVariableNames();
		this.json = new JsonRoute(operation, route,
				route.keysField() != null || this.variables.contains(KEY) || this.variables.contains(KEYS),
				JsonRoute.Names.of(route));
		this.uris = new DefaultUriBuilderFactory(baseUrl.toString());
		// Encode every expanded value completely, so a key such as "a/b" stays one path segment.
		this.uris.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.VALUES_ONLY);
	}

	/** The JSON side of the route: the request's checks and body, the answer's items. */
	JsonRoute json() {
		return this.json;
	}

	/** Whether the route is called once per key rather than once per request. */
	boolean isPerKey() {
		return this.variables.contains(KEY);
	}

	HttpMethod method() {
		return this.method;
	}

	/**
	 * The body of the request's calls: the request JSON, or {@code null} for a method without one.
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the request does not fit the route
	 */
	Map<String, Object> body(BusRequest request) {
		if (!WITH_BODY.contains(this.method)) {
			this.json.checkKeys(request);
			return null;
		}
		return this.json.request(request);
	}

	/** The URI of one call; {@code key} is {@code null} unless the route is per-key. */
	URI uri(BusRequest request, Object key) {
		Map<String, Object> values = new HashMap<>();
		for (String variable : this.variables) {
			values.put(variable, valueOf(variable, request, key));
		}
		return this.uris.expand(this.path, values);
	}

	/** How to name a call in messages, without its argument values. */
	String describe() {
		return this.json.describe();
	}

	private Object valueOf(String variable, BusRequest request, Object key) {
		if (KEY.equals(variable)) {
			return text(key);
		}
		if (KEYS.equals(variable)) {
			return text(request.keys());
		}
		if (!request.args().containsKey(variable)) {
			throw new BackendException(BusStatus.INVALID_ARGUMENT, "route " + describe() + " needs argument '"
					+ variable + "', the request has " + request.args().keySet());
		}
		return text(request.args().get(variable));
	}

	private static String text(Object value) {
		if (value instanceof List<?> list) {
			return list.stream().map(HttpRoute::text).collect(Collectors.joining(","));
		}
		return (value != null) ? value.toString() : "";
	}

}

package io.busgate.bridge.http;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.http.HttpMethod;
import org.springframework.web.util.DefaultUriBuilderFactory;
import org.springframework.web.util.UriTemplate;

import io.busgate.bridge.BackendException;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;

/** A configured route, compiled: which call an operation becomes. */
final class HttpRoute {

	private static final String KEY = "key";

	private static final String KEYS = "keys";

	private final String operation;

	private final HttpMethod method;

	private final String path;

	private final HttpBridgeProperties.Body body;

	private final List<String> variables;

	private final DefaultUriBuilderFactory uris;

	HttpRoute(String operation, HttpBridgeProperties.Route route, URI baseUrl) {
		this.operation = operation;
		this.method = route.method();
		this.path = route.path();
		this.body = route.body();
		this.variables = new UriTemplate(route.path()).getVariableNames();
		this.uris = new DefaultUriBuilderFactory(baseUrl.toString());
		// Encode every expanded value completely, so a key such as "a/b" stays one path segment.
		this.uris.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.VALUES_ONLY);
	}

	/** Whether the route is called once per key rather than once per request. */
	boolean isPerKey() {
		return this.variables.contains(KEY);
	}

	HttpMethod method() {
		return this.method;
	}

	HttpBridgeProperties.Body body() {
		return this.body;
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
		return this.method.name() + " " + this.path + " (" + this.operation + ")";
	}

	private Object valueOf(String variable, BusRequest request, Object key) {
		if (KEY.equals(variable)) {
			return text(key);
		}
		if (KEYS.equals(variable)) {
			if (!request.isKeyed()) {
				throw invalid("route " + describe() + " needs keys, the request has none");
			}
			return request.keys().stream().map(HttpRoute::text).collect(Collectors.joining(","));
		}
		if (!request.args().containsKey(variable)) {
			throw invalid("route " + describe() + " needs argument '" + variable + "', the request has "
					+ request.args().keySet());
		}
		return text(request.args().get(variable));
	}

	private static String text(Object value) {
		if (value instanceof List<?> list) {
			return list.stream().map(HttpRoute::text).collect(Collectors.joining(","));
		}
		return (value != null) ? value.toString() : "";
	}

	private static BackendException invalid(String message) {
		return new BackendException(BusStatus.INVALID_ARGUMENT, message);
	}

}

package io.busgate.bridge.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.HttpMethod;
import org.springframework.util.unit.DataSize;

/**
 * How the HTTP bridge reaches its backend and maps operations to HTTP calls.
 *
 * @param baseUrl the backend's base URL, e.g. {@code http://127.0.0.1:8081}
 * @param connectTimeout how long to wait for a TCP connection; the whole call is bounded by
 * each request's deadline
 * @param maxConnections connections to the backend at most; calls beyond wait for one
 * @param maxResponseSize the largest response body read from the backend; a larger one is
 * {@code RESPONSE_TOO_LARGE}. As large as a reply record ({@code busgate.bridge.max-reply-size}):
 * a larger body could not be replied anyway
 * @param routes the call for each operation, by operation name
 */
@ConfigurationProperties("busgate.bridge.http")
public record HttpBridgeProperties(URI baseUrl, @DefaultValue("2s") Duration connectTimeout,
		@DefaultValue("200") int maxConnections, @DefaultValue("1MB") DataSize maxResponseSize,
		Map<String, Route> routes) {

	public HttpBridgeProperties {
		if (baseUrl == null) {
			throw new IllegalArgumentException("busgate.bridge.http.base-url must be set");
		}
		if (maxResponseSize.toBytes() < 1024 || maxResponseSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"busgate.bridge.http.max-response-size must be between 1KB and 2GB, was " + maxResponseSize);
		}
		routes = (routes != null) ? Map.copyOf(routes) : Map.of();
	}

	/**
	 * One operation as an HTTP call.
	 *
	 * @param method the HTTP method
	 * @param path a URI template relative to the base URL. {@code {key}} makes the route
	 * per-key: it is called once per key, concurrently, and a 404 becomes a {@code null} item.
	 * Without it the route is called once per request, and for a keyed request must answer a
	 * JSON array with one element per key in key order. {@code {keys}} expands to the keys joined
	 * by commas; any other variable to the argument of that name
	 * @param body what to send as the JSON body
	 */
	public record Route(@DefaultValue("GET") HttpMethod method, String path, @DefaultValue("none") Body body) {

		public Route {
			if (path == null || path.isBlank()) {
				throw new IllegalArgumentException("a route needs a path");
			}
		}

	}

	/** The JSON body of a route's calls. */
	public enum Body {

		/** No body. */
		NONE,

		/** The request's arguments as a JSON object. */
		ARGS,

		/** The whole request value, {@code {"keys":[...], "args":{...}}}. */
		REQUEST

	}

}

package io.busgate.bridge.http;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the HTTP bridge reaches its backend; the routes are {@code busgate.bridge.routes} ({@link HttpRoute}).
 *
 * @param baseUrl the backend's base URL, e.g. {@code http://127.0.0.1:8081}
 * @param connectTimeout how long to wait for a TCP connection; the whole call is bounded by
 * each request's deadline
 * @param maxConnections connections to the backend at most; calls beyond wait for one
 * @param maxResponseSize the largest response body read from the backend; a larger one is
 * {@code RESPONSE_TOO_LARGE}. As large as a reply record ({@code busgate.bridge.max-reply-size}):
 * a larger body could not be replied anyway
 */
@ConfigurationProperties("busgate.bridge.http")
public record HttpBridgeProperties(URI baseUrl, @DefaultValue("2s") Duration connectTimeout,
		@DefaultValue("200") int maxConnections, @DefaultValue("1MB") DataSize maxResponseSize) {

	public HttpBridgeProperties {
		if (baseUrl == null) {
			throw new IllegalArgumentException("busgate.bridge.http.base-url must be set");
		}
		if (maxResponseSize.toBytes() < 1024 || maxResponseSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"busgate.bridge.http.max-response-size must be between 1KB and 2GB, was " + maxResponseSize);
		}
	}

}

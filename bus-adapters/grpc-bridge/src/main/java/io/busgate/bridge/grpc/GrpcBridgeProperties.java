package io.busgate.bridge.grpc;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

/**
 * How the gRPC bridge reaches its backend, learns its protobuf types and maps operations to
 * unary gRPC calls.
 *
 * @param target the backend, as a gRPC target: {@code host:port} such as
 * {@code 127.0.0.1:9090}, or a URI such as {@code dns:///posts.internal:9090}. Plaintext
 * @param descriptorSet a {@code FileDescriptorSet} file describing the backend's services (as
 * written by {@code protoc --descriptor_set_out --include_imports}). When set, the descriptors
 * are read from it at startup and every route is checked then; when not, they are read from
 * the backend's server reflection ({@code grpc.reflection.v1}) when first needed
 * @param connectTimeout how long to wait for a TCP connection to the backend; every call is
 * also bounded by its request's deadline
 * @param reflectionTimeout how long reading the descriptors by server reflection may take
 * @param maxInboundMessageSize the largest response accepted from the backend; a larger one is
 * {@code RESPONSE_TOO_LARGE}. As large as a reply record ({@code busgate.bridge.max-reply-size}):
 * its JSON is hardly smaller, and could not be replied
 * @param routes the call for each operation, by operation name
 */
@ConfigurationProperties("busgate.bridge.grpc")
public record GrpcBridgeProperties(String target, Resource descriptorSet, @DefaultValue("2s") Duration connectTimeout,
		@DefaultValue("10s") Duration reflectionTimeout, @DefaultValue("1MB") DataSize maxInboundMessageSize,
		Map<String, Route> routes) {

	public GrpcBridgeProperties {
		if (target == null || target.isBlank()) {
			throw new IllegalArgumentException("busgate.bridge.grpc.target must name the backend, e.g. 127.0.0.1:9090");
		}
		routes = (routes != null) ? Map.copyOf(routes) : Map.of();
	}

	/**
	 * One operation as a unary gRPC call. JSON field names may be given as in the
	 * {@code .proto} ({@code author_id}) or in lowerCamelCase ({@code authorId}).
	 *
	 * @param method the full method name, {@code <package>.<Service>/<Method>}, e.g.
	 * {@code busgate.post.v1.PostService/GetPosts}
	 * @param keysField the request message's repeated field that receives the request's keys;
	 * absent for a keyless call (which must then have no keys)
	 * @param argsField the argument whose value, an object, becomes the request message;
	 * absent: the arguments object itself is the request message. Either way, fields the
	 * message does not have are refused with {@code INVALID_ARGUMENT}
	 * @param itemsField the response message's field holding the items; absent: the whole
	 * response is the one item of a keyless call. For a keyless call with this field set, its
	 * value (a list, for a repeated field) is the one item
	 * @param itemKeyField the items' field that matches an item to a request key (an item
	 * missing for a key gives {@code null}); absent: the response has exactly one item per key,
	 * in key order
	 * @param itemValueField the items' field whose value is the item answered, e.g. the
	 * {@code posts} of an author entry; absent: the whole item
	 */
	public record Route(String method, String keysField, String argsField, String itemsField, String itemKeyField,
			String itemValueField) {

		public Route {
			if (method == null || method.indexOf('/') <= 0 || method.indexOf('/') != method.lastIndexOf('/')
					|| method.endsWith("/")) {
				throw new IllegalArgumentException("a gRPC route needs a full method name <package>.<Service>/<Method>,"
						+ " e.g. busgate.post.v1.PostService/GetPosts; was '" + method + "'");
			}
			if (keysField != null && itemsField == null) {
				throw new IllegalArgumentException(
						"route " + method + ": a route with keys-field needs items-field to find one item per key");
			}
			if ((itemKeyField != null || itemValueField != null) && itemsField == null) {
				throw new IllegalArgumentException(
						"route " + method + ": item-key-field and item-value-field need items-field");
			}
			if (itemKeyField != null && keysField == null) {
				throw new IllegalArgumentException(
						"route " + method + ": item-key-field matches items to keys, so it needs keys-field");
			}
		}

		/** The fully qualified service name, the part before the slash. */
		String serviceName() {
			return this.method.substring(0, this.method.indexOf('/'));
		}

		/** The method's simple name, the part after the slash. */
		String methodName() {
			return this.method.substring(this.method.indexOf('/') + 1);
		}

	}

}

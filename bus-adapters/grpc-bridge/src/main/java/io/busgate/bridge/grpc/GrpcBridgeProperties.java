package io.busgate.bridge.grpc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

/**
 * How the gRPC bridge reaches its backend and learns its protobuf types; the routes to unary
 * gRPC calls are {@code busgate.bridge.routes} ({@link GrpcRoute}).
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
 */
@ConfigurationProperties("busgate.bridge.grpc")
public record GrpcBridgeProperties(String target, Resource descriptorSet, @DefaultValue("2s") Duration connectTimeout,
		@DefaultValue("10s") Duration reflectionTimeout, @DefaultValue("1MB") DataSize maxInboundMessageSize) {

	public GrpcBridgeProperties {
		if (target == null || target.isBlank()) {
			throw new IllegalArgumentException("busgate.bridge.grpc.target must name the backend, e.g. 127.0.0.1:9090");
		}
	}

}

package io.busgate.bridge.grpc;

import java.time.Clock;

import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.busgate.bridge.BackendClient;
import io.busgate.bridge.BridgeProperties;

/**
 * The gRPC protocol bridge: serves {@code busgate.bridge.service}'s operations by unary gRPC
 * calls, routed by configuration ({@code busgate.bridge.routes}, {@link GrpcRoute}), with no generated code of the
 * backend's API.
 */
@SpringBootApplication
@EnableConfigurationProperties(GrpcBridgeProperties.class)
public class GrpcBridgeApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The application, reading its own {@code grpc-bridge.yml} (and {@code grpc-bridge-<profile>.yml};
	 * a backend's routes are given with {@code spring.config.import}),
	 * so that apps sharing a classpath never read each other's configuration.
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(GrpcBridgeApplication.class).properties("spring.config.name=grpc-bridge");
	}

	@Bean
	BackendClient grpcBackendClient(GrpcBridgeProperties properties, BridgeProperties bridge,
			ObservationRegistry observations, ObjectProvider<OpenTelemetry> openTelemetry) {
		return new GrpcBackendClient(properties, bridge.routes(), Clock.systemUTC(), observations,
				openTelemetry.getIfAvailable(OpenTelemetry::noop).getPropagators().getTextMapPropagator());
	}

}

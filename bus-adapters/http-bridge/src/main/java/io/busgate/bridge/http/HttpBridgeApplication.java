package io.busgate.bridge.http;

import io.opentelemetry.api.OpenTelemetry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

import io.busgate.bridge.BackendClient;
import io.busgate.bridge.BridgeProperties;

/** The HTTP/JSON protocol bridge: serves {@code busgate.bridge.service}'s operations over HTTP. */
@SpringBootApplication
@EnableConfigurationProperties(HttpBridgeProperties.class)
public class HttpBridgeApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The application, reading its own {@code http-bridge.yml} (and {@code http-bridge-<profile>.yml};
	 * a backend's routes are given with {@code spring.config.import}),
	 * so that apps sharing a classpath never read each other's configuration.
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(HttpBridgeApplication.class).properties("spring.config.name=http-bridge");
	}

	@Bean
	BackendClient httpBackendClient(HttpBridgeProperties properties, BridgeProperties bridge,
			WebClient.Builder webClients, ObjectProvider<OpenTelemetry> openTelemetry) {
		return new HttpBackendClient(properties, bridge.routes(), webClients,
				openTelemetry.getIfAvailable(OpenTelemetry::noop).getPropagators().getTextMapPropagator());
	}

}

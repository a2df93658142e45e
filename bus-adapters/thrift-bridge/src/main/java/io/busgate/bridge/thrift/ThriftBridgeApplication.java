package io.busgate.bridge.thrift;

import java.io.IOException;
import java.time.Clock;

import io.opentelemetry.api.OpenTelemetry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

import io.busgate.bridge.BackendClient;
import io.busgate.bridge.BridgeProperties;
import io.busgate.thrift.idl.ThriftIdlReader;

/** The Apache Thrift protocol bridge: serves {@code busgate.bridge.service}'s operations over Thrift. */
@SpringBootApplication
@EnableConfigurationProperties(ThriftBridgeProperties.class)
public class ThriftBridgeApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The application, reading its own {@code thrift-bridge.yml} (and
	 * {@code thrift-bridge-<profile>.yml}; a backend's routes are given with
	 * {@code spring.config.import}), so that apps sharing a classpath never read each other's
	 * configuration.
	 * @return a builder for the application
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(ThriftBridgeApplication.class)
			.properties("spring.config.name=thrift-bridge");
	}

	@Bean
	BackendClient thriftBackendClient(ThriftBridgeProperties properties, BridgeProperties bridge,
			ResourceLoader resourceLoader, ObjectProvider<OpenTelemetry> openTelemetry) throws IOException {
		// A path without a prefix is a file, relative to the working directory.
		Resource idl = ApplicationResourceLoader.get(resourceLoader.getClassLoader()).getResource(properties.idl());
		if (!idl.exists()) {
			throw new IllegalArgumentException("busgate.bridge.thrift.idl " + properties.idl() + " does not exist ("
					+ idl.getDescription() + ")");
		}
		return new ThriftBackendClient(properties, bridge.routes(), ThriftIdlReader.read(idl.getURL()), Clock.systemUTC(),
				openTelemetry.getIfAvailable(OpenTelemetry::noop));
	}

}

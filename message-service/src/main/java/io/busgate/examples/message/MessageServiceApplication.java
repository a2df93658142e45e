package io.busgate.examples.message;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The example Apache Thrift backend: in-site messages between the seeded users, served by a
 * Thrift server (see {@link MessageServiceProperties}) that the thrift-bridge calls on behalf
 * of the gateway. Spring Boot runs the server's lifecycle and the actuator's health probes on
 * an HTTP management port.
 */
@SpringBootApplication
public class MessageServiceApplication {

	/** The name of this app's configuration file, {@code message-service.yml}. */
	static final String CONFIG_NAME = "message-service";

	/**
	 * The environment property holding the port the Thrift server listens on once it is started,
	 * useful when {@code busgate.message-service.port} is 0 (any free port).
	 */
	public static final String LOCAL_PORT_PROPERTY = "local.message-service.port";

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The application, reading its own {@code message-service.yml}, so that apps sharing a
	 * classpath (as in the system tests) never read each other's configuration.
	 * @return a builder for the application
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(MessageServiceApplication.class)
			.properties("spring.config.name=" + CONFIG_NAME);
	}

}

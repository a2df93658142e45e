package io.busgate.examples.user;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The example HTTP/JSON backend: a fixed, seeded set of users and their friends, served
 * read-only over plain Spring MVC. The http-bridge calls it on behalf of the gateway.
 */
@SpringBootApplication
public class UserServiceApplication {

	/** The name of this app's configuration file, {@code user-service.yml}. */
	static final String CONFIG_NAME = "user-service";

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The application, reading its own {@code user-service.yml}, so that apps sharing a
	 * classpath (as in the system tests) never read each other's configuration.
	 * @return a builder for the application
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(UserServiceApplication.class)
			.properties("spring.config.name=" + CONFIG_NAME);
	}

}

package io.busgate.examples.post;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * The example gRPC backend: posts written by the users of user-service, seeded from a fixed
 * seed and kept in memory. The grpc-bridge calls it on behalf of the gateway.
 *
 * <p>The gRPC server (with health checking and server reflection) is Spring gRPC's, as Spring
 * Boot ships it; this app only adds the service, see {@link PostServiceConfiguration}.
 */
@SpringBootApplication
public class PostServiceApplication {

	/** The name of this app's configuration file, {@code post-service.yml}. */
	static final String CONFIG_NAME = "post-service";

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The application, reading its own {@code post-service.yml}, so that apps sharing a
	 * classpath (as in the system tests) never read each other's configuration.
	 * @return a builder for the application
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(PostServiceApplication.class)
			.properties("spring.config.name=" + CONFIG_NAME);
	}

}

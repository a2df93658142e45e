package io.busgate.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The Busgate gateway: GraphQL over HTTP, every {@code @bus} field fetched over Kafka. */
@SpringBootApplication
@EnableConfigurationProperties(GatewayProperties.class)
public class GatewayApplication {

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The application, reading its own {@code gateway.yml}: every Busgate app names its
	 * configuration after itself, so that apps sharing a classpath (as in the system tests) never
	 * read each other's.
	 */
	public static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(GatewayApplication.class).properties("spring.config.name=gateway");
	}

}

package io.busgate.systemtests;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;

import io.busgate.bridge.http.HttpBridgeApplication;
import io.busgate.examples.user.UserServiceApplication;
import io.busgate.gateway.GatewayApplication;

/**
 * The user slice of Busgate in one JVM, each app in its own application context the way the
 * local stack runs them as processes: user-service, the HTTP bridge serving it, and a gateway,
 * all on free ports against one broker.
 */
final class UserStack implements AutoCloseable {

	/**
	 * The gateway's schema is on this shared classpath; the other apps must not start a GraphQL
	 * endpoint of their own from it.
	 */
	private static final String NO_GRAPHQL = "--spring.graphql.schema.locations=classpath:/no-graphql-here/";

	/** Settings are passed as arguments, which, unlike default properties, win over each app's yml. */
	private static final String ANY_FREE_PORT = "--server.port=0";

	/**
	 * Reactor Netty shares one set of event loops per JVM by default, and closing any context
	 * disposes them. Separate processes never share; here each reactive app gets its own, so that
	 * stopping the bridge leaves the gateway's server running.
	 */
	private static final ApplicationContextInitializer<ConfigurableApplicationContext> OWN_NETTY_RESOURCES = (
			context) -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {

				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) {
					if (bean instanceof ReactorResourceFactory resources) {
						resources.setUseGlobalResources(false);
					}
					return bean;
				}

			});

	private final String brokers;

	private final ConfigurableApplicationContext userService;

	private ConfigurableApplicationContext bridge;

	private final ConfigurableApplicationContext gateway;

	UserStack(String brokers) {
		this.brokers = brokers;
		this.userService = UserServiceApplication.application().run(ANY_FREE_PORT, NO_GRAPHQL);
		this.bridge = startBridge();
		this.gateway = GatewayApplication.application()
			.initializers(OWN_NETTY_RESOURCES)
			.run(ANY_FREE_PORT, "--spring.kafka.bootstrap-servers=" + brokers,
					"--busgate.gateway.instance-id=system-tests", "--busgate.gateway.reply-timeout=3s");
	}

	String gatewayUrl() {
		return "http://127.0.0.1:" + port(this.gateway);
	}

	String userServiceUrl() {
		return "http://127.0.0.1:" + port(this.userService);
	}

	ConfigurableApplicationContext gateway() {
		return this.gateway;
	}

	void stopBridge() {
		this.bridge.close();
	}

	void startBridgeAgain() {
		this.bridge = startBridge();
	}

	@Override
	public void close() {
		List<RuntimeException> failures = new ArrayList<>();
		for (ConfigurableApplicationContext context : List.of(this.gateway, this.bridge, this.userService)) {
			try {
				context.close();
			}
			catch (RuntimeException ex) {
				failures.add(ex);
			}
		}
		if (!failures.isEmpty()) {
			throw failures.get(0);
		}
	}

	private ConfigurableApplicationContext startBridge() {
		return HttpBridgeApplication.application()
			.initializers(OWN_NETTY_RESOURCES)
			.profiles("user")
			.run(ANY_FREE_PORT, NO_GRAPHQL, "--spring.kafka.bootstrap-servers=" + this.brokers,
					"--busgate.bridge.http.base-url=" + userServiceUrl());
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}

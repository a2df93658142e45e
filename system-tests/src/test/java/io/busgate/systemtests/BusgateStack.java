package io.busgate.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;
import org.springframework.http.client.ReactorResourceFactory;

import io.busgate.bridge.grpc.GrpcBridgeApplication;
import io.busgate.bridge.http.HttpBridgeApplication;
import io.busgate.bridge.thrift.ThriftBridgeApplication;
import io.busgate.examples.message.MessageServiceApplication;
import io.busgate.examples.post.PostServiceApplication;
import io.busgate.examples.user.UserServiceApplication;
import io.busgate.gateway.GatewayApplication;
import io.busgate.gateway.security.LocalTokens;

/**
 * All of Busgate in one JVM, each app in its own application context the way the local stack
 * runs them as processes: the three example services, their bridges and two gateways, on free
 * ports against one broker. Services and bridges can be stopped and started again. Public for the
 * benchmark's smoke test.
 */
public final class BusgateStack implements AutoCloseable {

	/**
	 * The gateway's schema is on this shared classpath; the other apps must not start a GraphQL
	 * endpoint of their own from it.
	 */
	static final String NO_GRAPHQL = "--spring.graphql.schema.locations=classpath:/no-graphql-here/";

	/**
	 * The gateway's Spring Security is on this shared classpath too; the other apps have none of
	 * their own (each runs from its own jar), and must not lock their endpoints with Boot's defaults.
	 */
	static final String NO_SECURITY = "--spring.autoconfigure.exclude="
			+ "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet."
			+ "ManagementWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.actuate.web.reactive."
			+ "ReactiveManagementWebSecurityAutoConfiguration";

	/** The Thrift bridge reads message-service's IDL from its source tree (tests run in system-tests/). */
	static final String MESSAGE_IDL = "--busgate.bridge.thrift.idl=../message-service/src/main/thrift/message_service.thrift";

	/**
	 * The argument that gives a generic bridge the routes of an example service, as the local
	 * stack and docker-compose do: {@code compose/routes/<service>.yml} of the repository.
	 * @param service the example service: {@code user}, {@code post} or {@code message}
	 */
	static String routes(String service) {
		Path module = Path.of("").toAbsolutePath();
		Path routes = module.resolveSibling("compose").resolve("routes").resolve(service + ".yml");
		if (!Files.isRegularFile(routes)) {
			throw new IllegalStateException("no routes for " + service + " at " + routes
					+ "; system tests run in system-tests/ of the repository");
		}
		return "--spring.config.import=file:" + routes;
	}

	/** Settings are passed as arguments, which, unlike default properties, win over each app's yml. */
	static final String ANY_FREE_PORT = "--server.port=0";

	/**
	 * The tests' clients are all 127.0.0.1, one client to the gateways' rate limit, and some send
	 * hundreds of requests at once: the limit is the gateway module's to test.
	 */
	static final String NO_RATE_LIMIT = "--busgate.gateway.limits.rate.enabled=false";

	/**
	 * Reactor Netty shares one set of event loops per JVM by default, and closing any context
	 * disposes them. Separate processes never share; here each reactive app gets its own, so that
	 * stopping one app leaves the others' servers running.
	 */
	static final ApplicationContextInitializer<ConfigurableApplicationContext> OWN_NETTY_RESOURCES = (
			context) -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {

				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) {
					if (bean instanceof ReactorResourceFactory resources) {
						resources.setUseGlobalResources(false);
					}
					return bean;
				}

			});

	/**
	 * Every app exports its spans here, a batch at least every 100 ms, so that tests can look at
	 * a trace across all of them.
	 */
	private static final String SPANS_SOON = "--management.opentelemetry.tracing.export.schedule-delay=100ms";

	/**
	 * The gateways verify tokens signed with this key, as the local stack's do; {@link #bearer}
	 * mints them.
	 */
	private static final String SIGNING_KEY = "busgate-system-tests-signing-key-not-a-secret";

	static final String VERIFIES_TOKENS = "--busgate.gateway.security.local-signing-key=" + SIGNING_KEY;

	private static final LocalTokens TOKENS = new LocalTokens(SIGNING_KEY);

	private final RecordedSpans spans = new RecordedSpans();

	private final String brokers;

	/**
	 * The backends' ports: any free one at the first start, bound by the backend itself (a port
	 * chosen here and bound later could be taken meanwhile), then the same one when started again.
	 */
	private int postGrpcPort;

	private int messageThriftPort;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final ConfigurableApplicationContext userService;

	private ConfigurableApplicationContext postService;

	private ConfigurableApplicationContext messageService;

	private ConfigurableApplicationContext httpBridge;

	private final ConfigurableApplicationContext gateway;

	private final ConfigurableApplicationContext secondGateway;

	public BusgateStack(String brokers) {
		this.brokers = brokers;
		this.userService = start(UserServiceApplication.application(), NO_GRAPHQL, NO_SECURITY,
				"--busgate.user-service.drills=true");
		this.postService = startPostService();
		this.messageService = startMessageService();
		this.httpBridge = startHttpBridge();
		start(GrpcBridgeApplication.application(), routes("post"), NO_GRAPHQL, NO_SECURITY, kafka(),
				"--busgate.bridge.grpc.target=127.0.0.1:" + this.postGrpcPort);
		start(ThriftBridgeApplication.application(), routes("message"), NO_GRAPHQL, NO_SECURITY, kafka(),
				"--busgate.bridge.thrift.port=" + this.messageThriftPort, MESSAGE_IDL);
		this.gateway = start(GatewayApplication.application(), kafka(), VERIFIES_TOKENS, NO_RATE_LIMIT,
				"--busgate.gateway.instance-id=system-tests", "--busgate.gateway.reply-timeout=3s");
		this.secondGateway = start(GatewayApplication.application(), kafka(), VERIFIES_TOKENS, NO_RATE_LIMIT,
				"--busgate.gateway.instance-id=system-tests-2", "--busgate.gateway.reply-timeout=3s");
	}

	public String brokers() {
		return this.brokers;
	}

	/** The spans all apps exported. */
	RecordedSpans spans() {
		return this.spans;
	}

	/** The {@code Authorization} header's value for a user, accepted by this stack's gateways. */
	public static String bearer(String userId) {
		return "Bearer " + TOKENS.mint(userId, Duration.ofHours(1));
	}

	public String gatewayUrl() {
		return "http://127.0.0.1:" + port(this.gateway);
	}

	/** A second gateway instance, with its own reply topic, for what must work across gateways. */
	String secondGatewayUrl() {
		return "http://127.0.0.1:" + port(this.secondGateway);
	}

	/** Starts one more gateway with these settings added; the caller stops it by closing it. */
	ConfigurableApplicationContext startGateway(String instanceId, String... settings) {
		List<String> args = new ArrayList<>(List.of(ANY_FREE_PORT, SPANS_SOON, kafka(), VERIFIES_TOKENS, NO_RATE_LIMIT,
				"--busgate.gateway.instance-id=" + instanceId));
		args.addAll(List.of(settings));
		return GatewayApplication.application()
			.initializers(OWN_NETTY_RESOURCES, exportingTo(this.spans))
			.run(args.toArray(String[]::new));
	}

	static String url(ConfigurableApplicationContext app) {
		return "http://127.0.0.1:" + port(app);
	}

	/** The post service's gRPC port, for bridges started apart and for reading its posts back directly. */
	int postGrpcPort() {
		return this.postGrpcPort;
	}

	/** The message service's Thrift port, for bridges started apart and for reading its inboxes back directly. */
	int messageThriftPort() {
		return this.messageThriftPort;
	}

	public String userServiceUrl() {
		return "http://127.0.0.1:" + port(this.userService);
	}

	ConfigurableApplicationContext gateway() {
		return this.gateway;
	}

	/**
	 * Starts one more http-bridge of the user service with these settings added: a second member
	 * of the user bridges' group unless they name another. The caller closes it.
	 */
	public ConfigurableApplicationContext startExtraHttpBridge(String... settings) {
		List<String> args = new ArrayList<>(List.of(routes("user"), ANY_FREE_PORT, NO_GRAPHQL, NO_SECURITY, kafka(),
				"--busgate.bridge.http.base-url=" + userServiceUrl()));
		args.addAll(List.of(settings));
		return HttpBridgeApplication.application()
			.initializers(OWN_NETTY_RESOURCES)
			.run(args.toArray(String[]::new));
	}

	/**
	 * Starts a generic bridge with these routes (a file, e.g. the generator's) and settings added;
	 * the caller stops it by closing it.
	 */
	ConfigurableApplicationContext startBridge(SpringApplicationBuilder bridge, Path routes, String... settings) {
		List<String> args = new ArrayList<>(
				List.of("--spring.config.import=file:" + routes, ANY_FREE_PORT, NO_GRAPHQL, NO_SECURITY, kafka()));
		args.addAll(List.of(settings));
		return bridge.initializers(OWN_NETTY_RESOURCES).run(args.toArray(String[]::new));
	}

	/**
	 * Another version of the user service (the given users renamed) behind its own http-bridge,
	 * which consumes {@code requestTopic} in a group of its own and reads it from the start; closing
	 * the result stops both.
	 */
	AutoCloseable startUserCanary(String requestTopic, Map<String, String> renamed) {
		List<String> serviceArgs = new ArrayList<>(List.of(NO_GRAPHQL, NO_SECURITY));
		renamed.forEach((id, name) -> serviceArgs.add("--busgate.user-service.renamed." + id + "=" + name));
		ConfigurableApplicationContext service = start(UserServiceApplication.application(),
				serviceArgs.toArray(String[]::new));
		ConfigurableApplicationContext bridge = start(HttpBridgeApplication.application(), routes("user"), NO_GRAPHQL,
				NO_SECURITY, kafka(), "--busgate.bridge.http.base-url=" + url(service),
				"--busgate.bridge.request-topic=" + requestTopic,
				"--busgate.bridge.group-id=" + requestTopic + "-bridge", "--spring.kafka.consumer.auto-offset-reset=earliest");
		return () -> {
			stop(bridge);
			stop(service);
		};
	}

	void stopHttpBridge() {
		stop(this.httpBridge);
	}

	void startHttpBridgeAgain() {
		this.httpBridge = startHttpBridge();
	}

	void stopPostService() {
		stop(this.postService);
	}

	void startPostServiceAgain() {
		this.postService = startPostService();
	}

	void stopMessageService() {
		stop(this.messageService);
	}

	void startMessageServiceAgain() {
		this.messageService = startMessageService();
	}

	@Override
	public void close() {
		List<RuntimeException> failures = new ArrayList<>();
		for (ConfigurableApplicationContext context : reversed(this.contexts)) {
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

	private ConfigurableApplicationContext startPostService() {
		ConfigurableApplicationContext service = start(PostServiceApplication.application(), NO_GRAPHQL, NO_SECURITY,
				"--spring.grpc.server.port=" + this.postGrpcPort);
		this.postGrpcPort = service.getBean(GrpcServerLifecycle.class).getPort();
		return service;
	}

	private ConfigurableApplicationContext startMessageService() {
		ConfigurableApplicationContext service = start(MessageServiceApplication.application(), NO_GRAPHQL,
				NO_SECURITY, "--busgate.message-service.port=" + this.messageThriftPort);
		this.messageThriftPort = service.getEnvironment()
			.getRequiredProperty(MessageServiceApplication.LOCAL_PORT_PROPERTY, Integer.class);
		return service;
	}

	private ConfigurableApplicationContext startHttpBridge() {
		return start(HttpBridgeApplication.application(), routes("user"), NO_GRAPHQL, NO_SECURITY, kafka(),
				"--busgate.bridge.http.base-url=" + userServiceUrl());
	}

	private String kafka() {
		return "--spring.kafka.bootstrap-servers=" + this.brokers;
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder application, String... args) {
		List<String> all = new ArrayList<>(List.of(ANY_FREE_PORT, SPANS_SOON));
		all.addAll(List.of(args));
		ConfigurableApplicationContext context = application.initializers(OWN_NETTY_RESOURCES, exportingTo(this.spans))
			.run(all.toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	/** Adds the exporter to the app's own (Boot's) OpenTelemetry SDK, next to any configured. */
	private static ApplicationContextInitializer<ConfigurableApplicationContext> exportingTo(SpanExporter spans) {
		return (context) -> context.getBeanFactory().registerSingleton("recordedSpans", spans);
	}

	private void stop(ConfigurableApplicationContext context) {
		context.close();
		this.contexts.remove(context);
	}

	private static List<ConfigurableApplicationContext> reversed(List<ConfigurableApplicationContext> contexts) {
		List<ConfigurableApplicationContext> reversed = new ArrayList<>(contexts);
		Collections.reverse(reversed);
		return reversed;
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

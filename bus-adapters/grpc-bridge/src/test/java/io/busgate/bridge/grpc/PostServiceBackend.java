package io.busgate.bridge.grpc;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import io.busgate.bridge.BridgeProperties;
import io.busgate.examples.post.PostServiceApplication;

/**
 * Test helper: the real post-service app, its gRPC server on a loopback port, plus a probe that
 * records what reaches the server and can hold a call back. Not annotated as a configuration,
 * so that the bridge app's component scan of this package never picks it up.
 */
final class PostServiceBackend implements AutoCloseable {

	/** An idempotency key that makes the probe hold the call for {@link #SLOW_MILLIS}. */
	static final String SLOW = "slow-down";

	static final long SLOW_MILLIS = 3000;

	/** The example's routes, which live with its deployment, not in the bridge. */
	static final Path ROUTES = Path.of("../../compose/routes/post.yml").toAbsolutePath().normalize();

	/** The argument that gives the bridge app the example's routes, as the local stack does. */
	static final String ROUTES_ARGUMENT = "--spring.config.import=file:" + ROUTES;

	private final ConfigurableApplicationContext context;

	private PostServiceBackend(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/** Starts post-service with its gRPC server on the given port (0: a free one). */
	static PostServiceBackend start(int grpcPort, String... args) {
		List<String> all = new ArrayList<>(List.of("--spring.grpc.server.port=" + grpcPort, "--server.port=0",
				"--spring.main.banner-mode=off"));
		all.addAll(List.of(args));
		return new PostServiceBackend(
				PostServiceApplication.application().sources(Probe.class).run(all.toArray(String[]::new)));
	}

	/** The port of the gRPC server. */
	int port() {
		return this.context.getBean(GrpcServerLifecycle.class).getPort();
	}

	String target() {
		return "127.0.0.1:" + port();
	}

	/** What reached the server, in order. */
	List<Seen> seen() {
		return this.context.getBean(Probe.class).seen;
	}

	@Override
	public void close() {
		this.context.close();
	}

	/** The gRPC settings of the example's routes file ({@link #ROUTES}), bound as the app binds them. */
	static GrpcBridgeProperties grpcProperties(String target) throws IOException {
		return grpcProperties(target, Map.of());
	}

	/** The gRPC settings of the example's routes file, with a target and other properties. */
	static GrpcBridgeProperties grpcProperties(String target, Map<String, Object> properties) throws IOException {
		Map<String, Object> overrides = new HashMap<>(properties);
		overrides.put("busgate.bridge.grpc.target", target);
		return routesFile(overrides).bind("busgate.bridge.grpc", GrpcBridgeProperties.class).get();
	}

	/** The example's routes, bound as the app binds them. */
	static Map<String, BridgeProperties.Route> routes() throws IOException {
		return routesFile(Map.of())
			.bind("busgate.bridge.routes", Bindable.mapOf(String.class, BridgeProperties.Route.class))
			.get();
	}

	private static Binder routesFile(Map<String, Object> overrides) throws IOException {
		List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load("post.yml", new FileSystemResource(ROUTES));
		MutablePropertySources sources = new MutablePropertySources();
		sources.addFirst(new MapPropertySource("test", overrides));
		yaml.forEach(sources::addLast);
		return new Binder(ConfigurationPropertySources.from(sources));
	}

	/** A port nothing listens on (at the moment of the call). */
	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * One call as the server saw it.
	 *
	 * @param method the full method name
	 * @param idempotencyKey the {@code idempotency-key} metadata, or {@code null}
	 * @param principal the {@code bus-principal} metadata, or {@code null}
	 * @param deadlineMillis the time left until the call's deadline when it arrived, or
	 * {@code null} without a deadline
	 * @param traceparent the W3C {@code traceparent} metadata, or {@code null}
	 */
	record Seen(String method, String idempotencyKey, String principal, Long deadlineMillis, String traceparent) {
	}

	/** Registered as a source of the post-service app, which applies global interceptors to its services. */
	static class Probe {

		private static final Metadata.Key<String> IDEMPOTENCY_KEY = Metadata.Key.of("idempotency-key",
				Metadata.ASCII_STRING_MARSHALLER);

		private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent",
				Metadata.ASCII_STRING_MARSHALLER);

		final List<Seen> seen = new CopyOnWriteArrayList<>();

		@Bean
		@GlobalServerInterceptor
		ServerInterceptor probeInterceptor() {
			return new ServerInterceptor() {

				@Override
				public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
						ServerCallHandler<Q, A> next) {
					Deadline deadline = Context.current().getDeadline();
					String key = headers.get(IDEMPOTENCY_KEY);
					Probe.this.seen.add(new Seen(call.getMethodDescriptor().getFullMethodName(), key,
							headers.get(GrpcBackendClient.PRINCIPAL_HEADER), (deadline != null) ? deadline.timeRemaining(TimeUnit.MILLISECONDS) : null,
							headers.get(TRACEPARENT)));
					if (SLOW.equals(key)) {
						try {
							// Holds one server thread; fine for a test of the client's deadline.
							Thread.sleep(SLOW_MILLIS);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
					}
					return next.startCall(call, headers);
				}

			};
		}

	}

}

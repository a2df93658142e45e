package io.busgate.bridge.thrift;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;

import io.busgate.bridge.BackendClient;
import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bridge.JsonRoute;
import io.busgate.bridge.TcpProbe;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.observability.thrift.ThriftClientTracing;
import io.busgate.observability.thrift.ThriftPrincipal;
import io.busgate.thrift.idl.ThriftIdl;
import io.busgate.thrift.idl.ThriftIdl.Service;

/**
 * Serves requests by calling a Thrift backend: each operation's route
 * ({@code busgate.bridge.routes}) compiled against the service's IDL ({@link ThriftRoute}).
 *
 * <p>Thrift's Java clients block, so calls run on a bounded pool of worker threads, each using
 * one pooled connection at a time: the pool's size is the limit of calls in flight, and callers
 * get a {@link CompletableFuture} at once. Each call is bounded by its request's deadline: a call
 * still queued at the deadline is not made, and the socket read timeout is the time left.
 * A request is converted before it is queued, so a malformed one fails at once. A request made
 * for a known caller carries it in the call's reserved principal field ({@link ThriftPrincipal}).
 */
class ThriftBackendClient implements BackendClient, AutoCloseable {

	private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

	private final Map<String, ThriftRoute> routes;

	private final ThriftJsonMapper mapper;

	private final ThriftFailures failures;

	private final ThriftConnectionPool connections;

	private final ThreadPoolExecutor workers;

	private final Clock clock;

	private final ThriftClientTracing tracing;

	private final String host;

	private final int port;

	/**
	 * @param routes the route of each operation ({@code busgate.bridge.routes}), whose
	 * operations bridge-core checked to be of the bridge's service
	 * @param idl the IDL of the backend's service: {@code busgate.bridge.thrift.idl}, read
	 * @throws IllegalArgumentException if a route does not fit the IDL
	 */
	ThriftBackendClient(ThriftBridgeProperties properties, Map<String, BridgeProperties.Route> routes, ThriftIdl idl,
			Clock clock, OpenTelemetry openTelemetry) {
		Service thriftService = thriftService(properties, idl);
		this.routes = compile(routes, idl, thriftService);
		this.mapper = new ThriftJsonMapper(idl);
		this.failures = new ThriftFailures(properties.exceptionStatuses());
		this.host = properties.host();
		this.port = properties.port();
		this.tracing = new ThriftClientTracing(openTelemetry, thriftService.simpleName(),
				properties.host() + ":" + properties.port());
		this.connections = new ThriftConnectionPool(properties.host(), properties.port(), properties.connectTimeout(),
				(int) properties.maxMessageSize().toBytes(), properties.maxConnections(), properties.idleTimeout(),
				this.tracing::protocol, new ThriftWire(idl));
		this.workers = new ThreadPoolExecutor(properties.maxConnections(), properties.maxConnections(), 60,
				TimeUnit.SECONDS,
				(properties.maxQueuedCalls() > 0) ? new ArrayBlockingQueue<>(properties.maxQueuedCalls())
						: new SynchronousQueue<>(),
				workerThreads());
		this.workers.allowCoreThreadTimeOut(true);
		this.clock = clock;
	}

	@Override
	public CompletableFuture<Void> probe(Duration timeout) {
		return TcpProbe.connect(this.host, this.port, timeout);
	}

	@Override
	public CompletableFuture<List<Object>> call(BusRequest request) {
		ThriftRoute route = this.routes.get(request.headers().operation());
		if (route == null) {
			return CompletableFuture
				.failedFuture(JsonRoute.unrouted("Thrift", request.headers().operation(), this.routes.keySet()));
		}
		Map<String, Object> args;
		try {
			args = route.arguments(request, this.mapper);
		}
		catch (BackendException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<List<Object>> items = new CompletableFuture<>();
		try {
			// The worker's client span is a child of the bridge's span for this request.
			this.workers.execute(Context.current().wrap(() -> {
				try {
					items.complete(invoke(route, request, args));
				}
				catch (Throwable ex) {
					items.completeExceptionally(this.failures.failed(route, this.connections.address(), ex));
				}
			}));
		}
		catch (RejectedExecutionException ex) {
			items.completeExceptionally(new BackendException(BusStatus.UNAVAILABLE, route.describe()
					+ ": the bridge is at its limit of calls in flight and queued (max-connections, max-queued-calls)"));
		}
		return items;
	}

	/** Runs on a worker: the blocking call and the conversion of its result. */
	private List<Object> invoke(ThriftRoute route, BusRequest request, Map<String, Object> args) throws Exception {
		Duration left = request.headers().remaining(this.clock);
		if (left.isNegative() || left.isZero()) {
			throw new BackendException(BusStatus.DEADLINE_EXCEEDED,
					route.describe() + ": the deadline passed before a worker was free");
		}
		// The principal travels in a reserved field of the arguments (ThriftPrincipal).
		Map<String, Object> result = ThriftPrincipal.callAs(request.headers().principal(),
				() -> this.tracing.call(route.method(), () -> this.connections.call(route.call(args), left)));
		ThriftRoute.DeclaredException declared = route.declaredException(result);
		if (declared != null) {
			throw this.failures.declared(declared.name(), declared.fields());
		}
		return route.items(request, route.returnValue(result));
	}

	@Override
	public void close() throws InterruptedException {
		this.workers.shutdown();
		try {
			this.workers.awaitTermination(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		finally {
			this.connections.close();
		}
	}

	private static ThreadFactory workerThreads() {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, "thrift-bridge-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** The service of the IDL to call: the one named, or the IDL's only one. */
	private static Service thriftService(ThriftBridgeProperties properties, ThriftIdl idl) {
		if (properties.service() != null) {
			return idl.service(properties.service());
		}
		if (idl.services().size() != 1) {
			throw new IllegalArgumentException("busgate.bridge.thrift.service must name the service to call, the IDL "
					+ properties.idl() + " has " + idl.serviceNames());
		}
		return idl.services().values().iterator().next();
	}

	private static Map<String, ThriftRoute> compile(Map<String, BridgeProperties.Route> routes, ThriftIdl idl,
			Service thriftService) {
		Map<String, ThriftRoute> compiled = new LinkedHashMap<>();
		routes.forEach((operation, route) -> compiled.put(operation, new ThriftRoute(operation, route, idl, thriftService)));
		return Map.copyOf(compiled);
	}

}

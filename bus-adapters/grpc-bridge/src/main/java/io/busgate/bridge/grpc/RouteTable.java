package io.busgate.bridge.grpc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import com.google.protobuf.Descriptors;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import tools.jackson.databind.json.JsonMapper;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bridge.JsonRoute;
import io.busgate.bus.BusStatus;

/**
 * The configured routes, compiled once the backend's descriptors are known.
 *
 * <p>The descriptors are read when first needed (and eagerly at startup, see
 * {@link #resolve()}); the first successful read is kept for the life of the process. A failed
 * read is not kept: the next request tries again, so a bridge started before its backend
 * serves as soon as the backend is up, and answers {@code UNAVAILABLE} until then. At most
 * one read is under way at a time; requests arriving meanwhile wait for it.
 *
 * <p>A route that does not fit the descriptors (no such method, no such field) answers
 * {@code INTERNAL} with the reason, and is logged when the descriptors are read; the other
 * routes work.
 */
final class RouteTable {

	private static final Log logger = LogFactory.getLog(RouteTable.class);

	private final Map<String, BridgeProperties.Route> config;

	private final DescriptorSource source;

	private final JsonMapper json;

	private final AtomicReference<CompletableFuture<Compiled>> compiled = new AtomicReference<>();

	/** Whether the last read failed, so that a backend staying down is logged once, not per request. */
	private volatile boolean failing;

	RouteTable(Map<String, BridgeProperties.Route> config, DescriptorSource source, JsonMapper json) {
		this.config = Map.copyOf(config);
		this.source = source;
		this.json = json;
	}

	/** The operations routed, sorted. */
	Set<String> operations() {
		return new TreeSet<>(this.config.keySet());
	}

	/**
	 * The compiled route of an operation.
	 * @return a future failed with a {@link BackendException}: {@code UNIMPLEMENTED} for an
	 * operation without a route, {@code UNAVAILABLE} while the descriptors cannot be read from
	 * the backend, {@code INTERNAL} for a route that does not fit them
	 */
	CompletableFuture<GrpcRoute> route(String operation) {
		if (!this.config.containsKey(operation)) {
			return CompletableFuture.failedFuture(JsonRoute.unrouted("gRPC", operation, operations()));
		}
		return resolve().thenApply((routes) -> routes.get(operation));
	}

	/**
	 * Reads the descriptors and compiles the routes, unless that is done or under way.
	 * @return a future of the compiled routes
	 */
	CompletableFuture<Compiled> resolve() {
		while (true) {
			CompletableFuture<Compiled> current = this.compiled.get();
			if (current != null && !current.isCompletedExceptionally()) {
				return current;
			}
			CompletableFuture<Compiled> attempt = new CompletableFuture<>();
			if (this.compiled.compareAndSet(current, attempt)) {
				read(attempt);
				return attempt;
			}
		}
	}

	private void read(CompletableFuture<Compiled> attempt) {
		Set<String> services = this.config.values()
			.stream()
			.map(GrpcRoute::serviceName)
			.collect(Collectors.toCollection(TreeSet::new));
		CompletableFuture<Map<String, Descriptors.ServiceDescriptor>> read;
		try {
			read = this.source.services(services);
		}
		catch (RuntimeException ex) {
			read = CompletableFuture.failedFuture(ex);
		}
		read.whenComplete((found, failure) -> {
			if (failure != null) {
				BackendException unreadable = unreadable(failure);
				String message = unreadable.getMessage() + ". Requests for " + operations() + " are answered "
						+ unreadable.status().code() + " until the descriptors can be read"
						+ (this.source.isRetryable() ? "; reading is tried again on the next request" : "");
				if (!this.failing) {
					logger.warn(message);
				}
				else if (logger.isDebugEnabled()) {
					logger.debug(message);
				}
				this.failing = true;
				attempt.completeExceptionally(unreadable);
				return;
			}
			this.failing = false;
			Compiled routes = compile(found);
			logger.info("Read the descriptors of " + services + " from " + this.source.describe() + "; routes "
					+ routes.working() + ((routes.problems().isEmpty()) ? "" : ", misconfigured " + routes.problems().keySet()));
			attempt.complete(routes);
		});
	}

	/** Compiles every route; one that does not fit is kept as a problem, not thrown. */
	Compiled compile(Map<String, Descriptors.ServiceDescriptor> services) {
		Map<String, GrpcRoute> routes = new LinkedHashMap<>();
		Map<String, String> problems = new LinkedHashMap<>();
		new TreeSet<>(this.config.keySet()).forEach((operation) -> {
			try {
				routes.put(operation, new GrpcRoute(operation, this.config.get(operation), services, this.json));
			}
			catch (IllegalArgumentException ex) {
				logger.error("Misconfigured gRPC route: " + ex.getMessage());
				problems.put(operation, ex.getMessage());
			}
		});
		return new Compiled(routes, problems);
	}

	private BackendException unreadable(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof IllegalArgumentException) {
			return new BackendException(BusStatus.INTERNAL,
					"The descriptors from " + this.source.describe() + " do not link: " + cause.getMessage(), cause);
		}
		Status status = Status.fromThrowable(cause);
		String reason = "Cannot read the descriptors from " + this.source.describe() + ": " + status.getCode()
				+ ((status.getDescription() != null) ? " " + status.getDescription() : "")
				+ ((status.getCause() != null) ? " (" + status.getCause().getMessage() + ")" : "");
		return switch (status.getCode()) {
			case UNAVAILABLE, DEADLINE_EXCEEDED -> new BackendException(BusStatus.UNAVAILABLE, reason, cause);
			// UNIMPLEMENTED here is the backend lacking reflection, not a missing route.
			case UNIMPLEMENTED -> new BackendException(BusStatus.INTERNAL, reason
					+ "; enable server reflection on the backend or set busgate.bridge.grpc.descriptor-set", cause);
			default -> new BackendException(BusStatus.INTERNAL, reason, cause);
		};
	}

	/**
	 * The routes compiled from one read of the descriptors.
	 *
	 * @param routes the routes that fit, by operation
	 * @param problems why each other route does not fit, by operation
	 */
	record Compiled(Map<String, GrpcRoute> routes, Map<String, String> problems) {

		Compiled {
			routes = Map.copyOf(routes);
			// In operation order, for messages that read the same on every run.
			problems = Collections.unmodifiableMap(new TreeMap<>(problems));
		}

		/** The route of an operation that has one. */
		GrpcRoute get(String operation) {
			GrpcRoute route = this.routes.get(operation);
			if (route == null) {
				throw new BackendException(BusStatus.INTERNAL, "the gRPC route of " + operation
						+ " is misconfigured: " + this.problems.get(operation));
			}
			return route;
		}

		Set<String> working() {
			return new TreeSet<>(this.routes.keySet());
		}

	}

}

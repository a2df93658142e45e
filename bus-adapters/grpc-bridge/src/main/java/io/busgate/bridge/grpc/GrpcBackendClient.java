package io.busgate.bridge.grpc;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import tools.jackson.databind.json.JsonMapper;

import io.busgate.backend.BackendContract;
import io.busgate.bridge.BackendClient;
import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bridge.HeaderValues;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;

/**
 * Serves requests by calling a gRPC backend: one unary call per request, with messages built
 * from the backend's descriptors ({@link DynamicMessage}), over one shared channel, without
 * blocking a thread per call.
 *
 * <p>Every call's deadline is the request's remaining budget. The request's idempotency key
 * and its principal (when the caller is known) travel as the metadata {@link BackendContract}
 * names; both must be printable ASCII. Calls do not wait for the
 * backend to be ready ({@code waitForReady} stays off), so a backend that is down fails them
 * with {@code UNAVAILABLE} at once instead of at the deadline; while calls keep failing that
 * way, the channel is told to reconnect at most once a second instead of backing off for up to
 * two minutes, so the bridge serves again soon after the backend is back.
 *
 * <p>gRPC statuses map to bus statuses: {@code INVALID_ARGUMENT}, {@code OUT_OF_RANGE} and
 * {@code FAILED_PRECONDITION} to {@code INVALID_ARGUMENT}; {@code PERMISSION_DENIED} and
 * {@code UNAUTHENTICATED} (the backend refusing the request's principal) to
 * {@code PERMISSION_DENIED}; {@code NOT_FOUND}, {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}
 * and {@code UNIMPLEMENTED} to themselves; anything else to {@code INTERNAL}. For
 * {@code INVALID_ARGUMENT}, {@code PERMISSION_DENIED} and {@code NOT_FOUND} the message is the
 * backend's status description, which is written for the caller.
 */
final class GrpcBackendClient implements BackendClient, AutoCloseable {

	private static final Log logger = LogFactory.getLog(GrpcBackendClient.class);

	/** The metadata the idempotency key travels in. */
	private static final Metadata.Key<String> IDEMPOTENCY_KEY_METADATA = Metadata.Key
		.of(BackendContract.IDEMPOTENCY_KEY, Metadata.ASCII_STRING_MARSHALLER);

	private static final CallOptions.Key<String> IDEMPOTENCY_KEY = CallOptions.Key.create("idempotency key");

	/** The metadata the principal travels in. */
	private static final Metadata.Key<String> PRINCIPAL_METADATA = Metadata.Key.of(BackendContract.PRINCIPAL,
			Metadata.ASCII_STRING_MARSHALLER);

	private static final CallOptions.Key<String> PRINCIPAL = CallOptions.Key.create("principal");

	private static final long RECONNECT_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

	private final ManagedChannel channel;

	private final RouteTable routes;

	private final Clock clock;

	private final AtomicLong lastReconnect = new AtomicLong(System.nanoTime() - RECONNECT_INTERVAL_NANOS);

	/**
	 * Opens the channel (connecting lazily) and starts reading the descriptors.
	 * @param routes the route of each operation ({@code busgate.bridge.routes})
	 * @param observations observes the calls whose trace is sampled ({@link SampledCallObservation})
	 * @param propagator writes the trace context of the calls that are not
	 * @throws IllegalArgumentException if a route is not a gRPC call or its settings contradict
	 * each other
	 * @throws IllegalStateException if a configured descriptor set cannot be read or a route
	 * does not fit it
	 */
	GrpcBackendClient(GrpcBridgeProperties properties, Map<String, BridgeProperties.Route> routes, Clock clock,
			ObservationRegistry observations, TextMapPropagator propagator) {
		// At startup, whether or not the descriptors can be read yet.
		routes.forEach(GrpcRoute::check);
		this.clock = clock;
		this.channel = NettyChannelBuilder.forTarget(properties.target())
			.usePlaintext()
			.withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
			.maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, properties.maxInboundMessageSize().toBytes()))
			// Client spans for sampled calls; the W3C trace context travels in every call's metadata.
			.intercept(new RequestMetadata(), new SampledCallObservation(observations, propagator))
			.build();
		try {
			DescriptorSource source = (properties.descriptorSet() != null)
					? new DescriptorSetSource(properties.descriptorSet())
					: new ReflectionDescriptorSource(this.channel, properties.target(), properties.reflectionTimeout());
			this.routes = new RouteTable(routes, source, JsonMapper.builder().build());
			if (source.isRetryable()) {
				// Early, so that the log says at startup whether the backend and the routes are fine.
				this.routes.resolve();
			}
			else {
				RouteTable.Compiled compiled = this.routes.resolve().join();
				if (!compiled.problems().isEmpty()) {
					throw new IllegalStateException("Misconfigured gRPC routes: " + compiled.problems().values());
				}
			}
		}
		catch (RuntimeException ex) {
			this.channel.shutdownNow();
			throw ex;
		}
	}

	@Override
	public CompletableFuture<List<Object>> call(BusRequest request) {
		// In the request's trace context also when the call waits for the routes to be resolved,
		// and so is made on another thread.
		CompletableFuture<List<Object>> items = this.routes.route(request.headers().operation())
			.thenCompose(Context.current().wrapFunction((route) -> invoke(route, request)));
		items.whenComplete((result, failure) -> {
			if (failure != null && unwrap(failure) instanceof BackendException ex && ex.status() == BusStatus.UNAVAILABLE) {
				reconnectSoon();
			}
		});
		return items;
	}

	/**
	 * Asks the backend's standard health service ({@code grpc.health.v1.Health/Check}, overall
	 * status); a backend without one still answered, with {@code UNIMPLEMENTED}.
	 */
	@Override
	public CompletableFuture<Void> probe(Duration timeout) {
		CompletableFuture<Void> answered = new CompletableFuture<>();
		HealthGrpc.newStub(this.channel)
			.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
			.check(HealthCheckRequest.getDefaultInstance(), new StreamObserver<>() {

				@Override
				public void onNext(HealthCheckResponse response) {
					if (response.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
						answered.complete(null);
					}
					else {
						answered.completeExceptionally(new IllegalStateException("backend is " + response.getStatus()));
					}
				}

				@Override
				public void onError(Throwable failure) {
					if (Status.fromThrowable(failure).getCode() == Status.Code.UNIMPLEMENTED) {
						answered.complete(null);
					}
					else {
						answered.completeExceptionally(failure);
					}
				}

				@Override
				public void onCompleted() {
					// onNext or onError decided.
				}

			});
		return answered;
	}

	private CompletableFuture<List<Object>> invoke(GrpcRoute route, BusRequest request) {
		DynamicMessage message = route.request(request);
		Duration budget = request.headers().remaining(this.clock);
		if (budget.isNegative() || budget.isZero()) {
			throw new BackendException(BusStatus.DEADLINE_EXCEEDED, route.describe() + ": the deadline has passed");
		}
		CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(budget.toNanos(), TimeUnit.NANOSECONDS);
		options = withMetadata(options, IDEMPOTENCY_KEY, "idempotency key", request.headers().idempotencyKey());
		options = withMetadata(options, PRINCIPAL, "principal", request.headers().principal());
		CompletableFuture<DynamicMessage> response = new CompletableFuture<>();
		ClientCalls.asyncUnaryCall(this.channel.newCall(route.method(), options), message, new StreamObserver<>() {

			@Override
			public void onNext(DynamicMessage value) {
				response.complete(value);
			}

			@Override
			public void onError(Throwable failure) {
				response.completeExceptionally(failure);
			}

			@Override
			public void onCompleted() {
				// A unary call's one message has arrived, or onError said why not.
			}

		});
		return response.handle((answer, failure) -> {
			if (failure != null) {
				throw failed(route, failure);
			}
			return route.items(request, answer);
		});
	}

	/** Options carrying a value for {@link RequestMetadata} to send, if there is one. */
	private static CallOptions withMetadata(CallOptions options, CallOptions.Key<String> key, String what,
			String value) {
		return (HeaderValues.printableAscii(what, value) != null) ? options.withOption(key, value) : options;
	}

	/** The client's own refusal of a message above {@code maxInboundMessageSize}. */
	private static boolean isMessageSizeLimit(Status status) {
		return status.getCode() == Status.Code.RESOURCE_EXHAUSTED && status.getDescription() != null
				&& status.getDescription().contains("exceeds maximum size");
	}

	/** The bus status for a gRPC status code. */
	static BusStatus busStatus(Status.Code code) {
		return switch (code) {
			case INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION -> BusStatus.INVALID_ARGUMENT;
			case PERMISSION_DENIED, UNAUTHENTICATED -> BusStatus.PERMISSION_DENIED;
			case NOT_FOUND -> BusStatus.NOT_FOUND;
			case UNAVAILABLE -> BusStatus.UNAVAILABLE;
			case DEADLINE_EXCEEDED -> BusStatus.DEADLINE_EXCEEDED;
			case UNIMPLEMENTED -> BusStatus.UNIMPLEMENTED;
			default -> BusStatus.INTERNAL;
		};
	}

	private static BackendException failed(GrpcRoute route, Throwable failure) {
		Status status = Status.fromThrowable(failure);
		if (isMessageSizeLimit(status)) {
			return new BackendException(BusStatus.RESPONSE_TOO_LARGE,
					"the answer of " + route.describe() + " is larger than max-inbound-message-size: "
							+ status.getDescription(), failure);
		}
		BusStatus busStatus = busStatus(status.getCode());
		String description = status.getDescription();
		boolean described = description != null && !description.isBlank();
		String message = switch (busStatus) {
			case INVALID_ARGUMENT, PERMISSION_DENIED, NOT_FOUND ->
				described ? description : route.describe() + " answered " + status.getCode();
			case DEADLINE_EXCEEDED -> route.describe() + " did not answer before the deadline";
			default -> route.describe() + " failed: " + status.getCode() + (described ? " " + description : "")
					+ ((status.getCause() != null) ? " (" + status.getCause().getMessage() + ")" : "");
		};
		if (busStatus == BusStatus.INTERNAL) {
			logger.warn(message);
		}
		return new BackendException(busStatus, message, failure);
	}

	/**
	 * Cuts the channel's reconnect backoff short, at most once per interval: a backend that was
	 * down is reached again within about a second of coming back, and one that stays down costs
	 * a refused connection per second.
	 */
	private void reconnectSoon() {
		long now = System.nanoTime();
		long last = this.lastReconnect.get();
		if (now - last >= RECONNECT_INTERVAL_NANOS && this.lastReconnect.compareAndSet(last, now)) {
			this.channel.resetConnectBackoff();
		}
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	@Override
	public void close() throws InterruptedException {
		this.channel.shutdown();
		if (!this.channel.awaitTermination(5, TimeUnit.SECONDS)) {
			this.channel.shutdownNow();
		}
	}

	/** Sends the idempotency key and the principal of a call, where it has them, as metadata. */
	private static final class RequestMetadata implements ClientInterceptor {

		@Override
		public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
			String key = options.getOption(IDEMPOTENCY_KEY);
			String principal = options.getOption(PRINCIPAL);
			ClientCall<Q, A> call = next.newCall(method, options);
			if (key == null && principal == null) {
				return call;
			}
			return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {

				@Override
				public void start(Listener<A> listener, Metadata headers) {
					if (key != null) {
						headers.put(IDEMPOTENCY_KEY_METADATA, key);
					}
					if (principal != null) {
						headers.put(PRINCIPAL_METADATA, principal);
					}
					super.start(listener, headers);
				}

			};
		}

	}

}

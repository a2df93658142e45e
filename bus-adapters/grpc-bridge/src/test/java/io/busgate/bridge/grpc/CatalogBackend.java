package io.busgate.bridge.grpc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.Timestamp;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.StreamObserver;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import io.busgate.backend.BackendContract;
import io.busgate.backend.IdempotencyKeyReusedException;
import io.busgate.backend.IdempotencyKeys;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bridge.grpc.testproto.CatalogGrpc;
import io.busgate.bridge.grpc.testproto.CreateItemRequest;
import io.busgate.bridge.grpc.testproto.GetItemsRequest;
import io.busgate.bridge.grpc.testproto.GetItemsResponse;
import io.busgate.bridge.grpc.testproto.Group;
import io.busgate.bridge.grpc.testproto.Item;
import io.busgate.bridge.grpc.testproto.Kind;
import io.busgate.bridge.grpc.testproto.ListGroupsRequest;
import io.busgate.bridge.grpc.testproto.ListGroupsResponse;

/**
 * The tests' own gRPC backend: the {@code Catalog} service of
 * {@code src/test/proto/busgate/bridgetest/v1/catalog.proto} on a Netty server on loopback, with
 * server reflection ({@code grpc.reflection.v1}) and the standard health service, as a backend
 * the bridge is deployed for would have them. Its routes are {@code catalog-routes.yml} (test
 * resources). A probe records what reaches the server and holds back a call whose idempotency
 * key is {@link #HOLD} until {@link #release()}.
 *
 * <p>Seeded: items 1 to 4 (1 to 3 in group 1, 4 in group 2, group 3 empty) and owners 1 to 9.
 * {@code CreateItem} needs the caller's principal ({@code UNAUTHENTICATED} without), creates
 * items only for the caller ({@code PERMISSION_DENIED}), of a known owner ({@code NOT_FOUND})
 * with a display name ({@code INVALID_ARGUMENT}), and once per idempotency key of the caller.
 */
final class CatalogBackend implements AutoCloseable {

	/** An idempotency key that makes the probe hold the call until {@link #release()}. */
	static final String HOLD = "hold-back";

	/** The routes of {@code Catalog}, a test resource: deployments, not the bridge, own routes. */
	private static final String ROUTES = "catalog-routes.yml";

	/** The argument that gives the bridge app the routes, as a deployment does. */
	static final String ROUTES_ARGUMENT = "--spring.config.import=classpath:" + ROUTES;

	static final String SERVICE = "busgate.bridgetest.v1.Catalog";

	private static final Set<String> OWNERS = Set.of("1", "2", "3", "4", "5", "6", "7", "8", "9");

	private static final Instant SEEDED = Instant.parse("2025-01-02T03:04:05Z");

	private static final Metadata.Key<String> PRINCIPAL_METADATA = Metadata.Key.of(BackendContract.PRINCIPAL,
			Metadata.ASCII_STRING_MARSHALLER);

	private static final Metadata.Key<String> IDEMPOTENCY_KEY_METADATA = Metadata.Key
		.of(BackendContract.IDEMPOTENCY_KEY, Metadata.ASCII_STRING_MARSHALLER);

	private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent",
			Metadata.ASCII_STRING_MARSHALLER);

	private static final Context.Key<String> CALLER = Context.key("caller");

	private static final Context.Key<String> IDEMPOTENCY_KEY = Context.key("idempotency key");

	private final Server server;

	private final List<Seen> seen = new CopyOnWriteArrayList<>();

	private final AtomicInteger holding = new AtomicInteger();

	private final CountDownLatch released = new CountDownLatch(1);

	private CatalogBackend(int port) throws IOException {
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
			.addService(ServerInterceptors.intercept(new Catalog(), new CallMetadata()))
			.addService(ProtoReflectionServiceV1.newInstance())
			.addService(new HealthStatusManager().getHealthService())
			.intercept(new Probe())
			.build()
			.start();
	}

	/** Starts the backend on the given port (0: a free one). */
	static CatalogBackend start(int port) throws IOException {
		return new CatalogBackend(port);
	}

	int port() {
		return this.server.getPort();
	}

	String target() {
		return "127.0.0.1:" + port();
	}

	/** What reached the server, in order, reflection calls included. */
	List<Seen> seen() {
		return this.seen;
	}

	/** How many calls keyed {@link #HOLD} the probe is holding back now. */
	int holding() {
		return this.holding.get();
	}

	/** Lets the held calls (and any later ones) go on. */
	void release() {
		this.released.countDown();
	}

	@Override
	public void close() throws InterruptedException {
		release();
		this.server.shutdownNow();
		this.server.awaitTermination(5, TimeUnit.SECONDS);
	}

	/** The gRPC settings of a bridge of this backend, bound as the app binds them. */
	static GrpcBridgeProperties grpcProperties(String target) throws IOException {
		return routesFile(Map.of("busgate.bridge.grpc.target", target)).bind("busgate.bridge.grpc",
				GrpcBridgeProperties.class)
			.get();
	}

	/** The routes of {@code Catalog}, bound as the app binds them. */
	static Map<String, BridgeProperties.Route> routes() throws IOException {
		return routesFile(Map.of())
			.bind("busgate.bridge.routes", Bindable.mapOf(String.class, BridgeProperties.Route.class))
			.get();
	}

	private static Binder routesFile(Map<String, Object> overrides) throws IOException {
		List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load(ROUTES, new ClassPathResource(ROUTES));
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
	 * @param idempotencyKey the idempotency key metadata, or {@code null}
	 * @param principal the principal metadata, or {@code null}
	 * @param deadline the time left until the call's deadline when it arrived, or {@code null}
	 * without a deadline
	 * @param traceparent the W3C {@code traceparent} metadata, or {@code null}
	 */
	record Seen(String method, String idempotencyKey, String principal, Duration deadline, String traceparent) {
	}

	/** Records every call and holds back those keyed {@link #HOLD}. */
	private final class Probe implements ServerInterceptor {

		@Override
		public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
				ServerCallHandler<Q, A> next) {
			Deadline deadline = Context.current().getDeadline();
			String key = headers.get(IDEMPOTENCY_KEY_METADATA);
			CatalogBackend.this.seen.add(new Seen(call.getMethodDescriptor().getFullMethodName(), key,
					headers.get(PRINCIPAL_METADATA),
					(deadline != null) ? Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)) : null,
					headers.get(TRACEPARENT)));
			if (HOLD.equals(key)) {
				hold();
			}
			return next.startCall(call, headers);
		}

		/** Holds one server thread; bounded, so that a failing test does not hang the build. */
		private void hold() {
			CatalogBackend.this.holding.incrementAndGet();
			try {
				CatalogBackend.this.released.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				CatalogBackend.this.holding.decrementAndGet();
			}
		}

	}

	/** Makes the principal and the idempotency key a call carries available to the service. */
	private static final class CallMetadata implements ServerInterceptor {

		@Override
		public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
				ServerCallHandler<Q, A> next) {
			Context context = Context.current()
				.withValues(CALLER, headers.get(PRINCIPAL_METADATA), IDEMPOTENCY_KEY,
						headers.get(IDEMPOTENCY_KEY_METADATA));
			return Contexts.interceptCall(context, call, headers, next);
		}

	}

	private static final class Catalog extends CatalogGrpc.CatalogImplBase {

		private final Map<String, Item> items = new ConcurrentHashMap<>();

		private final Map<Integer, List<String>> groups = Map.of(1, List.of("1", "2", "3"), 2, List.of("4"));

		private final AtomicInteger lastId = new AtomicInteger(100);

		private final IdempotencyKeys<Item> idempotencyKeys = new IdempotencyKeys<>(100);

		Catalog() {
			for (int i = 1; i <= 4; i++) {
				String id = Integer.toString(i);
				this.items.put(id, Item.newBuilder()
					.setId(id)
					.setDisplayName("Item " + id)
					.setSize(i * 100L)
					.addTags("seeded")
					.setKind(Kind.BOOK)
					.setCreatedAt(timestamp(SEEDED.plus(Duration.ofHours(i))))
					.setDimensions(Item.Dimensions.newBuilder()
						.setWidth(100 + i)
						.setHeight(200)
						.setUnit(Item.Dimensions.Unit.MILLIMETRE))
					.build());
			}
		}

		@Override
		public void getItems(GetItemsRequest request, StreamObserver<GetItemsResponse> answer) {
			answer.onNext(GetItemsResponse.newBuilder()
				.addAllItems(request.getIdsList().stream().map(this.items::get).filter(Objects::nonNull).toList())
				.setTotal(this.items.size())
				.build());
			answer.onCompleted();
		}

		@Override
		public void listGroups(ListGroupsRequest request, StreamObserver<ListGroupsResponse> answer) {
			if (request.getFirst() < 1 || request.getFirst() > 100) {
				answer.onError(Status.INVALID_ARGUMENT
					.withDescription("first must be between 1 and 100, was " + request.getFirst())
					.asRuntimeException());
				return;
			}
			ListGroupsResponse.Builder response = ListGroupsResponse.newBuilder();
			for (int groupId : request.getGroupIdsList()) {
				response.addGroups(Group.newBuilder()
					.setGroupId(groupId)
					.addAllItems(this.groups.getOrDefault(groupId, List.of())
						.stream()
						.map(this.items::get)
						.sorted(Comparator.comparing((Item item) -> item.getCreatedAt().getSeconds()).reversed())
						.limit(request.getFirst())
						.toList()));
			}
			answer.onNext(response.build());
			answer.onCompleted();
		}

		@Override
		public void createItem(CreateItemRequest request, StreamObserver<Item> answer) {
			String caller = CALLER.get();
			Status refusal = refusal(request, caller);
			if (refusal != null) {
				answer.onError(refusal.asRuntimeException());
				return;
			}
			List<String> fields = List.of(Base64.getEncoder().encodeToString(request.toByteArray()));
			try {
				answer.onNext(this.idempotencyKeys.once(caller, "createItem", IDEMPOTENCY_KEY.get(), fields,
						() -> create(request)));
				answer.onCompleted();
			}
			catch (IdempotencyKeyReusedException ex) {
				answer.onError(Status.INVALID_ARGUMENT.withDescription(ex.getMessage()).asRuntimeException());
			}
		}

		private static Status refusal(CreateItemRequest request, String caller) {
			if (caller == null) {
				return Status.UNAUTHENTICATED.withDescription("creating an item needs the caller's principal");
			}
			if (request.getDisplayName().isBlank()) {
				return Status.INVALID_ARGUMENT.withDescription("the display name must not be blank");
			}
			if (!OWNERS.contains(request.getOwnerId())) {
				return Status.NOT_FOUND.withDescription("no owner with id '" + request.getOwnerId() + "'");
			}
			if (!request.getOwnerId().equals(caller)) {
				return Status.PERMISSION_DENIED.withDescription("permission denied: '" + caller
						+ "' may create items only for themselves, not for '" + request.getOwnerId() + "'");
			}
			return null;
		}

		private Item create(CreateItemRequest request) {
			String id = Integer.toString(this.lastId.incrementAndGet());
			Item.Builder item = Item.newBuilder()
				.setId(id)
				.setDisplayName(request.getDisplayName())
				.addAllTags(request.getTagsList())
				.setKind(request.getKind())
				.setOwnerId(request.getOwnerId())
				.setCreatedAt(timestamp(Instant.now()));
			if (request.hasDimensions()) {
				item.setDimensions(request.getDimensions());
			}
			this.items.put(id, item.build());
			return this.items.get(id);
		}

		private static Timestamp timestamp(Instant instant) {
			return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
		}

	}

}

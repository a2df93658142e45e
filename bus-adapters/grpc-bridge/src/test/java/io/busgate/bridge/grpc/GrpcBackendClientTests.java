package io.busgate.bridge.grpc;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.TimestampProto;
import io.grpc.Status;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The bridge's gRPC client with the routes of {@code catalog-routes.yml} against the tests' own
 * backend ({@link CatalogBackend}) on a loopback port, descriptors read by server reflection.
 */
class GrpcBackendClientTests {

	/** What {@code protoc --descriptor_set_out --include_imports} writes for catalog.proto, built with the tests. */
	private static final Resource DESCRIPTOR_SET = new FileSystemResource("target/test-descriptors/bridge-test.binpb");

	private static final Duration BUDGET = Duration.ofSeconds(10);

	private static final String GET_ITEMS = CatalogBackend.SERVICE + "/GetItems";

	private static CatalogBackend backend;

	private GrpcBackendClient client;

	@BeforeAll
	static void startBackend() throws IOException {
		backend = CatalogBackend.start(0);
	}

	@AfterAll
	static void stopBackend() throws InterruptedException {
		backend.close();
	}

	@BeforeEach
	void connect() throws Exception {
		this.client = client(CatalogBackend.grpcProperties(backend.target()), Clock.systemUTC());
	}

	@AfterEach
	void disconnect() throws InterruptedException {
		this.client.close();
	}

	@Test
	void getItemsAnswersTheItemPerKeyAndNullForAMissingOne() throws Exception {
		List<Object> items = this.client.call(request("catalog.getItems", List.of("1", "99999", "3"), Map.of())).get();

		assertThat(items).hasSize(3);
		assertThat(items.get(1)).isNull();
		assertThat(item(items.get(0))).containsEntry("id", "1")
			.containsEntry("displayName", "Item 1")
			.containsEntry("size", "100")
			.containsEntry("kind", "BOOK")
			.containsEntry("createdAt", "2025-01-02T04:04:05Z")
			.containsEntry("dimensions", Map.of("width", 101, "height", 200, "unit", "MILLIMETRE"))
			.doesNotContainKey("ownerId");
		assertThat(item(items.get(2)).get("id")).isEqualTo("3");
	}

	@Test
	void listGroupsAnswersAtMostFirstItemsNewestFirstAndAnEmptyListForAGroupWithout() throws Exception {
		List<Object> items = this.client
			.call(request("catalog.listGroups", List.of(1, 2, 3, 9999), Map.of("first", 2)))
			.get();

		assertThat(items).hasSize(4);
		assertThat(itemList(items.get(0))).extracting((item) -> item.get("id")).containsExactly("3", "2");
		assertThat(itemList(items.get(1))).extracting((item) -> item.get("id")).containsExactly("4");
		assertThat(items.get(2)).isEqualTo(List.of());
		assertThat(items.get(3)).isEqualTo(List.of());
	}

	@Test
	void createItemWithTheSameIdempotencyKeyTwiceAnswersTheSameItem() throws Exception {
		Map<String, Object> args = Map.of("input", Map.of("ownerId", "3", "displayName", "Dune", "kind", "BOOK",
				"dimensions", Map.of("width", 110, "height", 178, "unit", "MILLIMETRE")));

		Object first = this.client.call(mutation("catalog.createItem", args, "bridge-key-1")).get().get(0);
		Object again = this.client.call(mutation("catalog.createItem", args, "bridge-key-1")).get().get(0);
		Object other = this.client.call(mutation("catalog.createItem", args, "bridge-key-2")).get().get(0);

		assertThat(item(first)).containsEntry("ownerId", "3")
			.containsEntry("displayName", "Dune")
			.containsEntry("kind", "BOOK")
			.containsEntry("dimensions", Map.of("width", 110, "height", 178, "unit", "MILLIMETRE"));
		assertThat(again).isEqualTo(first);
		assertThat(item(other).get("id")).isNotEqualTo(item(first).get("id"));
		assertThat(backend.seen()).filteredOn((seen) -> seen.method().endsWith("/CreateItem"))
			.extracting(CatalogBackend.Seen::idempotencyKey)
			.contains("bridge-key-1", "bridge-key-2");
	}

	@Test
	void principalOfTheRequestIsSentAsMetadataAndNoneWithoutOne() throws Exception {
		Map<String, Object> args = Map.of("input", Map.of("ownerId", "7", "displayName", "Mine"));
		int before = backend.seen().size();

		this.client.call(request("catalog.getItems", List.of("1"), Map.of(), "7")).get();
		this.client.call(request("catalog.getItems", List.of("1"), Map.of())).get();
		Object created = this.client.call(new BusRequest(new RequestHeaders(CorrelationIds.next(),
				"catalog.createItem", "gateway.replies.t", Instant.now().plus(BUDGET), "principal-1", "7"), null, args))
			.get()
			.get(0);

		assertThat(backend.seen().subList(before, backend.seen().size()))
			.filteredOn((seen) -> seen.method().startsWith(CatalogBackend.SERVICE + "/"))
			.extracting(CatalogBackend.Seen::principal)
			.containsExactly("7", null, "7");
		assertThat(item(created)).containsEntry("ownerId", "7");
		// The backend lets a principal create items only for themselves, and nobody create one anonymously.
		assertFailure(this.client.call(new BusRequest(new RequestHeaders(CorrelationIds.next(), "catalog.createItem",
				"gateway.replies.t", Instant.now().plus(BUDGET), "principal-2", "8"), null, args)),
				BusStatus.PERMISSION_DENIED, "permission denied: '8' may create items only for themselves, not for '7'");
		assertFailure(this.client.call(new BusRequest(new RequestHeaders(CorrelationIds.next(), "catalog.createItem",
				"gateway.replies.t", Instant.now().plus(BUDGET), "principal-3", null), null, args)),
				BusStatus.PERMISSION_DENIED, "creating an item needs the caller's principal");
	}

	@Test
	void unsampledCallCarriesItsTraceContextWithoutAnObservationAndSampledCallIsObserved() throws Exception {
		List<String> observed = new CopyOnWriteArrayList<>();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStart(Observation.Context context) {
				observed.add(context.getName());
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		try (GrpcBackendClient traced = new GrpcBackendClient(CatalogBackend.grpcProperties(backend.target()),
				CatalogBackend.routes(), Clock.systemUTC(), observations, W3CTraceContextPropagator.getInstance())) {
			int before = backend.seen().size();
			Object unsampled = callInTrace(traced, "b7ad6b7169203331", TraceFlags.getDefault());
			assertThat(observed).isEmpty();
			Object sampled = callInTrace(traced, "00f067aa0ba902b7", TraceFlags.getSampled());
			assertThat(observed).containsExactly("grpc.client");

			assertThat(unsampled).isEqualTo(sampled);
			assertThat(item(unsampled)).containsEntry("id", "1");
			assertThat(backend.seen().subList(before, backend.seen().size()))
				.filteredOn((seen) -> seen.method().equals(GET_ITEMS))
				.extracting(CatalogBackend.Seen::traceparent)
				// The sampled call's context is written by the observation's tracing handler,
				// which this registry has none of: what is under test here is that it ran.
				.containsExactly("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", null);
		}
	}

	private static Object callInTrace(GrpcBackendClient client, String spanId, TraceFlags flags) throws Exception {
		Span span = Span.wrap(SpanContext.create("0af7651916cd43dd8448eb211c80319c", spanId, flags,
				TraceState.getDefault()));
		try (Scope scope = Context.root().with(span).makeCurrent()) {
			return client.call(request("catalog.getItems", List.of("1"), Map.of())).get().get(0);
		}
	}

	@Test
	void principalThatCannotBeMetadataIsInvalid() {
		assertFailure(this.client.call(request("catalog.getItems", List.of("1"), Map.of(), "José")),
				BusStatus.INVALID_ARGUMENT, "the principal must be printable ASCII to travel as a header to the backend");
	}

	@Test
	void invalidInputIsInvalidArgumentWithTheReason() {
		assertFailure(this.client.call(mutation("catalog.createItem",
				Map.of("input", Map.of("ownerId", "3", "displayName", " ")), "bad-1")),
				BusStatus.INVALID_ARGUMENT, "the display name must not be blank");
		assertFailure(this.client.call(request("catalog.listGroups", List.of(1), Map.of("first", 0))),
				BusStatus.INVALID_ARGUMENT, "first must be between 1 and 100, was 0");
		assertFailure(this.client.call(mutation("catalog.createItem",
				Map.of("input", Map.of("ownerId", "3", "displayName", "x", "subtitle", "y")), "bad-2")),
				BusStatus.INVALID_ARGUMENT,
				"invalid arguments for catalog.createItem: Cannot find field: subtitle in message busgate.bridgetest.v1.CreateItemRequest");
	}

	@Test
	void unknownOwnerIsNotFound() {
		assertFailure(this.client.call(mutation("catalog.createItem",
				Map.of("input", Map.of("ownerId", "99999", "displayName", "x")), "nf-1")),
				BusStatus.NOT_FOUND, "no owner with id '99999'");
	}

	@Test
	void unknownOperationIsUnimplemented() {
		assertFailure(this.client.call(request("catalog.nope", null, Map.of())), BusStatus.UNIMPLEMENTED,
				"no gRPC route for operation catalog.nope; routes: [catalog.createItem, catalog.getItems, catalog.listGroups]");
	}

	@Test
	void everyCallsDeadlineIsTheRequestsRemainingBudget() throws Exception {
		Instant now = Instant.now();
		// A client whose clock stands still: the budget of a request is exactly its deadline less now.
		try (GrpcBackendClient stillClock = client(CatalogBackend.grpcProperties(backend.target()),
				Clock.fixed(now, ZoneOffset.UTC))) {
			for (Duration budget : List.of(Duration.ofSeconds(3), Duration.ofSeconds(40))) {
				int before = backend.seen().size();
				long start = System.nanoTime();

				stillClock.call(new BusRequest(new RequestHeaders(CorrelationIds.next(), "catalog.getItems",
						"gateway.replies.t", now.plus(budget), null), List.of("1"), Map.of())).get();

				Duration took = Duration.ofNanos(System.nanoTime() - start);
				// The server has what the request carried, less at most the time the call took.
				assertThat(backend.seen().subList(before, backend.seen().size()))
					.filteredOn((seen) -> seen.method().equals(GET_ITEMS))
					.singleElement()
					.satisfies((seen) -> assertThat(seen.deadline()).isLessThanOrEqualTo(budget)
						.isGreaterThanOrEqualTo(budget.minus(took)));
			}
		}
	}

	@Test
	void backendThatDoesNotAnswerIsCutOffAtTheDeadline() throws Exception {
		assertFailure(this.client.call(mutation("catalog.createItem",
				Map.of("input", Map.of("ownerId", "3", "displayName", "held")), CatalogBackend.HOLD,
				Duration.ofMillis(500))), BusStatus.DEADLINE_EXCEEDED,
				"busgate.bridgetest.v1.Catalog/CreateItem (catalog.createItem) did not answer before the deadline");
		// The backend got the call and still holds it: the deadline ended the call, not an answer.
		await().atMost(Duration.ofSeconds(10)).until(() -> backend.holding() == 1);
		backend.release();
		await().atMost(Duration.ofSeconds(10)).until(() -> backend.holding() == 0);
	}

	@Test
	void backendDownFailsWithUnavailableWithoutWaitingForItAndIsServedOnceItIsUp() throws Exception {
		int port = CatalogBackend.freePort();
		try (GrpcBackendClient early = client(CatalogBackend.grpcProperties("127.0.0.1:" + port), Clock.systemUTC())) {
			assertFailsWithUnavailable(early);

			try (CatalogBackend late = CatalogBackend.start(port)) {
				// The channel backs off after failed connects; the client cuts that short.
				await().atMost(Duration.ofSeconds(30))
					.pollInterval(Duration.ofMillis(200))
					.ignoreExceptions()
					.untilAsserted(() -> assertThat(early.call(request("catalog.getItems", List.of("1"), Map.of()))
						.get(10, TimeUnit.SECONDS)).hasSize(1));
			}

			assertFailsWithUnavailable(early);
		}
	}

	@Test
	void answerLargerThanMaxInboundMessageSizeIsResponseTooLarge() throws Exception {
		GrpcBridgeProperties properties = CatalogBackend.grpcProperties(backend.target());
		// Descriptors from a set: reflection's own answers would exceed this limit too.
		properties = new GrpcBridgeProperties(properties.target(), DESCRIPTOR_SET, properties.connectTimeout(),
				properties.reflectionTimeout(), DataSize.ofBytes(64));

		try (GrpcBackendClient limited = client(properties, Clock.systemUTC())) {
			assertThat(failure(limited.call(request("catalog.getItems", List.of("1", "2", "3"), Map.of()))))
				.isInstanceOfSatisfying(BackendException.class, (ex) -> {
					assertThat(ex.status()).isEqualTo(BusStatus.RESPONSE_TOO_LARGE);
					assertThat(ex.getMessage()).contains("is larger than max-inbound-message-size");
				});
		}
	}

	@Test
	void descriptorSetInsteadOfReflectionServesWithoutAskingTheBackendForDescriptors() throws Exception {
		GrpcBridgeProperties properties = CatalogBackend.grpcProperties(backend.target());
		properties = new GrpcBridgeProperties(properties.target(), DESCRIPTOR_SET, properties.connectTimeout(),
				properties.reflectionTimeout(), properties.maxInboundMessageSize());
		// The reflection-based client of this test class has read its descriptors once this answers.
		this.client.call(request("catalog.getItems", List.of("1"), Map.of())).get();
		int before = backend.seen().size();

		try (GrpcBackendClient pinned = client(properties, Clock.systemUTC())) {
			assertThat(pinned.call(request("catalog.getItems", List.of("2"), Map.of())).get()).hasSize(1);
		}

		assertThat(backend.seen().subList(before, backend.seen().size())).extracting(CatalogBackend.Seen::method)
			.containsExactly(GET_ITEMS);
	}

	@Test
	void routeThatIsNoGrpcCallFailsAtStartupBeforeAnyDescriptorIsRead() throws Exception {
		int port = CatalogBackend.freePort();

		assertThatIllegalArgumentException()
			.isThrownBy(() -> new GrpcBackendClient(CatalogBackend.grpcProperties("127.0.0.1:" + port),
					Map.of("catalog.getItems", BridgeProperties.Route.of("GET /items")), Clock.systemUTC(),
					ObservationRegistry.NOOP, TextMapPropagator.noop()))
			.withMessageStartingWith("route catalog.getItems: a gRPC route needs a full method name");
	}

	@Test
	void descriptorSetThatDoesNotFitTheRoutesFailsAtStartup() throws Exception {
		GrpcBridgeProperties properties = CatalogBackend.grpcProperties(backend.target());
		FileDescriptorSet timestampOnly = FileDescriptorSet.newBuilder()
			.addFile(TimestampProto.getDescriptor().toProto())
			.build();
		GrpcBridgeProperties misfit = new GrpcBridgeProperties(properties.target(),
				new ByteArrayResource(timestampOnly.toByteArray()), properties.connectTimeout(),
				properties.reflectionTimeout(), properties.maxInboundMessageSize());

		assertThatIllegalStateException().isThrownBy(() -> client(misfit, Clock.systemUTC()))
			.withMessageStartingWith("Misconfigured gRPC routes: [route catalog.createItem")
			.withMessageContaining("the backend's descriptors have no service busgate.bridgetest.v1.Catalog");
	}

	@Test
	void grpcStatusesMapToBusStatuses() {
		assertThat(GrpcBackendClient.busStatus(Status.Code.INVALID_ARGUMENT)).isEqualTo(BusStatus.INVALID_ARGUMENT);
		assertThat(GrpcBackendClient.busStatus(Status.Code.OUT_OF_RANGE)).isEqualTo(BusStatus.INVALID_ARGUMENT);
		assertThat(GrpcBackendClient.busStatus(Status.Code.FAILED_PRECONDITION)).isEqualTo(BusStatus.INVALID_ARGUMENT);
		assertThat(GrpcBackendClient.busStatus(Status.Code.PERMISSION_DENIED)).isEqualTo(BusStatus.PERMISSION_DENIED);
		assertThat(GrpcBackendClient.busStatus(Status.Code.UNAUTHENTICATED)).isEqualTo(BusStatus.PERMISSION_DENIED);
		assertThat(GrpcBackendClient.busStatus(Status.Code.NOT_FOUND)).isEqualTo(BusStatus.NOT_FOUND);
		assertThat(GrpcBackendClient.busStatus(Status.Code.UNAVAILABLE)).isEqualTo(BusStatus.UNAVAILABLE);
		assertThat(GrpcBackendClient.busStatus(Status.Code.DEADLINE_EXCEEDED)).isEqualTo(BusStatus.DEADLINE_EXCEEDED);
		assertThat(GrpcBackendClient.busStatus(Status.Code.UNIMPLEMENTED)).isEqualTo(BusStatus.UNIMPLEMENTED);
		for (Status.Code other : List.of(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.ALREADY_EXISTS,
				Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED)) {
			assertThat(GrpcBackendClient.busStatus(other)).isEqualTo(BusStatus.INTERNAL);
		}
	}

	/**
	 * A call to a backend that is down fails with {@code UNAVAILABLE}, not at its deadline with
	 * {@code DEADLINE_EXCEEDED}, as a call that waited for the backend to be ready would.
	 */
	private static void assertFailsWithUnavailable(GrpcBackendClient client) {
		assertThat(failure(client.call(request("catalog.getItems", List.of("1"), Map.of()))))
			.isInstanceOfSatisfying(BackendException.class,
					(ex) -> assertThat(ex.status()).isEqualTo(BusStatus.UNAVAILABLE));
	}

	private static GrpcBackendClient client(GrpcBridgeProperties properties, Clock clock) throws IOException {
		return new GrpcBackendClient(properties, CatalogBackend.routes(), clock, ObservationRegistry.NOOP,
				TextMapPropagator.noop());
	}

	private static void assertFailure(CompletableFuture<?> call, BusStatus status, String message) {
		assertThat(failure(call)).isInstanceOfSatisfying(BackendException.class, (ex) -> {
			assertThat(ex.status()).isEqualTo(status);
			assertThat(ex.getMessage()).isEqualTo(message);
		});
	}

	private static Throwable failure(CompletableFuture<?> call) {
		try {
			call.get(20, TimeUnit.SECONDS);
			throw new AssertionError("expected the call to fail");
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			return (cause instanceof CompletionException && cause.getCause() != null) ? cause.getCause() : cause;
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> item(Object item) {
		return (Map<String, Object>) item;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> itemList(Object item) {
		return (List<Map<String, Object>>) item;
	}

	private static BusRequest request(String operation, List<Object> keys, Map<String, Object> args) {
		return request(operation, keys, args, BUDGET);
	}

	private static BusRequest request(String operation, List<Object> keys, Map<String, Object> args, String principal) {
		return new BusRequest(new RequestHeaders(CorrelationIds.next(), operation, "gateway.replies.t",
				Instant.now().plus(BUDGET), null, principal), Arrays.asList(keys.toArray()), args);
	}

	private static BusRequest request(String operation, List<Object> keys, Map<String, Object> args, Duration budget) {
		return new BusRequest(new RequestHeaders(CorrelationIds.next(), operation, "gateway.replies.t",
				Instant.now().plus(budget), null), (keys != null) ? Arrays.asList(keys.toArray()) : null, args);
	}

	private static BusRequest mutation(String operation, Map<String, Object> args, String idempotencyKey) {
		return mutation(operation, args, idempotencyKey, BUDGET);
	}

	/** A mutation made for the owner in its input, as the gateway makes one for its caller. */
	private static BusRequest mutation(String operation, Map<String, Object> args, String idempotencyKey,
			Duration budget) {
		Object owner = ((Map<?, ?>) args.getOrDefault("input", Map.of())).get("ownerId");
		return new BusRequest(new RequestHeaders(CorrelationIds.next(), operation, "gateway.replies.t",
				Instant.now().plus(budget), idempotencyKey, (owner != null) ? owner.toString() : null), null, args);
	}

}

package io.busgate.bridge.grpc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import org.springframework.util.unit.DataSize;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.examples.post.v1.PostServiceProto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The bridge's gRPC client with the routes of {@code compose/routes/post.yml} against a real
 * post-service on a loopback port, descriptors read by server reflection.
 */
class GrpcBackendClientTests {

	private static final Duration BUDGET = Duration.ofSeconds(10);

	/** "Fast": a failure that does not wait for the deadline comes well before it. */
	private static final Duration FAST = Duration.ofSeconds(2);

	private static PostServiceBackend backend;

	private GrpcBackendClient client;

	@BeforeAll
	static void startBackend() {
		backend = PostServiceBackend.start(0);
	}

	@AfterAll
	static void stopBackend() {
		backend.close();
	}

	@BeforeEach
	void connect() throws Exception {
		this.client = new GrpcBackendClient(PostServiceBackend.grpcProperties(backend.target()),
				PostServiceBackend.routes(), Clock.systemUTC(),
				ObservationRegistry.NOOP, TextMapPropagator.noop());
	}

	@AfterEach
	void disconnect() throws InterruptedException {
		this.client.close();
	}

	@Test
	void getPostsAnswersThePostPerKeyAndNullForAMissingOne() throws Exception {
		List<Object> items = this.client.call(request("post.getPosts", List.of("1", "99999", "3"), Map.of())).get();

		assertThat(items).hasSize(3);
		assertThat(items.get(1)).isNull();
		assertThat(post(items.get(0))).containsEntry("id", "1").containsEntry("authorId", "1")
			.containsKeys("title", "body");
		assertThat(post(items.get(2)).get("id")).isEqualTo("3");
		assertThat((String) post(items.get(0)).get("createdAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
	}

	@Test
	void listByAuthorAnswersAtMostFirstPostsNewestFirstAndAnEmptyListForAnAuthorWithout() throws Exception {
		List<Object> items = this.client
			.call(request("post.listByAuthor", List.of("4", "5", "9999", "no-such-user"), Map.of("first", 2)))
			.get();

		assertThat(items).hasSize(4);
		List<Map<String, Object>> fourth = posts(items.get(0));
		assertThat(fourth).hasSize(2).allSatisfy((post) -> assertThat(post).containsEntry("authorId", "4"));
		assertThat(Instant.parse((String) fourth.get(0).get("createdAt")))
			.isAfterOrEqualTo(Instant.parse((String) fourth.get(1).get("createdAt")));
		assertThat(items.get(1)).isEqualTo(List.of());
		assertThat(posts(items.get(2))).hasSize(2);
		assertThat(items.get(3)).isEqualTo(List.of());
	}

	@Test
	void createPostWithTheSameIdempotencyKeyTwiceAnswersTheSamePost() throws Exception {
		Map<String, Object> args = Map.of("input", Map.of("authorId", "3", "title", "Hello", "body", "From the bridge"));

		Object first = this.client.call(mutation("post.createPost", args, "bridge-key-1")).get().get(0);
		Object again = this.client.call(mutation("post.createPost", args, "bridge-key-1")).get().get(0);
		Object other = this.client.call(mutation("post.createPost", args, "bridge-key-2")).get().get(0);

		assertThat(post(first)).containsEntry("authorId", "3").containsEntry("title", "Hello")
			.containsEntry("body", "From the bridge");
		assertThat(again).isEqualTo(first);
		assertThat(post(other).get("id")).isNotEqualTo(post(first).get("id"));
		assertThat(backend.seen()).filteredOn((seen) -> seen.method().endsWith("/CreatePost"))
			.extracting(PostServiceBackend.Seen::idempotencyKey)
			.contains("bridge-key-1", "bridge-key-2");
	}

	@Test
	void principalOfTheRequestIsSentAsMetadataAndNoneWithoutOne() throws Exception {
		Map<String, Object> args = Map.of("input", Map.of("authorId", "7", "title", "Mine", "body", ""));
		int before = backend.seen().size();

		this.client.call(request("post.getPosts", List.of("1"), Map.of(), "7")).get();
		this.client.call(request("post.getPosts", List.of("1"), Map.of())).get();
		Object created = this.client.call(new BusRequest(new RequestHeaders(CorrelationIds.next(), "post.createPost",
				"gateway.replies.t", Instant.now().plus(BUDGET), "principal-1", "7"), null, args)).get().get(0);

		assertThat(backend.seen().subList(before, backend.seen().size()))
			.filteredOn((seen) -> seen.method().startsWith("busgate.post.v1.PostService/"))
			.extracting(PostServiceBackend.Seen::principal)
			.containsExactly("7", null, "7");
		assertThat(post(created)).containsEntry("authorId", "7");
		// post-service lets a principal create posts only as themselves.
		assertFailure(this.client.call(new BusRequest(new RequestHeaders(CorrelationIds.next(), "post.createPost",
				"gateway.replies.t", Instant.now().plus(BUDGET), "principal-2", "8"), null, args)),
				BusStatus.PERMISSION_DENIED, "permission denied: user '8' may create posts only as themselves, not as '7'");
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
		try (GrpcBackendClient traced = new GrpcBackendClient(PostServiceBackend.grpcProperties(backend.target()),
				PostServiceBackend.routes(),
				Clock.systemUTC(), observations, W3CTraceContextPropagator.getInstance())) {
			int before = backend.seen().size();
			Object unsampled = callInTrace(traced, "b7ad6b7169203331", TraceFlags.getDefault());
			assertThat(observed).isEmpty();
			Object sampled = callInTrace(traced, "00f067aa0ba902b7", TraceFlags.getSampled());
			assertThat(observed).containsExactly("grpc.client");

			assertThat(unsampled).isEqualTo(sampled);
			assertThat(post(unsampled)).containsEntry("id", "1");
			assertThat(backend.seen().subList(before, backend.seen().size()))
				.filteredOn((seen) -> seen.method().endsWith("/GetPosts"))
				.extracting(PostServiceBackend.Seen::traceparent)
				// The sampled call's context is written by the observation's tracing handler,
				// which this registry has none of: what is under test here is that it ran.
				.containsExactly("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", null);
		}
	}

	private static Object callInTrace(GrpcBackendClient client, String spanId, TraceFlags flags) throws Exception {
		Span span = Span.wrap(SpanContext.create("0af7651916cd43dd8448eb211c80319c", spanId, flags,
				TraceState.getDefault()));
		try (Scope scope = Context.root().with(span).makeCurrent()) {
			return client.call(request("post.getPosts", List.of("1"), Map.of())).get().get(0);
		}
	}

	@Test
	void principalThatCannotBeMetadataIsInvalid() {
		assertFailure(this.client.call(request("post.getPosts", List.of("1"), Map.of(), "José")),
				BusStatus.INVALID_ARGUMENT, "the principal must be printable ASCII to travel as a header to the backend");
	}

	@Test
	void invalidInputIsInvalidArgumentWithTheReason() {
		assertFailure(this.client.call(mutation("post.createPost",
				Map.of("input", Map.of("authorId", "3", "title", " ", "body", "")), "bad-1")),
				BusStatus.INVALID_ARGUMENT, "the title must not be blank");
		assertFailure(this.client.call(request("post.listByAuthor", List.of("1"), Map.of("first", 0))),
				BusStatus.INVALID_ARGUMENT, "first must be between 1 and 100, was 0");
		assertFailure(this.client.call(mutation("post.createPost",
				Map.of("input", Map.of("authorId", "3", "title", "x", "subtitle", "y")), "bad-2")),
				BusStatus.INVALID_ARGUMENT,
				"invalid arguments for post.createPost: Cannot find field: subtitle in message busgate.post.v1.CreatePostRequest");
	}

	@Test
	void unknownAuthorIsNotFound() {
		assertFailure(this.client.call(mutation("post.createPost",
				Map.of("input", Map.of("authorId", "99999", "title", "x", "body", "")), "nf-1")),
				BusStatus.NOT_FOUND, "no user with id '99999'");
	}

	@Test
	void unknownOperationIsUnimplemented() {
		assertFailure(this.client.call(request("post.nope", null, Map.of())), BusStatus.UNIMPLEMENTED,
				"no gRPC route for operation post.nope; routes: [post.createPost, post.getPosts, post.listByAuthor]");
	}

	@Test
	void everyCallsDeadlineIsTheRequestsRemainingBudget() throws Exception {
		int before = backend.seen().size();

		this.client.call(request("post.getPosts", List.of("1"), Map.of(), Duration.ofSeconds(3))).get();

		List<PostServiceBackend.Seen> calls = backend.seen().subList(before, backend.seen().size());
		assertThat(calls).filteredOn((seen) -> seen.method().equals("busgate.post.v1.PostService/GetPosts"))
			.singleElement()
			.satisfies((seen) -> assertThat(seen.deadlineMillis()).isBetween(1500L, 3000L));
	}

	@Test
	void slowBackendIsCutOffAtTheDeadline() {
		Instant start = Instant.now();

		assertFailure(this.client.call(mutation("post.createPost",
				Map.of("input", Map.of("authorId", "3", "title", "slow", "body", "")), PostServiceBackend.SLOW,
				Duration.ofMillis(500))), BusStatus.DEADLINE_EXCEEDED,
				"busgate.post.v1.PostService/CreatePost (post.createPost) did not answer before the deadline");
		assertThat(Duration.between(start, Instant.now())).isLessThan(
				Duration.ofMillis(PostServiceBackend.SLOW_MILLIS));
	}

	@Test
	void backendDownFailsFastWithUnavailableAndIsServedOnceItIsUp() throws Exception {
		int port = PostServiceBackend.freePort();
		try (GrpcBackendClient early = new GrpcBackendClient(PostServiceBackend.grpcProperties("127.0.0.1:" + port),
				PostServiceBackend.routes(),
				Clock.systemUTC(), ObservationRegistry.NOOP, TextMapPropagator.noop())) {
			assertFailsFastWithUnavailable(early);

			try (PostServiceBackend late = PostServiceBackend.start(port, "--busgate.post-service.user-count=100")) {
				// The channel backs off after failed connects; the client cuts that short.
				await().atMost(Duration.ofSeconds(30))
					.pollInterval(Duration.ofMillis(200))
					.ignoreExceptions()
					.untilAsserted(() -> assertThat(early.call(request("post.getPosts", List.of("1"), Map.of()))
						.get(10, TimeUnit.SECONDS)).hasSize(1));
			}

			assertFailsFastWithUnavailable(early);
		}
	}

	@Test
	void answerLargerThanMaxInboundMessageSizeIsResponseTooLarge() throws Exception {
		GrpcBridgeProperties properties = PostServiceBackend.grpcProperties(backend.target());
		FileDescriptorSet descriptors = FileDescriptorSet.newBuilder()
			.addFile(TimestampProto.getDescriptor().toProto())
			.addFile(PostServiceProto.getDescriptor().toProto())
			.build();
		// Descriptors from a set: reflection's own answers would exceed this limit too.
		properties = new GrpcBridgeProperties(properties.target(), new ByteArrayResource(descriptors.toByteArray()),
				properties.connectTimeout(), properties.reflectionTimeout(), DataSize.ofBytes(64));

		try (GrpcBackendClient limited = new GrpcBackendClient(properties, PostServiceBackend.routes(),
				Clock.systemUTC(),
				ObservationRegistry.NOOP, TextMapPropagator.noop())) {
			assertThat(failure(limited.call(request("post.getPosts", List.of("1", "2", "3"), Map.of()))))
				.isInstanceOfSatisfying(BackendException.class, (ex) -> {
					assertThat(ex.status()).isEqualTo(BusStatus.RESPONSE_TOO_LARGE);
					assertThat(ex.getMessage()).contains("is larger than max-inbound-message-size");
				});
		}
	}

	@Test
	void descriptorSetInsteadOfReflectionServesWithoutAskingTheBackendForDescriptors() throws Exception {
		// What protoc --descriptor_set_out --include_imports writes for post_service.proto.
		FileDescriptorSet descriptors = FileDescriptorSet.newBuilder()
			.addFile(TimestampProto.getDescriptor().toProto())
			.addFile(PostServiceProto.getDescriptor().toProto())
			.build();
		GrpcBridgeProperties properties = PostServiceBackend.grpcProperties(backend.target());
		properties = new GrpcBridgeProperties(properties.target(), new ByteArrayResource(descriptors.toByteArray()),
				properties.connectTimeout(), properties.reflectionTimeout(), properties.maxInboundMessageSize());
		// The reflection-based client of this test class has read its descriptors once this answers.
		this.client.call(request("post.getPosts", List.of("1"), Map.of())).get();
		int before = backend.seen().size();

		try (GrpcBackendClient pinned = new GrpcBackendClient(properties, PostServiceBackend.routes(),
				Clock.systemUTC(),
				ObservationRegistry.NOOP, TextMapPropagator.noop())) {
			assertThat(pinned.call(request("post.getPosts", List.of("2"), Map.of())).get()).hasSize(1);
		}

		assertThat(backend.seen().subList(before, backend.seen().size())).extracting(PostServiceBackend.Seen::method)
			.containsExactly("busgate.post.v1.PostService/GetPosts");
	}

	@Test
	void routeThatIsNoGrpcCallFailsAtStartupBeforeAnyDescriptorIsRead() throws Exception {
		int port = PostServiceBackend.freePort();

		assertThatIllegalArgumentException()
			.isThrownBy(() -> new GrpcBackendClient(PostServiceBackend.grpcProperties("127.0.0.1:" + port),
					Map.of("post.getPosts", BridgeProperties.Route.of("GET /posts")), Clock.systemUTC(),
					ObservationRegistry.NOOP, TextMapPropagator.noop()))
			.withMessageStartingWith("route post.getPosts: a gRPC route needs a full method name");
	}

	@Test
	void descriptorSetThatDoesNotFitTheRoutesFailsAtStartup() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new GrpcBackendClient(PostServiceBackend.grpcProperties(backend.target(),
					Map.of("busgate.bridge.grpc.descriptor-set", "file:target/test-descriptors/bridge-test.binpb")),
					PostServiceBackend.routes(), Clock.systemUTC(), ObservationRegistry.NOOP, TextMapPropagator.noop()))
			.withMessageStartingWith("Misconfigured gRPC routes: [route post.createPost")
			.withMessageContaining("the backend's descriptors have no service busgate.post.v1.PostService");
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

	private static void assertFailsFastWithUnavailable(GrpcBackendClient client) {
		Instant start = Instant.now();
		Throwable failure = failure(client.call(request("post.getPosts", List.of("1"), Map.of())));
		assertThat(Duration.between(start, Instant.now())).isLessThan(FAST);
		assertThat(failure).isInstanceOfSatisfying(BackendException.class,
				(ex) -> assertThat(ex.status()).isEqualTo(BusStatus.UNAVAILABLE));
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
	private static Map<String, Object> post(Object item) {
		return (Map<String, Object>) item;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> posts(Object item) {
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

	/** A mutation made for the author in its input, as the gateway makes one for its caller. */
	private static BusRequest mutation(String operation, Map<String, Object> args, String idempotencyKey,
			Duration budget) {
		Object author = ((Map<?, ?>) args.getOrDefault("input", Map.of())).get("authorId");
		return new BusRequest(new RequestHeaders(CorrelationIds.next(), operation, "gateway.replies.t",
				Instant.now().plus(budget), idempotencyKey, (author != null) ? author.toString() : null), null, args);
	}

}

package io.busgate.bridge.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

import io.busgate.backend.BackendContract;
import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** The HTTP client of the bridge against a real HTTP server on loopback. */
class HttpBackendClientTests {

	private HttpServer server;

	private final List<String> requested = new CopyOnWriteArrayList<>();

	private final List<String> bodies = new CopyOnWriteArrayList<>();

	/** The principal header ({@link BackendContract#PRINCIPAL}) of each request, {@code "-"} where there was none. */
	private final List<String> principals = new CopyOnWriteArrayList<>();

	/** The {@code traceparent} header of each request, {@code "-"} where there was none. */
	private final List<String> traceparents = new CopyOnWriteArrayList<>();

	/** Counted down when a test is done: until then, a request to {@code /slow} gets no answer. */
	private final CountDownLatch answerHeld = new CountDownLatch(1);

	/** How many requests to {@code /slow} the backend is holding. */
	private final AtomicInteger held = new AtomicInteger();

	@BeforeEach
	void startBackend() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", this::serve);
		this.server.start();
	}

	@AfterEach
	void stopBackend() {
		this.answerHeld.countDown();
		this.server.stop(0);
	}

	@Test
	void perKeyRouteCallsOncePerKeyAndTurns404IntoNull() throws Exception {
		HttpBackendClient client = client(Map.of("svc.get", route("GET", "/items/{key}?size={size}")));

		List<Object> items = client.call(request("svc.get", Arrays.asList("1", "missing", "a/b"), Map.of("size", 3)))
			.get();

		assertThat(items).containsExactly(Map.of("id", "1", "size", "3"), null, Map.of("id", "a/b", "size", "3"));
		assertThat(this.requested).contains("GET /items/a%2Fb?size=3");
	}

	@Test
	void batchRouteIsCalledOnceWithAllKeys() throws Exception {
		HttpBackendClient client = client(Map.of("svc.batch", route("GET", "/batch?ids={keys}")));

		List<Object> items = client.call(request("svc.batch", List.of("1", "2", "3"), Map.of())).get();

		assertThat(items).containsExactly("1", "2", "3");
		// Values are encoded whole, the joining commas too; the server decodes them back.
		assertThat(this.requested).containsExactly("GET /batch?ids=1%2C2%2C3");
	}

	@Test
	void keylessRouteAnswersOneItem() throws Exception {
		HttpBackendClient client = client(Map.of("svc.list", route("GET", "/list?start={start}")));

		List<Object> items = client.call(request("svc.list", null, Map.of("start", 5))).get();

		assertThat(items).containsExactly(List.of(5, 6));
	}

	@Test
	void argsAreSentAsJsonBody() throws Exception {
		HttpBackendClient client = client(Map.of("svc.create",
				BridgeProperties.Route.of("POST /echo")));

		List<Object> items = client.call(request("svc.create", null, Map.of("text", "hi"))).get();

		assertThat(items).containsExactly(Map.of("text", "hi"));
		assertThat(this.bodies).containsExactly("{\"text\":\"hi\"}");
	}

	@Test
	void batchAnswerIsShapedByTheRouteModelMatchingItemsToKeysWithNullForMissingOnes() throws Exception {
		HttpBackendClient client = client(Map.of("svc.users", new BridgeProperties.Route("GET /users?ids={keys}", null,
				null, "users", "id", "name", null)));

		List<Object> items = client.call(request("svc.users", List.of("2", "missing", "1"), Map.of())).get();

		assertThat(items).containsExactly("user 2", null, "user 1");
	}

	@Test
	void keysFieldAndIdempotencyKeyGoIntoTheJsonBody() throws Exception {
		HttpBackendClient client = client(Map.of("svc.tag", new BridgeProperties.Route("POST /echo", "ids", null,
				"ids", null, null, "requestId")));
		BusRequest mutation = new BusRequest(new RequestHeaders("c-1", "svc.tag", "gateway.replies.t",
				Instant.now().plusSeconds(5), "key-1"), List.of("1", "2"), Map.of("text", "hi"));

		assertThat(client.call(mutation).get()).containsExactly("1", "2");
		assertThat(this.bodies).containsExactly("{\"text\":\"hi\",\"requestId\":\"key-1\",\"ids\":[\"1\",\"2\"]}");
	}

	@Test
	void keyedRequestToARouteWithNoPlaceForKeysIsRefusedWithoutCallingTheBackend() {
		HttpBackendClient client = client(Map.of("svc.list", route("GET", "/list?start={start}")));

		assertFails(client.call(request("svc.list", List.of("1"), Map.of("start", 5))), BusStatus.INVALID_ARGUMENT,
				"svc.list takes no keys, the request has 1");
		assertThat(this.requested).isEmpty();
	}

	@Test
	void batchAnswerWithAnotherCountThanKeysIsAnInternalErrorNotAMisalignedReply() {
		HttpBackendClient client = client(Map.of("svc.batch", route("GET", "/two?ids={keys}")));

		assertFails(client.call(request("svc.batch", List.of("1", "2", "3"), Map.of())), BusStatus.INTERNAL,
				"GET /two?ids={keys} (svc.batch) answered 2 items for 3 keys");
	}

	@Test
	void callThatIsNotAMethodAndATemplateIsRefusedAtStartup() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> client(Map.of("svc.get", BridgeProperties.Route.of("/x"))))
			.withMessage("route svc.get: an HTTP call is '<METHOD> <URI template>', e.g. 'GET /user/{key}'; was '/x'");
	}

	@Test
	void principalOfTheRequestIsSentAsAHeaderAndNoneWithoutOne() throws Exception {
		HttpBackendClient client = client(Map.of("svc.get", route("GET", "/items/{key}")));
		RequestHeaders known = new RequestHeaders("c-1", "svc.get", "gateway.replies.t", Instant.now().plusSeconds(5),
				null, "user-7");

		client.call(new BusRequest(known, List.of("1", "2"), Map.of())).get();
		client.call(request("svc.get", List.of("3"), Map.of())).get();

		assertThat(this.principals).containsExactly("user-7", "user-7", "-");
	}

	@Test
	void principalThatCannotBeAHeaderIsInvalidAndNotSent() {
		HttpBackendClient client = client(Map.of("svc.get", route("GET", "/items/{key}")));
		RequestHeaders unsendable = new RequestHeaders("c-1", "svc.get", "gateway.replies.t",
				Instant.now().plusSeconds(5), null, "\u0100da");

		assertThat(failure(client.call(new BusRequest(unsendable, List.of("1"), Map.of()))))
			.isInstanceOfSatisfying(BackendException.class, (ex) -> {
				assertThat(ex.status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
				assertThat(ex.getMessage()).contains("principal must be printable ASCII");
			});
		assertThat(this.requested).isEmpty();
	}

	@Test
	void backendErrorsMapToStatusesWithTheirReason() {
		HttpBackendClient client = client(Map.of("svc.fail", route("GET", "/status/{code}")));

		assertThat(failure(client.call(request("svc.fail", null, Map.of("code", 500)))))
			.isInstanceOfSatisfying(BackendException.class, (ex) -> {
				assertThat(ex.status()).isEqualTo(BusStatus.UNAVAILABLE);
				assertThat(ex.getMessage()).isEqualTo("HTTP 500 from GET /status/{code} (svc.fail): status 500");
			});
		assertThat(failure(client.call(request("svc.fail", null, Map.of("code", 400)))))
			.isInstanceOfSatisfying(BackendException.class,
					(ex) -> assertThat(ex.status()).isEqualTo(BusStatus.INVALID_ARGUMENT));
		assertThat(failure(client.call(request("svc.fail", null, Map.of("code", 404)))))
			.isInstanceOfSatisfying(BackendException.class,
					(ex) -> assertThat(ex.status()).isEqualTo(BusStatus.NOT_FOUND));
		for (int refused : new int[] { 401, 403 }) {
			assertThat(failure(client.call(request("svc.fail", null, Map.of("code", refused)))))
				.isInstanceOfSatisfying(BackendException.class,
						(ex) -> assertThat(ex.status()).isEqualTo(BusStatus.PERMISSION_DENIED));
		}
	}

	@Test
	void unreachableBackendIsUnavailable() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		HttpBackendClient client = new HttpBackendClient(new HttpBridgeProperties(
				URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(1), 10, DataSize.ofMegabytes(1)),
				Map.of("svc.get", route("GET", "/items/{key}")), WebClient.builder(),
				W3CTraceContextPropagator.getInstance());

		assertThat(failure(client.call(request("svc.get", List.of("1"), Map.of()))))
			.isInstanceOfSatisfying(BackendException.class, (ex) -> {
				assertThat(ex.status()).isEqualTo(BusStatus.UNAVAILABLE);
				assertThat(ex.getMessage()).contains("unreachable");
			});
	}

	@Test
	void connectionClosedBeforeAnyResponseIsRetriedOnceForGetAndNeverForPost() throws Exception {
		try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			AtomicInteger connections = new AtomicInteger();
			Thread acceptor = new Thread(() -> closeFirstConnectionOfEachCallThenAnswer(backend, connections),
					"closing-backend");
			acceptor.setDaemon(true);
			acceptor.start();
			HttpBackendClient client = new HttpBackendClient(new HttpBridgeProperties(
					URI.create("http://127.0.0.1:" + backend.getLocalPort()), Duration.ofSeconds(1), 10,
					DataSize.ofKilobytes(64)), Map.of("svc.get", route("GET", "/items/{key}"), "svc.post",
							route("POST", "/items")), WebClient.builder(),
				W3CTraceContextPropagator.getInstance());

			assertThat(client.call(request("svc.get", List.of("1"), Map.of())).get()).containsExactly("ok");
			assertThat(connections).hasValue(2);

			assertThat(failure(client.call(request("svc.post", null, Map.of()))))
				.isInstanceOfSatisfying(BackendException.class,
						(ex) -> assertThat(ex.status()).isEqualTo(BusStatus.UNAVAILABLE));
			assertThat(connections).hasValue(3);
		}
	}

	/** Odd connections are closed once their request has arrived; even ones are answered. */
	private static void closeFirstConnectionOfEachCallThenAnswer(ServerSocket backend, AtomicInteger connections) {
		while (!backend.isClosed()) {
			try (Socket connection = backend.accept()) {
				BufferedReader request = new BufferedReader(
						new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
				String line;
				do {
					line = request.readLine();
				}
				while (line != null && !line.isEmpty());
				if (connections.incrementAndGet() % 2 == 0) {
					connection.getOutputStream()
						.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4\r\n"
								+ "Connection: close\r\n\r\n\"ok\"").getBytes(StandardCharsets.US_ASCII));
				}
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	@Test
	void answerLargerThanMaxResponseSizeIsResponseTooLarge() throws Exception {
		HttpBackendClient client = client(Map.of("svc.big", route("GET", "/big/{size}")));

		assertThat(client.call(request("svc.big", null, Map.of("size", 60 * 1024))).get()).hasSize(1);
		assertThat(failure(client.call(request("svc.big", null, Map.of("size", 70 * 1024)))))
			.isInstanceOfSatisfying(BackendException.class, (ex) -> {
				assertThat(ex.status()).isEqualTo(BusStatus.RESPONSE_TOO_LARGE);
				assertThat(ex.getMessage()).contains("larger than max-response-size");
			});
	}

	@Test
	void backendThatDoesNotAnswerIsCutOffAtTheDeadline() {
		HttpBackendClient client = client(Map.of("svc.slow", route("GET", "/slow")));

		Throwable failure = failure(client.call(request("svc.slow", null, Map.of(), Duration.ofMillis(300))));

		assertThat(failure).isInstanceOf(TimeoutException.class);
		// The backend got the request and still holds it: the deadline ended the call, not an answer.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.held.get() == 1);
		assertThat(this.answerHeld.getCount()).isOne();
	}

	@Test
	void unknownOperationAndMissingArgumentAreReported() {
		HttpBackendClient client = client(Map.of("svc.list", route("GET", "/list?start={start}")));

		assertThat(failure(client.call(request("svc.nope", null, Map.of()))))
			.isInstanceOfSatisfying(BackendException.class, (ex) -> {
				assertThat(ex.status()).isEqualTo(BusStatus.UNIMPLEMENTED);
				assertThat(ex.getMessage()).contains("no HTTP route for operation svc.nope");
			});
		assertThatExceptionOfType(BackendException.class)
			.isThrownBy(() -> client.call(request("svc.list", null, Map.of())).join())
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("needs argument 'start'"));
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
		URI baseUrl = URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
		HttpBackendClient client = new HttpBackendClient(new HttpBridgeProperties(baseUrl, Duration.ofSeconds(1), 10,
				DataSize.ofKilobytes(64)), Map.of("svc.get", route("GET", "/items/{key}")),
				WebClient.builder().observationRegistry(observations), W3CTraceContextPropagator.getInstance());

		Object unsampled = callInTrace(client, "b7ad6b7169203331", TraceFlags.getDefault());
		assertThat(observed).isEmpty();
		Object sampled = callInTrace(client, "00f067aa0ba902b7", TraceFlags.getSampled());
		assertThat(observed).containsExactly("http.client.requests");

		assertThat(unsampled).isEqualTo(sampled).isEqualTo(Map.of("id", "1", "size", ""));
		// The sampled call's context is written by the observation's tracing handler, which this
		// registry has none of: what is under test here is that it ran.
		assertThat(this.traceparents).containsExactly("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", "-");
	}

	private static Object callInTrace(HttpBackendClient client, String spanId, TraceFlags flags) throws Exception {
		Span span = Span.wrap(SpanContext.create("0af7651916cd43dd8448eb211c80319c", spanId, flags,
				TraceState.getDefault()));
		try (Scope scope = Context.root().with(span).makeCurrent()) {
			return client.call(request("svc.get", List.of("1"), Map.of())).get().get(0);
		}
	}

	private HttpBackendClient client(Map<String, BridgeProperties.Route> routes) {
		URI baseUrl = URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
		return new HttpBackendClient(
				new HttpBridgeProperties(baseUrl, Duration.ofSeconds(1), 10, DataSize.ofKilobytes(64)), routes, WebClient.builder(), W3CTraceContextPropagator.getInstance());
	}

	private static BridgeProperties.Route route(String method, String path) {
		return BridgeProperties.Route.of(method + " " + path);
	}

	private static BusRequest request(String operation, List<Object> keys, Map<String, Object> args) {
		return request(operation, keys, args, Duration.ofSeconds(5));
	}

	private static BusRequest request(String operation, List<Object> keys, Map<String, Object> args,
			Duration timeToLive) {
		return new BusRequest(new RequestHeaders("c-1", operation, "gateway.replies.t", Instant.now().plus(timeToLive),
				null), keys, args);
	}

	private static void assertFails(CompletableFuture<?> call, BusStatus status, String message) {
		assertThat(failure(call)).isInstanceOfSatisfying(BackendException.class, (ex) -> {
			assertThat(ex.status()).isEqualTo(status);
			assertThat(ex.getMessage()).isEqualTo(message);
		});
	}

	private static Throwable failure(CompletableFuture<?> future) {
		try {
			future.get();
			throw new AssertionError("expected the call to fail");
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private void serve(HttpExchange exchange) throws IOException {
		URI uri = exchange.getRequestURI();
		this.requested.add(exchange.getRequestMethod() + " " + uri.getRawPath()
				+ ((uri.getRawQuery() != null) ? "?" + uri.getRawQuery() : ""));
		String principal = exchange.getRequestHeaders().getFirst(BackendContract.PRINCIPAL);
		this.principals.add((principal != null) ? principal : "-");
		String traceparent = exchange.getRequestHeaders().getFirst(BusHeaders.TRACEPARENT);
		this.traceparents.add((traceparent != null) ? traceparent : "-");
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		if (!body.isEmpty()) {
			this.bodies.add(body);
		}
		String path = uri.getPath();
		String query = (uri.getQuery() != null) ? uri.getQuery() : "";
		if (path.equals("/items/missing")) {
			respond(exchange, 404, "{\"detail\":\"no such item\"}");
		}
		else if (path.startsWith("/items/")) {
			respond(exchange, 200, "{\"id\":\"" + path.substring("/items/".length()) + "\",\"size\":\""
					+ query.replace("size=", "") + "\"}");
		}
		else if (path.equals("/batch")) {
			String ids = query.replace("ids=", "");
			respond(exchange, 200, "[\"" + String.join("\",\"", ids.split(",")) + "\"]");
		}
		else if (path.equals("/list")) {
			int start = Integer.parseInt(query.replace("start=", ""));
			respond(exchange, 200, "[" + start + "," + (start + 1) + "]");
		}
		else if (path.equals("/users")) {
			String users = Arrays.stream(query.replace("ids=", "").split(","))
				.filter((id) -> !id.equals("missing"))
				.map((id) -> "{\"id\":\"" + id + "\",\"name\":\"user " + id + "\"}")
				.collect(Collectors.joining(","));
			respond(exchange, 200, "{\"users\":[" + users + "]}");
		}
		else if (path.equals("/two")) {
			respond(exchange, 200, "[\"a\",\"b\"]");
		}
		else if (path.startsWith("/big/")) {
			respond(exchange, 200, "\"" + "x".repeat(Integer.parseInt(path.substring("/big/".length()))) + "\"");
		}
		else if (path.equals("/echo")) {
			respond(exchange, 200, body);
		}
		else if (path.startsWith("/status/")) {
			int code = Integer.parseInt(path.substring("/status/".length()));
			respond(exchange, code, "status " + code);
		}
		else if (path.equals("/slow")) {
			this.held.incrementAndGet();
			try {
				// Bounded, so that a client that ignores its deadline fails the test instead of hanging it.
				this.answerHeld.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.held.decrementAndGet();
			}
			respond(exchange, 200, "[]");
		}
		else {
			respond(exchange, 404, "");
		}
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}

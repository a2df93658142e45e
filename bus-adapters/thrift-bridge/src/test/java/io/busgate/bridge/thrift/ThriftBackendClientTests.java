package io.busgate.bridge.thrift;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.busgate.bridge.BackendException;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.awaitility.Awaitility.await;

/**
 * The bridge's Thrift client with the shipped message routes and message-service's IDL against
 * the real message-service on a free loopback port, and against backends that are down or
 * silent.
 */
class ThriftBackendClientTests {

	private static final ThriftIdl MESSAGE_IDL = ShippedConfiguration.idl(ShippedConfiguration.MESSAGE_IDL);

	private static RunningMessageService backend;

	private final List<AutoCloseable> closeAfterTest = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void startBackend() {
		backend = RunningMessageService.start(0);
	}

	@AfterAll
	static void stopBackend() {
		backend.close();
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeAfterTest) {
			closeable.close();
		}
	}

	@Test
	void getMessagesAnswersTheMessageOrNullPerKey() throws Exception {
		ThriftBackendClient client = client(backend.port());

		// As the sender of the seeded message 1 (seed 42); message 2 is between two other users.
		List<Object> items = client
			.call(request("message.getMessages", List.of("1", "no-such-id", "2"), Map.of(), "7557"))
			.get();

		assertThat(items).hasSize(3);
		assertThat(items.get(0)).asInstanceOf(MAP)
			.containsOnlyKeys("id", "body", "sentAt", "fromUserId", "toUserId")
			.containsEntry("id", "1");
		assertThat(items.get(1)).isNull();
		assertThat(items.get(2)).isNull();
	}

	@Test
	void inboxAnswersEachUsersNewestMessagesUpToFirst() throws Exception {
		ThriftBackendClient client = client(backend.port());

		List<Object> items = client.call(request("message.inbox", List.of("1", "1"), Map.of("first", 2), "1")).get();

		assertThat(items).hasSize(2);
		assertThat(items.get(0)).asInstanceOf(LIST)
			.hasSize(2)
			.allSatisfy((message) -> assertThat(message).asInstanceOf(MAP).containsEntry("toUserId", "1"));
		assertThat(items.get(1)).isEqualTo(items.get(0));
		List<?> newest = (List<?>) items.get(0);
		assertThat((String) ((Map<?, ?>) newest.get(0)).get("sentAt"))
			.isGreaterThan((String) ((Map<?, ?>) newest.get(1)).get("sentAt"));
	}

	@Test
	void sendMessageWithTheSameIdempotencyKeyTwiceAnswersTheSameMessage() throws Exception {
		ThriftBackendClient client = client(backend.port());
		Map<String, Object> input = Map.of("input", Map.of("fromUserId", "3", "toUserId", "4", "body", "Coffee?"));

		Object first = client.call(mutation("message.sendMessage", input, "idem-42")).get().get(0);
		Object again = client.call(mutation("message.sendMessage", input, "idem-42")).get().get(0);
		Object other = client.call(mutation("message.sendMessage", input, "idem-43")).get().get(0);

		assertThat(first).asInstanceOf(MAP)
			.containsEntry("body", "Coffee?")
			.containsEntry("fromUserId", "3")
			.containsEntry("toUserId", "4");
		assertThat(again).isEqualTo(first);
		assertThat(other).asInstanceOf(MAP).doesNotContainEntry("id", ((Map<?, ?>) first).get("id"));
	}

	@Test
	void principalOfTheRequestReachesTheBackendAndNoneWithoutOne() throws Exception {
		ThriftBackendClient client = client(backend.port());

		// message-service lets a principal read only their own inbox, and an anonymous caller none.
		assertThat(client.call(request("message.inbox", List.of("5"), Map.of("first", 1), "5")).get()).hasSize(1);
		assertFailure(client.call(request("message.inbox", List.of("5", "6"), Map.of("first", 1), "5")),
				BusStatus.PERMISSION_DENIED, "permission denied: user '5' may read only their own inbox, not [6]");
		assertFailure(client.call(request("message.inbox", List.of("5", "6"), Map.of("first", 1))),
				BusStatus.PERMISSION_DENIED, "permission denied: an anonymous caller may not read an inbox");
	}

	@Test
	void invalidInputIsInvalidArgumentWithTheBackendsMessage() {
		ThriftBackendClient client = client(backend.port());

		assertFailure(client.call(mutation("message.sendMessage",
				Map.of("input", Map.of("fromUserId", "3", "toUserId", "4", "body", " ")), "idem-1")),
				BusStatus.INVALID_ARGUMENT, "body must not be blank");
		assertFailure(client.call(request("message.inbox", List.of("1"), Map.of("first", 0))),
				BusStatus.INVALID_ARGUMENT, "first must be between 1 and 100, was 0");
		assertFailure(client.call(request("message.inbox", List.of("1"), Map.of("first", "ten"))),
				BusStatus.INVALID_ARGUMENT, "args.first: expected i32, was string \"ten\"");
		assertFailure(client.call(request("message.getMessages", List.of("1"), Map.of("pageSize", 3))),
				BusStatus.INVALID_ARGUMENT, "args.pageSize: unknown argument of getMessages (message.getMessages),"
						+ " it takes []");
	}

	@Test
	void unknownUserIsNotFound() {
		ThriftBackendClient client = client(backend.port());

		assertFailure(client.call(mutation("message.sendMessage",
				Map.of("input", Map.of("fromUserId", "3", "toUserId", "10001", "body", "hi")), "idem-2")),
				BusStatus.NOT_FOUND, "No user with id '10001'");
	}

	@Test
	void unknownOperationIsUnimplemented() {
		ThriftBackendClient client = client(backend.port());

		assertFailure(client.call(request("message.deleteAll", null, Map.of())), BusStatus.UNIMPLEMENTED,
				"no Thrift route for operation message.deleteAll; routes: [message.getMessages, message.inbox,"
						+ " message.sendMessage]");
	}

	@Test
	void undeclaredBackendFailureIsInternal() {
		// message-service does not implement the test IDL's Catalog: it answers with a
		// TApplicationException (unknown method).
		ThriftBackendClient client = track(new ThriftBackendClient(ShippedConfiguration.catalog(backend.port(),
				Map.of("cat.touch", ThriftBridgeProperties.Route.of("touch"))),
				ShippedConfiguration.idl(ShippedConfiguration.MAPPING_IDL), "cat", Clock.systemUTC(),
				OpenTelemetry.noop()));

		assertFailure(client.call(request("cat.touch", null, Map.of("id", "x"))), BusStatus.INTERNAL,
				"touch (cat.touch) failed in the backend: Invalid method name: 'touch'");
	}

	@Test
	void stoppedBackendIsUnavailableFast() throws Exception {
		RunningMessageService own = RunningMessageService.start(0);
		int port = own.port();
		ThriftBackendClient client = client(port);
		assertThat(client.call(request("message.getMessages", List.of("1"), Map.of())).get()).hasSize(1);

		own.close();
		Instant start = Instant.now();

		assertFailure(client.call(request("message.getMessages", List.of("1"), Map.of())), BusStatus.UNAVAILABLE,
				"getMessages (message.getMessages): 127.0.0.1:" + port + " unreachable");
		assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void restartedBackendIsCalledAgainWithoutAFailedCall() throws Exception {
		RunningMessageService own = RunningMessageService.start(0);
		int port = own.port();
		ThriftBackendClient client = client(port);
		assertThat(client.call(request("message.getMessages", List.of("1"), Map.of())).get()).hasSize(1);

		own.close();
		try (RunningMessageService restarted = RunningMessageService.start(port)) {
			// The pooled connection was closed by the old backend: it is dropped, the call is not.
			assertThat(client.call(request("message.getMessages", List.of("1"), Map.of())).get()).hasSize(1);
		}
	}

	@Test
	void silentBackendIsCutOffAtTheDeadline() throws Exception {
		SilentServer silent = track(new SilentServer());
		ThriftBackendClient client = client(silent.port());
		Instant start = Instant.now();

		assertFailure(client.call(request("message.getMessages", List.of("1"), Map.of(), Duration.ofMillis(300))),
				BusStatus.DEADLINE_EXCEEDED, "getMessages (message.getMessages): no answer from 127.0.0.1:"
						+ silent.port() + " before the deadline");
		assertThat(Duration.between(start, Instant.now())).isBetween(Duration.ofMillis(250), Duration.ofSeconds(2));
	}

	@Test
	void expiredRequestIsNotSent() {
		SilentServer silent = track(new SilentServer());
		ThriftBackendClient client = client(silent.port());

		assertFailure(client.call(request("message.getMessages", List.of("1"), Map.of(), Duration.ofMillis(-1))),
				BusStatus.DEADLINE_EXCEEDED, "the deadline passed before a worker was free");
		assertThat(silent.accepted).isEmpty();
	}

	@Test
	void callsBeyondTheInFlightAndQueueLimitsAreUnavailableAtOnce() {
		SilentServer silent = track(new SilentServer());
		ThriftBackendClient client = track(new ThriftBackendClient(ShippedConfiguration.messageRoutes(silent.port(), 1, 1),
				MESSAGE_IDL, "message", Clock.systemUTC(), OpenTelemetry.noop()));

		CompletableFuture<List<Object>> inFlight = client.call(request("message.getMessages", List.of("1"), Map.of(),
				Duration.ofSeconds(5)));
		await().until(() -> silent.accepted.size() == 1);
		CompletableFuture<List<Object>> queued = client.call(request("message.getMessages", List.of("2"), Map.of(),
				Duration.ofSeconds(5)));

		assertFailure(client.call(request("message.getMessages", List.of("3"), Map.of())), BusStatus.UNAVAILABLE,
				"the bridge is at its limit of calls in flight and queued");
		assertThat(inFlight).isNotDone();
		assertThat(queued).isNotDone();
	}

	@Test
	void unreachableBackendIsUnavailableAtOnce() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		ThriftBackendClient client = client(closedPort);
		Instant start = Instant.now();

		assertFailure(client.call(request("message.getMessages", List.of("1"), Map.of())), BusStatus.UNAVAILABLE,
				"unreachable: Connection refused");
		assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void answerLargerThanMaxMessageSizeIsResponseTooLarge() throws Exception {
		// A message of 1,500 characters in user 9's inbox: the inbox is larger than 1 KB.
		Map<String, Object> input = Map.of("input", Map.of("fromUserId", "8", "toUserId", "9", "body", "y".repeat(1500)));
		client(backend.port()).call(new BusRequest(new RequestHeaders("c-1", "message.sendMessage", "gateway.replies.t",
				Instant.now().plusSeconds(5), "large-1", "8"), null, input)).get(10, TimeUnit.SECONDS);
		ThriftBridgeProperties shipped = ShippedConfiguration.messageRoutes(backend.port(), 4, 10);
		ThriftBackendClient client = track(new ThriftBackendClient(new ThriftBridgeProperties(shipped.host(),
				shipped.port(), shipped.idl(), shipped.service(), shipped.connectTimeout(), shipped.maxConnections(),
				shipped.maxQueuedCalls(), DataSize.ofKilobytes(1), shipped.idleTimeout(), shipped.exceptionStatuses(),
				shipped.routes()), MESSAGE_IDL, "message", Clock.systemUTC(), OpenTelemetry.noop()));

		assertFailure(client.call(request("message.inbox", List.of("9"), Map.of("first", 10), "9")),
				BusStatus.RESPONSE_TOO_LARGE, "the answer is larger than max-message-size");
	}

	private ThriftBackendClient client(int port) {
		return track(new ThriftBackendClient(ShippedConfiguration.messageRoutes(port, 4, 10), MESSAGE_IDL, "message",
				Clock.systemUTC(), OpenTelemetry.noop()));
	}

	/**
	 * Closes it after the test, in the order tracked: backends before the clients that call
	 * them, so that a call blocked on a silent backend ends at once.
	 */
	private <T extends AutoCloseable> T track(T closeable) {
		this.closeAfterTest.add(closeable);
		return closeable;
	}

	private static BusRequest request(String operation, List<Object> keys, Map<String, Object> args) {
		return request(operation, keys, args, Duration.ofSeconds(5));
	}

	/** A mutation made for the sender in its input, as the gateway makes one for its caller. */
	private static BusRequest mutation(String operation, Map<String, Object> args, String idempotencyKey) {
		Object sender = ((Map<?, ?>) args.getOrDefault("input", Map.of())).get("fromUserId");
		return new BusRequest(new RequestHeaders("c-1", operation, "gateway.replies.t", Instant.now().plusSeconds(5),
				idempotencyKey, (sender != null) ? sender.toString() : null), null, args);
	}

	private static BusRequest request(String operation, List<Object> keys, Map<String, Object> args,
			Duration timeToLive) {
		return new BusRequest(new RequestHeaders("c-1", operation, "gateway.replies.t", Instant.now().plus(timeToLive),
				null), keys, args);
	}

	private static BusRequest request(String operation, List<Object> keys, Map<String, Object> args,
			String principal) {
		return new BusRequest(new RequestHeaders("c-1", operation, "gateway.replies.t", Instant.now().plusSeconds(5),
				null, principal), keys, args);
	}

	private static void assertFailure(CompletableFuture<List<Object>> call, BusStatus status, String message) {
		try {
			call.get(10, TimeUnit.SECONDS);
			throw new AssertionError("expected the call to fail with " + status);
		}
		catch (ExecutionException ex) {
			assertThat(ex.getCause()).isInstanceOfSatisfying(BackendException.class, (failure) -> {
				assertThat(failure.status()).isEqualTo(status);
				assertThat(failure.getMessage()).contains(message);
			});
		}
		catch (Exception ex) {
			throw new AssertionError(ex);
		}
	}

	/** Accepts connections and never answers: a backend that hangs. */
	static final class SilentServer implements AutoCloseable {

		final List<Socket> accepted = new CopyOnWriteArrayList<>();

		private final ServerSocket server;

		SilentServer() {
			try {
				this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			Thread acceptor = new Thread(() -> {
				while (!this.server.isClosed()) {
					try {
						this.accepted.add(this.server.accept());
					}
					catch (IOException ex) {
						return;
					}
				}
			}, "silent-server");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			for (Socket socket : this.accepted) {
				socket.close();
			}
		}

	}

}

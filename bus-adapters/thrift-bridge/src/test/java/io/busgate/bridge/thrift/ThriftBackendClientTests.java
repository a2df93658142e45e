package io.busgate.bridge.thrift;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.example.inventory.Adjustment;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.RequestHeaders;
import io.busgate.thrift.idl.ThriftIdl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.awaitility.Awaitility.await;

/**
 * The bridge's Thrift client with the test inventory's routes and IDL against a real Thrift
 * server of that IDL on a free loopback port ({@link InventoryServer}), and against backends
 * that are down or silent.
 */
class ThriftBackendClientTests {

	private static final ThriftIdl INVENTORY_IDL = ShippedConfiguration.idl(ShippedConfiguration.INVENTORY_IDL);

	/** Far enough that a failure before it is not a timeout. */
	private static final Duration FAR = Duration.ofSeconds(60);

	private final List<AutoCloseable> closeAfterTest = new CopyOnWriteArrayList<>();

	private InventoryServer backend;

	@BeforeEach
	void startBackend() throws Exception {
		this.backend = track(new InventoryServer());
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeAfterTest) {
			closeable.close();
		}
	}

	@Test
	void lookupAnswersEachKeysItemOrNull() throws Exception {
		ThriftBackendClient client = client(this.backend.port());

		List<Object> items = client
			.call(request("inventory.items", List.of("sku-1", "no-such-sku", "sku-2"), Map.of(), "clerk-7"))
			.get();

		assertThat(items).hasSize(3);
		assertThat(items.get(0)).asInstanceOf(MAP)
			.containsOnlyKeys("sku", "name", "condition", "price", "locations", "tags", "countByWarehouse", "photo",
					"version")
			.containsEntry("sku", "sku-1");
		assertThat(items.get(1)).isNull();
		assertThat(items.get(2)).asInstanceOf(MAP).containsEntry("sku", "sku-2");
	}

	@Test
	void itemValueFieldAnswersOneFieldOfEachKeysItem() throws Exception {
		ThriftBackendClient client = client(this.backend.port());

		List<Object> items = client
			.call(request("inventory.prices", List.of("sku-2", "sku-1", "sku-2"), Map.of(), "clerk-7"))
			.get();

		// i64 cents as Java longs.
		assertThat(items).containsExactly(Map.of("cents", 4500L, "currency", "CHF"),
				Map.of("cents", 1999L, "currency", "EUR"), Map.of("cents", 4500L, "currency", "CHF"));
	}

	@Test
	void mutationWithTheSameIdempotencyKeyTwiceIsAppliedOnce() throws Exception {
		ThriftBackendClient client = client(this.backend.port());
		Map<String, Object> args = Map.of("adjustment", Map.of("sku", "sku-1", "delta", 2));

		Object first = client.call(mutation(args, "idem-42", "clerk-7")).get().get(0);
		Object again = client.call(mutation(args, "idem-42", "clerk-7")).get().get(0);
		Object other = client.call(mutation(args, "idem-43", "clerk-7")).get().get(0);

		assertThat(first).asInstanceOf(MAP)
			.containsEntry("countByWarehouse", Map.of("north", 5))
			.containsEntry("version", InventoryServer.FIRST_VERSION + 1);
		assertThat(again).isEqualTo(first);
		assertThat(other).asInstanceOf(MAP).containsEntry("countByWarehouse", Map.of("north", 7));
		assertThat(this.backend.applied).extracting(Adjustment::getRequestId).containsExactly("idem-42", "idem-43");
	}

	@Test
	void principalOfTheRequestReachesTheBackendAndNoneWithoutOne() throws Exception {
		ThriftBackendClient client = client(this.backend.port());
		Map<String, Object> args = Map.of("adjustment", Map.of("sku", "sku-1", "delta", 1));

		assertThat(client.call(mutation(args, "idem-1", "clerk-7")).get()).hasSize(1);
		assertThat(client.call(request("inventory.items", List.of("sku-1"), Map.of(), null)).get()).hasSize(1);
		// The server lets only a known caller adjust stock, with its PermissionDenied: conventional.
		assertFailure(client.call(mutation(args, "idem-2", null)), BusStatus.PERMISSION_DENIED,
				"permission denied: an anonymous caller may not adjust stock");

		assertThat(this.backend.principals).containsExactly("clerk-7", "-", "-");
		assertThat(this.backend.applied).extracting(Adjustment::getRequestId).containsExactly("idem-1");
	}

	@Test
	void invalidInputIsInvalidArgumentAndNeverCalled() {
		ThriftBackendClient client = client(this.backend.port());

		assertFailure(client.call(mutation(Map.of("adjustment", Map.of("sku", "sku-1", "delta", "lots")), "idem-1",
				"clerk-7")), BusStatus.INVALID_ARGUMENT, "args.adjustment.delta: expected i32, was string \"lots\"");
		assertFailure(client.call(mutation(Map.of("adjustment", Map.of("sku", "sku-1")), "idem-2", "clerk-7")),
				BusStatus.INVALID_ARGUMENT, "args.adjustment.delta: required field of Adjustment is missing");
		assertFailure(client.call(mutation(Map.of("delta", 1), "idem-3", "clerk-7")), BusStatus.INVALID_ARGUMENT,
				"inventory.adjust takes its request from argument 'adjustment' only, not [delta]");
		assertFailure(client.call(request("inventory.items", List.of("sku-1"), Map.of("first", 3), null)),
				BusStatus.INVALID_ARGUMENT,
				"args.first: unknown argument of getItems (inventory.items), it takes [withPhotos]");
		assertFailure(client.call(request("inventory.items", List.of("sku-1"), Map.of("skus", List.of("x")), null)),
				BusStatus.INVALID_ARGUMENT,
				"argument 'skus' of inventory.items is filled from the request's keys and cannot be given");
		assertFailure(client.call(request("inventory.items", null, Map.of(), null)), BusStatus.INVALID_ARGUMENT,
				"inventory.items is called with keys, the request has none");

		assertThat(this.backend.principals).isEmpty();
	}

	@Test
	void declaredExceptionsAnswerTheirConfiguredStatus() {
		ThriftBackendClient client = client(this.backend.port());

		assertFailure(client.call(mutation(Map.of("adjustment", Map.of("sku", "sku-9", "delta", 1)), "idem-1",
				"clerk-7")), BusStatus.NOT_FOUND, "no item with sku 'sku-9'");
		assertFailure(client.call(mutation(Map.of("adjustment", Map.of("sku", "sku-1", "delta", -1000)), "idem-2",
				"clerk-7")), BusStatus.INVALID_ARGUMENT, "OutOfStock(sku:sku-1, available:3)");
		assertThat(this.backend.applied).isEmpty();
	}

	@Test
	void unknownOperationIsUnimplemented() {
		ThriftBackendClient client = client(this.backend.port());

		assertFailure(client.call(request("inventory.deleteAll", null, Map.of(), null)), BusStatus.UNIMPLEMENTED,
				"no Thrift route for operation inventory.deleteAll; routes: [inventory.adjust, inventory.items,"
						+ " inventory.prices]");
	}

	@Test
	void undeclaredBackendFailureIsInternal() {
		// The inventory server does not implement the test IDL's Catalog: it answers with a
		// TApplicationException (unknown method).
		ThriftBackendClient client = track(new ThriftBackendClient(ShippedConfiguration.catalog(this.backend.port()),
				Map.of("cat.touch", BridgeProperties.Route.of("touch")),
				ShippedConfiguration.idl(ShippedConfiguration.MAPPING_IDL), Clock.systemUTC(), OpenTelemetry.noop()));

		assertFailure(client.call(request("cat.touch", null, Map.of("id", "x"), null)), BusStatus.INTERNAL,
				"touch (cat.touch) failed in the backend: Invalid method name: 'touch'");
	}

	@Test
	void stoppedBackendIsUnavailableWithoutWaitingForTheDeadline() throws Exception {
		InventoryServer own = track(new InventoryServer());
		int port = own.port();
		ThriftBackendClient client = client(port);
		assertThat(client.call(request("inventory.items", List.of("sku-1"), Map.of(), null)).get()).hasSize(1);

		own.close();

		// The deadline is a minute away: UNAVAILABLE (not DEADLINE_EXCEEDED) is the refusal, not a timeout.
		assertFailure(client.call(requestWithin(FAR, "inventory.items", List.of("sku-1"), Map.of())), BusStatus.UNAVAILABLE,
				"getItems (inventory.items): 127.0.0.1:" + port + " unreachable");
	}

	@Test
	void restartedBackendIsCalledAgainWithoutAFailedCall() throws Exception {
		InventoryServer own = track(new InventoryServer());
		int port = own.port();
		ThriftBackendClient client = client(port);
		assertThat(client.call(request("inventory.items", List.of("sku-1"), Map.of(), null)).get()).hasSize(1);

		own.close();
		// The port is free once the old server's accepting thread has let go of it.
		InventoryServer restarted = track(
				await().ignoreExceptions().until(() -> new InventoryServer(port), Objects::nonNull));

		// The pooled connection was closed by the old backend: it is dropped, the call is not.
		assertThat(client.call(request("inventory.items", List.of("sku-1"), Map.of(), null)).get()).hasSize(1);
		assertThat(restarted.principals).hasSize(1);
	}

	@Test
	void silentBackendIsCutOffAtTheDeadline() {
		SilentServer silent = track(new SilentServer());
		ThriftBackendClient client = client(silent.port());
		BusRequest request = requestWithin(Duration.ofMillis(300), "inventory.items", List.of("sku-1"), Map.of());

		CompletableFuture<List<Object>> call = client.call(request);

		assertFailure(call, BusStatus.DEADLINE_EXCEEDED, "getItems (inventory.items): no answer from 127.0.0.1:"
				+ silent.port() + " before the deadline");
		// Not given up early: the socket timeout is the time left (whole milliseconds) ...
		assertThat(Instant.now()).isAfterOrEqualTo(request.headers().deadline().minusMillis(5));
		// ... and the call reached the backend, whose connection the bridge then closed: an answer
		// may still be on its way.
		await().until(() -> !silent.hungUp.isEmpty());
		assertThat(silent.hungUp).singleElement().satisfies((received) -> assertThat(received).isPositive());
	}

	@Test
	void expiredRequestIsNotSent() {
		SilentServer silent = track(new SilentServer());
		ThriftBackendClient client = client(silent.port());

		assertFailure(client.call(requestWithin(Duration.ofMillis(-1), "inventory.items", List.of("sku-1"), Map.of())),
				BusStatus.DEADLINE_EXCEEDED, "the deadline passed before a worker was free");
		assertThat(silent.accepted).isEmpty();
	}

	@Test
	void callsBeyondTheInFlightAndQueueLimitsAreUnavailableAtOnce() {
		SilentServer silent = track(new SilentServer());
		ThriftBackendClient client = client(ShippedConfiguration.inventory(silent.port(), 1, 1, DataSize.ofMegabytes(1)));

		CompletableFuture<List<Object>> inFlight = client
			.call(requestWithin(FAR, "inventory.items", List.of("sku-1"), Map.of()));
		await().until(() -> silent.accepted.size() == 1);
		CompletableFuture<List<Object>> queued = client
			.call(requestWithin(FAR, "inventory.items", List.of("sku-2"), Map.of()));

		assertFailure(client.call(requestWithin(FAR, "inventory.items", List.of("sku-3"), Map.of())), BusStatus.UNAVAILABLE,
				"the bridge is at its limit of calls in flight and queued");
		assertThat(inFlight).isNotDone();
		assertThat(queued).isNotDone();
		assertThat(silent.accepted).hasSize(1);
	}

	@Test
	void unreachableBackendIsUnavailableWithoutWaitingForTheDeadline() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		ThriftBackendClient client = client(closedPort);

		assertFailure(client.call(requestWithin(FAR, "inventory.items", List.of("sku-1"), Map.of())), BusStatus.UNAVAILABLE,
				"unreachable: Connection refused");
	}

	@Test
	void answerLargerThanMaxMessageSizeIsResponseTooLarge() throws Exception {
		BusRequest large = request("inventory.items", List.of(InventoryServer.LARGE_SKU), Map.of(), null);
		// The same answer within the default limit.
		assertThat(client(this.backend.port()).call(large).get()).singleElement().asInstanceOf(MAP)
			.containsEntry("sku", InventoryServer.LARGE_SKU);
		ThriftBackendClient client = client(ShippedConfiguration.inventory(this.backend.port(), 4, 10,
				DataSize.ofKilobytes(1)));

		assertFailure(client.call(large), BusStatus.RESPONSE_TOO_LARGE, "the answer is larger than max-message-size");
	}

	private ThriftBackendClient client(int port) {
		return client(ShippedConfiguration.inventory(port, 4, 10, DataSize.ofMegabytes(1)));
	}

	private ThriftBackendClient client(ThriftBridgeProperties properties) {
		return track(new ThriftBackendClient(properties, ShippedConfiguration.INVENTORY_ROUTES, INVENTORY_IDL,
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

	private static BusRequest request(String operation, List<Object> keys, Map<String, Object> args,
			String principal) {
		return new BusRequest(new RequestHeaders("c-1", operation, "gateway.replies.t", Instant.now().plusSeconds(5),
				null, principal), keys, args);
	}

	private static BusRequest requestWithin(Duration timeToLive, String operation, List<Object> keys,
			Map<String, Object> args) {
		return new BusRequest(new RequestHeaders("c-1", operation, "gateway.replies.t", Instant.now().plus(timeToLive),
				null), keys, args);
	}

	/** An adjustment, made for a caller as the gateway makes one. */
	private static BusRequest mutation(Map<String, Object> args, String idempotencyKey, String principal) {
		return new BusRequest(new RequestHeaders("c-1", "inventory.adjust", "gateway.replies.t",
				Instant.now().plusSeconds(5), idempotencyKey, principal), null, args);
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

	/**
	 * Accepts connections and never answers: a backend that hangs. Records, for each connection
	 * the caller closed, how many bytes it had sent.
	 */
	static final class SilentServer implements AutoCloseable {

		final List<Socket> accepted = new CopyOnWriteArrayList<>();

		final List<Long> hungUp = new CopyOnWriteArrayList<>();

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
						Socket socket = this.server.accept();
						this.accepted.add(socket);
						Thread reader = new Thread(() -> read(socket), "silent-server-reader");
						reader.setDaemon(true);
						reader.start();
					}
					catch (IOException ex) {
						return;
					}
				}
			}, "silent-server");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		/** Reads what the caller sends until it closes the connection. */
		private void read(Socket socket) {
			long received = 0;
			try (InputStream in = socket.getInputStream()) {
				byte[] buffer = new byte[1024];
				for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
					received += read;
				}
				this.hungUp.add(received);
			}
			catch (IOException ex) {
				// Closed by this server: not the caller hanging up.
			}
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

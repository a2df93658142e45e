package io.busgate.bridge.thrift;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.example.inventory.Adjustment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

import io.busgate.bus.BusReply;
import io.busgate.bus.BusStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * A Thrift service the bridge was not built with, bridged from its IDL alone: the whole
 * thrift-bridge application, configured only by properties (no profile, no classes of the
 * service), serves {@code inventory.*} operations from a real broker by calling
 * {@link InventoryServer}, a real Thrift server of src/test/thrift/inventory.thrift (which
 * includes a second file) whose generated classes only the server uses.
 */
@EmbeddedKafka(partitions = 1, topics = "gateway.replies.inventory")
class InventoryBridgeTests {

	private static final String IDL = ShippedConfiguration.INVENTORY_IDL;

	private static InventoryServer backend;

	private static ConfigurableApplicationContext bridge;

	private static String brokers;

	@BeforeAll
	static void start(EmbeddedKafkaBroker broker) throws Exception {
		brokers = broker.getBrokersAsString();
		backend = new InventoryServer();
		bridge = ThriftBridgeApplication.application().run(arguments(IDL,
				"--busgate.bridge.routes[inventory.items].call=getItems",
				"--busgate.bridge.routes[inventory.items].keys-field=skus",
				"--busgate.bridge.routes[inventory.items].item-key-field=sku",
				"--busgate.bridge.routes[inventory.prices].call=getItems",
				"--busgate.bridge.routes[inventory.prices].keys-field=skus",
				"--busgate.bridge.routes[inventory.prices].item-key-field=sku",
				"--busgate.bridge.routes[inventory.prices].item-value-field=price",
				"--busgate.bridge.routes[inventory.adjust].call=adjust",
				"--busgate.bridge.routes[inventory.adjust].args-field=adjustment",
				"--busgate.bridge.routes[inventory.adjust].idempotency-key-field=requestId"));
	}

	@AfterAll
	static void stop() {
		bridge.close();
		backend.close();
	}

	@Test
	void batchedLookupAnswersEachKeysItemWithNestedStructsEnumsAndContainers() throws Exception {
		try (BusCaller gateway = new BusCaller(brokers, "inventory")) {
			String lookup = gateway.send("inventory.items", List.of("sku-2", "no-such-sku", "sku-1"), Map.of(), null,
					"clerk-7");
			String withPhotos = gateway.send("inventory.items", List.of("sku-2"), Map.of("withPhotos", true), null,
					null);
			String prices = gateway.send("inventory.prices", List.of("sku-1", "sku-2"), Map.of(), null, "clerk-7");

			Map<String, BusReply> replies = gateway.awaitReplies(List.of(lookup, withPhotos, prices));

			List<Object> items = replies.get(lookup).items();
			assertThat(items).hasSize(3);
			assertThat(items.get(0)).asInstanceOf(MAP)
				.containsEntry("sku", "sku-2")
				.containsEntry("condition", "REFURBISHED")
				.containsEntry("price", Map.of("cents", 4500, "currency", "CHF"))
				.containsEntry("locations", List.of(Map.of("aisle", "B", "shelf", 1), Map.of("aisle", "C", "shelf", 12)))
				.containsEntry("tags", List.of())
				// Unset, and withPhotos defaults to false on the server: the IDL default applies there.
				.containsEntry("photo", null);
			assertThat(items.get(1)).isNull();
			assertThat(items.get(2)).asInstanceOf(MAP)
				.containsEntry("sku", "sku-1")
				.containsEntry("tags", List.of("kitchen"))
				.containsEntry("countByWarehouse", Map.of("north", 3))
				.containsEntry("version", InventoryServer.FIRST_VERSION);
			assertThat(replies.get(withPhotos).items()).singleElement().asInstanceOf(MAP)
				.containsEntry("photo", "BwgJ");
			assertThat(replies.get(prices).items()).containsExactly(Map.of("cents", 1999, "currency", "EUR"),
					Map.of("cents", 4500, "currency", "CHF"));
			assertThat(backend.principals).contains("clerk-7", "-");
		}
	}

	@Test
	void mutationWithTheSameIdempotencyKeyIsAppliedOnce() throws Exception {
		try (BusCaller gateway = new BusCaller(brokers, "inventory")) {
			Map<String, Object> args = Map.of("adjustment", Map.of("sku", "sku-2", "delta", 5));
			String first = gateway.send("inventory.adjust", null, args, "adjust-once", "clerk-7");
			Map<String, BusReply> replies = gateway.awaitReplies(List.of(first));
			String again = gateway.send("inventory.adjust", null, args, "adjust-once", "clerk-7");
			replies = gateway.awaitReplies(List.of(first, again));

			assertThat(replies.get(first).items()).singleElement().asInstanceOf(MAP)
				.containsEntry("countByWarehouse", Map.of("north", 5))
				.containsEntry("version", 2);
			assertThat(replies.get(again).items()).isEqualTo(replies.get(first).items());
			assertThat(backend.applied).filteredOn((adjustment) -> "adjust-once".equals(adjustment.getRequestId()))
				.singleElement()
				.satisfies((adjustment) -> assertThat(adjustment.getDelta()).isEqualTo(5));
		}
	}

	@Test
	void declaredExceptionsAndInvalidArgumentsAreAnsweredWithTheirStatus() throws Exception {
		try (BusCaller gateway = new BusCaller(brokers, "inventory")) {
			String unknown = gateway.send("inventory.adjust", null,
					Map.of("adjustment", Map.of("sku", "sku-9", "delta", 1)), "adjust-unknown", "clerk-7");
			String short_ = gateway.send("inventory.adjust", null,
					Map.of("adjustment", Map.of("sku", "sku-1", "delta", -1000)), "adjust-short", "clerk-7");
			String wrongType = gateway.send("inventory.adjust", null,
					Map.of("adjustment", Map.of("sku", "sku-1", "delta", "lots")), "adjust-bad", "clerk-7");
			String missing = gateway.send("inventory.adjust", null, Map.of("adjustment", Map.of("sku", "sku-1")),
					"adjust-missing", "clerk-7");
			String unknownArgument = gateway.send("inventory.items", List.of("sku-1"), Map.of("first", 3), null, null);
			String anonymous = gateway.send("inventory.adjust", null,
					Map.of("adjustment", Map.of("sku", "sku-1", "delta", 1)), "adjust-anonymous", null);

			Map<String, BusReply> replies = gateway.awaitReplies(
					List.of(unknown, short_, wrongType, missing, unknownArgument, anonymous));

			assertThat(replies.get(unknown).status()).isEqualTo(BusStatus.NOT_FOUND);
			assertThat(replies.get(unknown).errorMessage()).isEqualTo("no item with sku 'sku-9'");
			assertThat(replies.get(short_).status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
			assertThat(replies.get(short_).errorMessage()).isEqualTo("OutOfStock(sku:sku-1, available:3)");
			assertThat(replies.get(wrongType).status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
			assertThat(replies.get(wrongType).errorMessage())
				.isEqualTo("args.adjustment.delta: expected i32, was string \"lots\"");
			assertThat(replies.get(missing).errorMessage())
				.isEqualTo("args.adjustment.delta: required field of Adjustment is missing");
			assertThat(replies.get(unknownArgument).errorMessage())
				.isEqualTo("args.first: unknown argument of getItems (inventory.items), it takes [withPhotos]");
			assertThat(replies.get(anonymous).status()).isEqualTo(BusStatus.PERMISSION_DENIED);
			assertThat(replies.get(anonymous).errorMessage())
				.isEqualTo("permission denied: an anonymous caller may not adjust stock");
			assertThat(backend.applied).extracting(Adjustment::getRequestId)
				.doesNotContain("adjust-unknown", "adjust-short", "adjust-bad", "adjust-missing", "adjust-anonymous");
		}
	}

	@Test
	void routeNotMatchingTheIdlFailsTheStartSayingWhy() {
		assertThatThrownBy(() -> ThriftBridgeApplication.application()
			.run(arguments(IDL, "--busgate.bridge.routes[inventory.items].call=getItem")))
			.rootCause()
			.hasMessage("route inventory.items: service Inventory has no method 'getItem'; its methods are"
					+ " [adjust, audit, getItems]");
		assertThatThrownBy(() -> ThriftBridgeApplication.application()
			.run(arguments(IDL, "--busgate.bridge.routes[inventory.items].call=getItems",
					"--busgate.bridge.routes[inventory.items].keys-field=skus",
					"--busgate.bridge.routes[inventory.items].item-key-field=skew")))
			.rootCause()
			.hasMessage("route inventory.items: item-key-field 'skew' is no field of StockItem, its fields are"
					+ " [sku, name, condition, price, locations, tags, countByWarehouse, photo, version]");
		assertThatThrownBy(() -> ThriftBridgeApplication.application()
			.run(arguments("src/test/thrift/inventroy.thrift",
					"--busgate.bridge.routes[inventory.items].call=getItems")))
			.rootCause()
			.hasMessageStartingWith("busgate.bridge.thrift.idl src/test/thrift/inventroy.thrift does not exist");
		// bridge-core's check: every route is of the bridge's service.
		assertThatThrownBy(() -> ThriftBridgeApplication.application()
			.run(arguments(IDL, "--busgate.bridge.routes[stock.items].call=getItems",
					"--busgate.bridge.routes[stock.items].keys-field=skus")))
			.rootCause()
			.hasMessage("route stock.items does not belong to service 'inventory' that this bridge serves");
	}

	@Test
	void bridgeIsReadyOnItsManagementPort() throws Exception {
		String port = bridge.getEnvironment().getProperty("local.server.port");
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
				// A bound, not a latency check: the first answer (the broker's and the backend's
				// checks behind it) took over 5 s on a loaded machine.
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"status\":\"UP\"", "\"backend\":", "\"kafka\":");
	}

	/** The bridge's arguments: this IDL, where the server is, the exception statuses, and these routes. */
	private static String[] arguments(String idl, String... routes) {
		List<String> arguments = new ArrayList<>(List.of("--spring.kafka.bootstrap-servers=" + brokers,
				"--busgate.bridge.service=inventory",
				// Requests written before the bridge's consumer is assigned are still served.
				"--busgate.bridge.partitions=2", "--busgate.bridge.thrift.host=127.0.0.1",
				"--busgate.bridge.thrift.port=" + backend.port(), "--busgate.bridge.thrift.idl=" + idl,
				"--busgate.bridge.thrift.exception-statuses.UnknownSku=NOT_FOUND",
				"--busgate.bridge.thrift.exception-statuses.OutOfStock=INVALID_ARGUMENT", "--server.port=0",
				"--spring.main.banner-mode=off"));
		arguments.addAll(List.of(routes));
		return arguments.toArray(String[]::new);
	}

}

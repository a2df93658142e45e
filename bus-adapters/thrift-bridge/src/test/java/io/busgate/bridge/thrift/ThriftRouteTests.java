package io.busgate.bridge.thrift;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TMemoryBuffer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bridge.thrift.test.Catalog;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.RequestHeaders;
import io.busgate.thrift.idl.ThriftIdl;
import io.busgate.thrift.idl.ThriftIdl.Service;
import io.busgate.thrift.idl.ThriftIdlReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.InstanceOfAssertFactories.COLLECTION;

/** Routes compiled against IDLs: request to arguments, result to items. */
class ThriftRouteTests {

	private static final ThriftIdl CATALOG = ShippedConfiguration.idl(ShippedConfiguration.MAPPING_IDL);

	private static final ThriftIdl INVENTORY = ShippedConfiguration.idl(ShippedConfiguration.INVENTORY_IDL);

	private final ThriftJsonMapper mapper = new ThriftJsonMapper(CATALOG);

	private final ThriftJsonMapper inventoryMapper = new ThriftJsonMapper(INVENTORY);

	@Test
	void keysGoToTheKeysFieldAndArgumentsByName() {
		ThriftRoute route = route("cat.find", "findItems", "ids", null, "items", "id", null, null);

		Map<String, Object> args = route.arguments(request("cat.find", List.of("a", "b"), Map.of("withTags", false),
				null), this.mapper);

		assertThat(args).isEqualTo(Map.of("ids", List.of("a", "b"), "withTags", false));
	}

	@Test
	void integerKeysMayComeAsStringsLikeGraphqlIds() {
		ThriftRoute route = route("cat.byNumber", "itemsByNumber", "numbers", null, null, null, null, null);

		Map<String, Object> args = route.arguments(request("cat.byNumber", List.of("7", 8, "-9"), Map.of(), null),
				this.mapper);

		assertThat(args.get("numbers")).asInstanceOf(COLLECTION).containsExactly(7L, 8L, -9L);
		assertInvalid(() -> route.arguments(request("cat.byNumber", List.of("7a"), Map.of(), null), this.mapper),
				"keys[0]: expected i64, was string \"7a\"");
		assertInvalid(() -> route.arguments(request("cat.byNumber", List.of("99999999999999999999"), Map.of(), null),
				this.mapper), "keys[0]: 99999999999999999999 is out of range for i64");
	}

	@Test
	void absentArgumentIsNotSentSoTheServerAppliesTheIdlDefault() throws TException {
		ThriftRoute route = route("cat.find", "findItems", "ids", null, "items", "id", null, null);
		Map<String, Object> args = route.arguments(request("cat.find", List.of("a"), Map.of(), null), this.mapper);
		TMemoryBuffer buffer = new TMemoryBuffer(64);
		new ThriftWire(CATALOG).write(new TBinaryProtocol(buffer), route.call(args).arguments(), args);

		Catalog.findItems_args read = new Catalog.findItems_args();
		read.read(new TBinaryProtocol(buffer));

		assertThat(read.getIds()).containsExactly("a");
		assertThat(read.isWithTags()).isTrue();
	}

	@Test
	void argsFieldBecomesTheSingleStructArgumentAndReceivesTheIdempotencyKey() {
		ThriftRoute route = route("inventory.adjust", "adjust", null, "adjustment", null, null, null, "requestId");

		Map<String, Object> args = route.arguments(request("inventory.adjust", null,
				Map.of("adjustment", Map.of("sku", "sku-1", "delta", -2)), "idem-1"), this.inventoryMapper);

		assertThat(args).isEqualTo(Map.of("adjustment", Map.of("sku", "sku-1", "delta", -2, "requestId", "idem-1")));
	}

	@Test
	void idempotencyKeyCanBeAMethodArgument() {
		ThriftRoute route = route("cat.touch", "touch", null, null, null, null, null, "id");

		Map<String, Object> args = route.arguments(request("cat.touch", null, Map.of(), "idem-2"), this.mapper);

		assertThat(args).isEqualTo(Map.of("id", "idem-2"));
	}

	@Test
	void requestsThatDoNotFitTheRouteAreInvalid() {
		ThriftRoute keyed = route("cat.find", "findItems", "ids", null, "items", "id", null, null);
		ThriftRoute create = route("cat.create", "createItem", null, "item", null, null, null, "requestId");
		ThriftRoute keyless = route("cat.touch", "touch", null, null, null, null, null, null);

		assertInvalid(() -> keyed.arguments(request("cat.find", List.of("a"), Map.of("first", 3), null), this.mapper),
				"args.first: unknown argument of findItems (cat.find), it takes [withTags]");
		assertInvalid(() -> keyed.arguments(request("cat.find", List.of("a"), Map.of("ids", List.of()), null),
				this.mapper), "argument 'ids' of cat.find is filled from the request's keys and cannot be given");
		assertInvalid(() -> keyed.arguments(request("cat.find", null, Map.of(), null), this.mapper),
				"cat.find is called with keys, the request has none");
		assertInvalid(() -> keyless.arguments(request("cat.touch", List.of("a"), Map.of(), null), this.mapper),
				"cat.touch takes no keys, the request has 1");
		assertInvalid(() -> keyed.arguments(request("cat.find", List.of(1), Map.of(), null), this.mapper),
				"keys[0]: expected string, was number 1");
		assertInvalid(() -> create.arguments(request("cat.create", null, Map.of("item", Map.of(), "x", 1), null),
				this.mapper), "cat.create takes its request from argument 'item' only, not [x]");
		assertInvalid(() -> create.arguments(request("cat.create", null, Map.of(), null), this.mapper),
				"cat.create needs argument 'item' as an object, it is missing");
		assertInvalid(() -> create.arguments(request("cat.create", null, Map.of("item", "o"), null), this.mapper),
				"cat.create needs argument 'item' as an object, was String");
		assertInvalid(() -> create.arguments(request("cat.create", null, Map.of("item", Map.of("from", "1")), null),
				this.mapper), "args.item.from: unknown field of CreateItem, known fields are [owner, tags, requestId]");
	}

	@Test
	void itemsAreMatchedToKeysByTheItemKeyField() {
		ThriftRoute route = route("cat.find", "findItems", "ids", null, "items", "id", null, null);
		Map<String, Object> page = Map.of("items", List.of(item("b"), item("a")), "total", 2);

		List<Object> items = route.items(request("cat.find", List.of("a", "missing", "b", "a"), Map.of(), null), page);

		assertThat(items).containsExactly(item("a"), null, item("b"), item("a"));
	}

	@Test
	void itemValueFieldAnswersOneFieldOfEachItem() {
		ThriftRoute route = route("inventory.prices", "getItems", "skus", null, null, "sku", "price", null);
		List<Object> items = List.of(Map.of("sku", "2", "price", Map.of("cents", 5)),
				Map.of("sku", "1", "price", Map.of("cents", 9)));

		List<Object> prices = route.items(request("inventory.prices", List.of(1, "2", "3"), Map.of(), null), items);

		// Keys are matched as text, so the number 1 finds sku "1".
		assertThat(prices).containsExactly(Map.of("cents", 9), Map.of("cents", 5), null);
	}

	@Test
	void withoutItemKeyFieldItemsComeOnePerKeyInOrder() {
		ThriftRoute route = route("cat.inOrder", "itemsInOrder", "ids", null, null, null, null, null);

		assertThat(route.items(request("cat.inOrder", List.of("x", "y"), Map.of(), null),
				Arrays.asList(item("x"), null))).containsExactly(item("x"), null);
		assertThatExceptionOfType(BackendException.class)
			.isThrownBy(() -> route.items(request("cat.inOrder", List.of("x", "y"), Map.of(), null), List.of(item("x"))))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.INTERNAL))
			.withMessage("itemsInOrder (cat.inOrder) answered 1 items for 2 keys");
	}

	@Test
	void keylessCallAnswersTheWholeResultAsOneItem() {
		ThriftRoute route = route("cat.create", "createItem", null, "item", null, null, null, null);

		assertThat(route.items(request("cat.create", null, Map.of(), null), item("m"))).containsExactly(item("m"));
	}

	@Test
	void declaredExceptionsAndVoidResultsAreRecognised() {
		ThriftRoute find = route("cat.find", "findItems", "ids", null, "items", "id", null, null);
		ThriftRoute touch = route("cat.touch", "touch", null, null, null, null, null, null);
		Map<String, Object> failed = new HashMap<>();
		failed.put("success", null);
		failed.put("gone", Map.of("message", "gone for good"));
		Map<String, Object> nothing = new HashMap<>();
		nothing.put("success", null);
		nothing.put("gone", null);

		assertThat(find.declaredException(failed))
			.isEqualTo(new ThriftRoute.DeclaredException("Gone", Map.of("message", "gone for good")));
		assertThat(find.declaredException(nothing)).isNull();
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> find.returnValue(nothing))
			.withMessage("findItems (cat.find) returned no result");
		assertThat(touch.returnValue(Map.of())).isNull();
	}

	@Test
	void misconfiguredRoutesFailAtStartupSayingWhy() {
		assertThatIllegalArgumentException().isThrownBy(() -> route("cat.x", "findItem", null, null, null, null, null, null))
			.withMessage("route cat.x: service Catalog has no method 'findItem'; its methods are"
					+ " [createItem, echo, findItems, itemsByNumber, itemsInOrder, ping, touch]");
		assertThatIllegalArgumentException().isThrownBy(() -> route("cat.x", "ping", null, null, null, null, null, null))
			.withMessageContaining("Catalog.ping is oneway");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> route("cat.x", "findItems", "withTags", null, "items", null, null, null))
			.withMessage("route cat.x: keys-field 'withTags' must be a list or set, is bool");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> route("cat.x", "findItems", "ids", null, null, "id", null, null))
			.withMessageContaining("a keyed route needs a list or set result (or items-field naming one),"
					+ " findItems answers struct ItemPage");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> route("cat.x", "findItems", "ids", null, "items", "key", null, null))
			.withMessage("route cat.x: item-key-field 'key' is no field of Item, its fields are [id, owner, tags]");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> route("cat.x", "echo", null, "value", null, null, null, null))
			.withMessageContaining("args-field needs a method with a single struct argument");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> route("cat.x", "createItem", null, "item", null, null, null, "owner2"))
			.withMessageContaining("idempotency-key-field 'owner2' must be a string field of CreateItem");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> route("cat.x", "touch", null, null, null, "id", null, null))
			.withMessage("route cat.x (touch): item-key-field matches items to keys, so it needs keys-field");
	}

	@Test
	void argumentsAtTheIdsOfTheTraceContextAndPrincipalFailAtStartup() {
		ThriftIdl idl = ThriftIdlReader.read("reserved", "service S { void ok(1: string a), void f(32765: string a) }");
		Service service = idl.service("S");

		assertThat(new ThriftRoute("s.ok", new BridgeProperties.Route("ok", null, null, null, null, null, null), idl,
				service).method()).isEqualTo("ok");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ThriftRoute("s.f", new BridgeProperties.Route("f", null, null, null, null, null, null),
					idl, service))
			.withMessage("route s.f: argument id 32765 of f is reserved for the trace context and principal"
					+ " (32765..32767)");
	}

	private static ThriftRoute route(String operation, String method, String keysField, String argsField,
			String itemsField, String itemKeyField, String itemValueField, String idempotencyKeyField) {
		ThriftIdl idl = operation.startsWith("inventory.") ? INVENTORY : CATALOG;
		return new ThriftRoute(operation, new BridgeProperties.Route(method, keysField, argsField, itemsField,
				itemKeyField, itemValueField, idempotencyKeyField), idl, idl.services().values().iterator().next());
	}

	static BusRequest request(String operation, List<Object> keys, Map<String, Object> args, String idempotencyKey) {
		return new BusRequest(new RequestHeaders("c-1", operation, "gateway.replies.t",
				Instant.now().plusSeconds(5), idempotencyKey), keys, args);
	}

	private static Map<String, Object> item(String id) {
		return Map.of("id", id);
	}

	private static void assertInvalid(ThrowingCallable call, String message) {
		assertThatExceptionOfType(BackendException.class).isThrownBy(call)
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.INVALID_ARGUMENT))
			.withMessageStartingWith(message);
	}

}

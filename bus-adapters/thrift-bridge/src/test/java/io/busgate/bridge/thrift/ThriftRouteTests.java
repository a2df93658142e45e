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
import io.busgate.bridge.thrift.test.Catalog;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.InstanceOfAssertFactories.COLLECTION;

/** Routes compiled against IDLs: request to arguments, result to items. */
class ThriftRouteTests {

	private static final ThriftIdl CATALOG = ShippedConfiguration.idl(ShippedConfiguration.MAPPING_IDL);

	private static final ThriftIdl MESSAGES = ShippedConfiguration.idl(ShippedConfiguration.MESSAGE_IDL);

	private final ThriftJsonMapper mapper = new ThriftJsonMapper(CATALOG);

	private final ThriftJsonMapper messageMapper = new ThriftJsonMapper(MESSAGES);

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
		ThriftRoute route = route("message.send", "sendMessage", null, "input", null, null, null, "idempotencyKey");

		Map<String, Object> args = route.arguments(request("message.send", null,
				Map.of("input", Map.of("fromUserId", "1", "toUserId", "2", "body", "hi")), "idem-1"), this.messageMapper);

		assertThat(args).isEqualTo(Map.of("request",
				Map.of("fromUserId", "1", "toUserId", "2", "body", "hi", "idempotencyKey", "idem-1")));
	}

	@Test
	void idempotencyKeyCanBeAMethodArgument() {
		ThriftRoute route = route("cat.create", "createItem", null, "item", null, null, null, "requestId");

		Map<String, Object> args = route.arguments(request("cat.create", null, Map.of("item", Map.of("owner", "o")),
				"idem-2"), this.mapper);

		assertThat(args).isEqualTo(Map.of("item", Map.of("owner", "o", "requestId", "idem-2")));
	}

	@Test
	void requestsThatDoNotFitTheRouteAreInvalid() {
		ThriftRoute keyed = route("cat.find", "findItems", "ids", null, "items", "id", null, null);
		ThriftRoute send = route("message.send", "sendMessage", null, "input", null, null, null, "idempotencyKey");
		ThriftRoute keyless = route("cat.touch", "touch", null, null, null, null, null, null);

		assertInvalid(() -> keyed.arguments(request("cat.find", List.of("a"), Map.of("first", 3), null), this.mapper),
				"args.first: unknown argument of findItems (cat.find), it takes [withTags]");
		assertInvalid(() -> keyed.arguments(request("cat.find", List.of("a"), Map.of("ids", List.of()), null),
				this.mapper), "args.ids: unknown argument of findItems (cat.find), it takes [withTags]");
		assertInvalid(() -> keyed.arguments(request("cat.find", null, Map.of(), null), this.mapper),
				"findItems (cat.find) needs keys (they become argument 'ids'), the request has none");
		assertInvalid(() -> keyless.arguments(request("cat.touch", List.of("a"), Map.of(), null), this.mapper),
				"touch (cat.touch) is keyless, the request has keys");
		assertInvalid(() -> keyed.arguments(request("cat.find", List.of(1), Map.of(), null), this.mapper),
				"keys[0]: expected string, was number 1");
		assertInvalid(() -> send.arguments(request("message.send", null, Map.of("input", Map.of(), "x", 1), null),
				this.messageMapper), "args.x: unknown argument of sendMessage (message.send), it takes only 'input'");
		assertInvalid(() -> send.arguments(request("message.send", null, Map.of(), null), this.messageMapper),
				"args.input: required by sendMessage (message.send), an object");
		assertInvalid(() -> send.arguments(request("message.send", null, Map.of("input", Map.of("from", "1")), null),
				this.messageMapper), "args.input.from: unknown field of SendMessageRequest, known fields are"
						+ " [fromUserId, toUserId, body, idempotencyKey]");
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
		ThriftRoute route = route("message.inbox", "inbox", "userIds", null, null, "userId", "messages", null);
		List<Object> inboxes = List.of(Map.of("userId", "2", "messages", List.of()),
				Map.of("userId", "1", "messages", List.of(Map.of("id", "9"))));

		List<Object> items = route.items(request("message.inbox", List.of(1, "2", "3"), Map.of(), null), inboxes);

		// Keys are matched as text, so the number 1 finds user "1".
		assertThat(items).containsExactly(List.of(Map.of("id", "9")), List.of(), null);
	}

	@Test
	void withoutItemKeyFieldItemsComeOnePerKeyInOrder() {
		ThriftRoute route = route("cat.inOrder", "itemsInOrder", "ids", null, null, null, null, null);

		assertThat(route.items(request("cat.inOrder", List.of("x", "y"), Map.of(), null),
				Arrays.asList(item("x"), null))).containsExactly(item("x"), null);
		assertThatExceptionOfType(BackendException.class)
			.isThrownBy(() -> route.items(request("cat.inOrder", List.of("x", "y"), Map.of(), null), List.of(item("x"))))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.INTERNAL))
			.withMessageContaining("answered 1 items for 2 keys; set item-key-field");
	}

	@Test
	void keylessCallAnswersTheWholeResultAsOneItem() {
		ThriftRoute route = route("message.send", "sendMessage", null, "input", null, null, null, null);

		assertThat(route.items(request("message.send", null, Map.of(), null), item("m"))).containsExactly(item("m"));
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
			.withMessageContaining("item-key-field needs keys-field");
	}

	private static ThriftRoute route(String operation, String method, String keysField, String argsField,
			String itemsField, String itemKeyField, String itemValueField, String idempotencyKeyField) {
		ThriftIdl idl = operation.startsWith("message.") ? MESSAGES : CATALOG;
		return new ThriftRoute(operation, new ThriftBridgeProperties.Route(method, keysField, argsField, itemsField,
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

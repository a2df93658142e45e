package io.busgate.bridge;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** A route's JSON side: requests to the JSON a call is made with, answers to the reply's items. */
class JsonRouteTests {

	private static final BridgeProperties.Route GET_ITEMS = new BridgeProperties.Route("GetItems", "ids", null, "items",
			"id", null, null);

	private static final BridgeProperties.Route CREATE_ITEM = new BridgeProperties.Route("CreateItem", null, "input",
			null, null, null, null);

	// ---- requests

	@Test
	void keysGoToTheKeysFieldAndArgsToTheOtherFields() {
		JsonRoute route = new JsonRoute("test.getItems", GET_ITEMS);

		assertThat(route.request(request(List.of("a", "b"), Map.of("withTags", true))))
			.containsExactly(Map.entry("withTags", true), Map.entry("ids", List.of("a", "b")));
		assertThat(route.arguments(request(List.of("a"), Map.of("withTags", true))))
			.containsExactly(Map.entry("withTags", true));
	}

	@Test
	void keysAreRequiredByKeyedRoutesRefusedByKeylessOnesAndCannotBeGivenAsArguments() {
		JsonRoute keyed = new JsonRoute("test.getItems", GET_ITEMS);
		JsonRoute keyless = new JsonRoute("test.createItem", CREATE_ITEM);

		assertInvalid(() -> keyed.request(request(null, Map.of())),
				"test.getItems is called with keys, the request has none");
		assertInvalid(() -> keyless.request(request(List.of("a"), Map.of("input", Map.of()))),
				"test.createItem takes no keys, the request has 1");
		assertInvalid(() -> keyed.request(request(List.of("a"), Map.of("ids", List.of("b")))),
				"argument 'ids' of test.getItems is filled from the request's keys and cannot be given");
	}

	@Test
	void keysFieldGivenUnderEitherOfItsNamesIsRefused() {
		JsonRoute route = new JsonRoute("test.listGroups", new BridgeProperties.Route("GetItems", "group_ids", null, "items", "id", null, null), true,
				new JsonRoute.Names("groupIds", "items", "id", null));

		assertInvalid(() -> route.request(request(List.of(1), Map.of("group_ids", List.of(2)))),
				"argument 'groupIds' of test.listGroups is filled from the request's keys and cannot be given");
		assertThat(route.request(request(List.of(1), Map.of()))).containsEntry("groupIds", List.of(1));
	}

	@Test
	void argsFieldNamesTheArgumentThatIsTheRequestAndMustBeAnObjectAndTheOnlyArgument() {
		JsonRoute route = new JsonRoute("test.createItem", CREATE_ITEM);

		assertThat(route.request(request(null, Map.of("input", Map.of("displayName", "Dune")))))
			.isEqualTo(Map.of("displayName", "Dune"));
		assertInvalid(() -> route.request(request(null, Map.of())),
				"test.createItem needs argument 'input' as an object, it is missing");
		assertInvalid(() -> route.request(request(null, Map.of("input", "Dune"))),
				"test.createItem needs argument 'input' as an object, was String");
		assertInvalid(() -> route.request(request(null, Map.of("input", Map.of(), "extra", 1))),
				"test.createItem takes its request from argument 'input' only, not [extra]");
	}

	@Test
	void idempotencyKeyGoesIntoItsFieldOfTheArgsObjectWhenTheRequestHasOne() {
		JsonRoute route = new JsonRoute("test.createItem", new BridgeProperties.Route("CreateItem", null, "input", null, null, null, "requestId"));
		BusRequest mutation = new BusRequest(new RequestHeaders("c-1", "test.createItem", "gateway.replies.t",
				Instant.now().plusSeconds(5), "key-1"), null, Map.of("input", Map.of("displayName", "Dune")));

		assertThat(route.request(mutation)).isEqualTo(Map.of("displayName", "Dune", "requestId", "key-1"));
		assertThat(route.request(request(null, Map.of("input", Map.of())))).isEmpty();
	}

	// ---- answers

	@Test
	void itemsAreMatchedToKeysByTheKeyFieldAsTextWithNullForMissingOnesAndTheFirstOfDuplicates() {
		JsonRoute route = new JsonRoute("test.getItems", GET_ITEMS);
		Map<String, Object> answer = Map.of("items", Arrays.asList(item("b", "first b"), null, item("1", "one"),
				item("b", "second b")), "total", 3);

		List<Object> items = route.items(request(List.of(1, "missing", "b", "1"), Map.of()), answer);

		assertThat(items).containsExactly(item("1", "one"), null, item("b", "first b"), item("1", "one"));
	}

	@Test
	void itemValueFieldAnswersThatFieldOfEachMatchedItem() {
		JsonRoute route = new JsonRoute("test.listGroups", new BridgeProperties.Route("GetItems", "ids", null, "items", "id", "members", null));
		Map<String, Object> answer = Map.of("items",
				List.of(Map.of("id", 2, "members", List.of()), Map.of("id", 1, "members", List.of("x", "y"))));

		assertThat(route.items(request(List.of("1", "2", "3"), Map.of()), answer))
			.containsExactly(List.of("x", "y"), List.of(), null);
	}

	@Test
	void withoutKeyFieldItemsComeOnePerKeyInOrderOrTheReplyIsAnInternalError() {
		JsonRoute route = new JsonRoute("test.getItems", new BridgeProperties.Route("GetItems", "ids", null, "items", null, null, null));
		Map<String, Object> answer = Map.of("items", List.of(item("1", "one"), item("2", "two")));

		assertThat(route.items(request(List.of("k1", "k2"), Map.of()), answer))
			.containsExactly(item("1", "one"), item("2", "two"));
		assertInternal(() -> route.items(request(List.of("k1", "k2", "k3"), Map.of()), answer),
				"GetItems (test.getItems) answered 2 items for 3 keys");
	}

	@Test
	void keyedRouteWithoutItemsFieldTakesTheAnswerAsTheList() {
		JsonRoute route = new JsonRoute("test.getItems", new BridgeProperties.Route("GetItems", "ids", null, null, "id", null, null));

		assertThat(route.items(request(List.of("2", "1"), Map.of()), List.of(item("1", "one"))))
			.containsExactly(null, item("1", "one"));
	}

	@Test
	void answersOfTheWrongShapeAreInternalErrorsThatShowNoData() {
		JsonRoute route = new JsonRoute("test.getItems", GET_ITEMS);

		assertInternal(() -> route.items(request(List.of("1"), Map.of()), List.of("secret")),
				"GetItems (test.getItems): the answer is a list of 1, not an object with 'items'");
		assertInternal(() -> route.items(request(List.of("1"), Map.of()), Map.of("items", "secret")),
				"GetItems (test.getItems) answered a string for 1 keys, expected a list");
		assertInternal(() -> route.items(request(List.of("1"), Map.of()), Map.of("items", List.of("secret"))),
				"GetItems (test.getItems): an item is a string, not an object with 'id'");
	}

	@Test
	void keylessRouteAnswersTheWholeAnswerOrItsItemsAsOneItem() {
		JsonRoute whole = new JsonRoute("test.createItem", CREATE_ITEM);
		JsonRoute list = new JsonRoute("test.getItems", new BridgeProperties.Route("GetItems", null, null, "items", null, null, null));
		JsonRoute values = new JsonRoute("test.getItems",
				new BridgeProperties.Route("GetItems", null, null, "items", null, "name", null));
		JsonRoute single = new JsonRoute("test.getItems", new BridgeProperties.Route("GetItems", null, null, "total", null, null, null));
		Map<String, Object> answer = Map.of("items", List.of(item("1", "one"), item("2", "two")), "total", 7);

		assertThat(whole.items(request(null, Map.of()), item("9", "nine"))).containsExactly(item("9", "nine"));
		assertThat(list.items(request(null, Map.of()), answer))
			.containsExactly(List.of(item("1", "one"), item("2", "two")));
		assertThat(values.items(request(null, Map.of()), answer)).containsExactly(List.of("one", "two"));
		assertThat(single.items(request(null, Map.of()), answer)).containsExactly(7);
		assertThat(whole.items(request(null, Map.of()), null)).containsExactly((Object) null);
	}

	@Test
	void itemOfOneKeysAnswerIsShapedAsAKeylessOne() {
		BridgeProperties.Route config = new BridgeProperties.Route("GET /items/{key}", null, null, "item", null, "name", null);
		JsonRoute route = new JsonRoute("test.getItem", config, true, JsonRoute.Names.of(config));

		assertThat(route.item(Map.of("item", item("1", "one")))).isEqualTo("one");
		assertThat(route.item(Map.of("other", 1))).isNull();
	}

	// ---- settings

	@Test
	void settingsThatContradictEachOtherAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JsonRoute("test.getItems", new BridgeProperties.Route("GetItems", null, null, "items", "id", null, null)))
			.withMessage(
					"route test.getItems (GetItems): item-key-field matches items to keys, so it needs keys-field");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JsonRoute("test.getItems", GET_ITEMS, false,
					JsonRoute.Names.of(GET_ITEMS)))
			.withMessageContaining("keys-field 'ids' receives keys, so the route serves keyed requests");
		assertThat(new JsonRoute("test.getItems", new BridgeProperties.Route("GetItems", null, null, "items", "id", null, null), true,
				JsonRoute.Names.of(GET_ITEMS))
			.isKeyed()).isTrue();
	}

	@Test
	void operationWithoutARouteIsUnimplementedAndTheMessageNamesTheRoutes() {
		BackendException ex = JsonRoute.unrouted("HTTP", "svc.nope", List.of("svc.b", "svc.a"));

		assertThat(ex.status()).isEqualTo(BusStatus.UNIMPLEMENTED);
		assertThat(ex.getMessage()).isEqualTo("no HTTP route for operation svc.nope; routes: [svc.a, svc.b]");
	}

	// ---- helpers

	private static Map<String, Object> item(String id, String name) {
		Map<String, Object> item = new LinkedHashMap<>();
		item.put("id", id);
		item.put("name", name);
		return item;
	}

	private static void assertInvalid(Runnable call, String message) {
		assertThatExceptionOfType(BackendException.class).isThrownBy(call::run).satisfies((ex) -> {
			assertThat(ex.status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
			assertThat(ex.getMessage()).isEqualTo(message);
		});
	}

	private static void assertInternal(Runnable call, String message) {
		assertThatExceptionOfType(BackendException.class).isThrownBy(call::run).satisfies((ex) -> {
			assertThat(ex.status()).isEqualTo(BusStatus.INTERNAL);
			assertThat(ex.getMessage()).isEqualTo(message);
		});
	}

	private static BusRequest request(List<Object> keys, Map<String, Object> args) {
		return new BusRequest(new RequestHeaders("c-1", "test.getItems", "gateway.replies.t",
				Instant.now().plusSeconds(5), null), (keys != null) ? Arrays.asList(keys.toArray()) : null, args);
	}

}

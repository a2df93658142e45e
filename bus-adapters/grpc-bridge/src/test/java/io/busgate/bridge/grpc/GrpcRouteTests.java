package io.busgate.bridge.grpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.FileSystemResource;

import tools.jackson.databind.json.JsonMapper;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bridge.grpc.testproto.CatalogOuterClass;
import io.busgate.bridge.grpc.testproto.CreateItemRequest;
import io.busgate.bridge.grpc.testproto.GetItemsRequest;
import io.busgate.bridge.grpc.testproto.GetItemsResponse;
import io.busgate.bridge.grpc.testproto.Group;
import io.busgate.bridge.grpc.testproto.Item;
import io.busgate.bridge.grpc.testproto.Kind;
import io.busgate.bridge.grpc.testproto.ListGroupsRequest;
import io.busgate.bridge.grpc.testproto.ListGroupsResponse;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;
import io.busgate.bus.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * JSON to protobuf and back, and matching items to keys, against the descriptors of
 * {@code src/test/proto/busgate/bridgetest/v1/catalog.proto}.
 */
class GrpcRouteTests {

	private static final String CATALOG = "busgate.bridgetest.v1.Catalog";

	private static final Map<String, Descriptors.ServiceDescriptor> SERVICES = Map.of(CATALOG,
			CatalogOuterClass.getDescriptor().findServiceByName("Catalog"));

	private static final Instant CREATED = Instant.parse("2025-01-02T03:04:05Z");

	private final JsonMapper json = JsonMapper.builder().build();

	// ---- requests

	@Test
	void keysGoToTheKeysFieldAndArgsToTheOtherFields() throws Exception {
		GrpcRoute route = route(getItems().build());

		DynamicMessage message = route.request(request(List.of("a", "b"), Map.of("withTags", true)));

		assertThat(GetItemsRequest.parseFrom(message.toByteString()))
			.isEqualTo(GetItemsRequest.newBuilder().addIds("a").addIds("b").setWithTags(true).build());
		assertThat(route.method().getFullMethodName()).isEqualTo(CATALOG + "/GetItems");
	}

	@Test
	void argsMayUseProtoFieldNamesAndFieldNamesMayBeConfiguredInJsonForm() throws Exception {
		GrpcRoute route = route(new BridgeProperties.Route(CATALOG + "/ListGroups", "groupIds", null, "groups",
				"groupId", null, null));

		DynamicMessage message = route.request(request(List.of(1, 2), Map.of("first", 3)));

		assertThat(ListGroupsRequest.parseFrom(message.toByteString()))
			.isEqualTo(ListGroupsRequest.newBuilder().addGroupIds(1).addGroupIds(2).setFirst(3).build());
		assertThat(GetItemsRequest.parseFrom(route(getItems().build())
			.request(request(List.of("a"), Map.of("with_tags", true)))
			.toByteString()).getWithTags()).isTrue();
	}

	@Test
	void unknownArgumentFieldsAreRefusedNotIgnored() {
		GrpcRoute route = route(getItems().build());

		assertInvalid(() -> route.request(request(List.of("a"), Map.of("nope", 1))),
				"invalid arguments for test.getItems: Cannot find field: nope in message busgate.bridgetest.v1.GetItemsRequest");
	}

	@Test
	void argumentsOfTheWrongTypeAreRefusedWithTheParsersReason() {
		GrpcRoute route = route(new BridgeProperties.Route(CATALOG + "/ListGroups", "group_ids", null, "groups",
				"group_id", null, null));

		assertInvalid(() -> route.request(request(List.of(1), Map.of("first", "many"))),
				"invalid arguments for test.getItems: ");
		assertInvalid(() -> route.request(request(List.of("x"), Map.of())), "invalid arguments for test.getItems: ");
	}

	@Test
	void argsFieldNamesTheArgumentThatIsTheRequestMessage() throws Exception {
		GrpcRoute route = route(createItem());

		DynamicMessage message = route
			.request(request(null, Map.of("input", Map.of("displayName", "Dune", "tags", List.of("sf"), "kind", "BOOK"))));

		assertThat(CreateItemRequest.parseFrom(message.toByteString())).isEqualTo(
				CreateItemRequest.newBuilder().setDisplayName("Dune").addTags("sf").setKind(Kind.BOOK).build());
	}

	@Test
	void keysAndArgsFieldAreCheckedByTheRouteModelAndFieldsTheArgsObjectDoesNotHaveAreRefused() {
		GrpcRoute route = route(createItem());

		assertInvalid(() -> route(getItems().build()).request(request(null, Map.of())),
				"test.getItems is called with keys, the request has none");
		assertInvalid(() -> route.request(request(null, Map.of())),
				"test.getItems needs argument 'input' as an object, it is missing");
		assertInvalid(() -> route.request(request(null, Map.of("input", Map.of("title", "x")))),
				"Cannot find field: title in message busgate.bridgetest.v1.CreateItemRequest");
	}

	// ---- responses

	@Test
	void itemsAreMatchedToKeysByTheKeyFieldWithNullForMissingOnes() {
		GrpcRoute route = route(getItems().build());
		GetItemsResponse response = GetItemsResponse.newBuilder()
			.addItems(item("b"))
			.addItems(item("a").toBuilder().setSize(5).addTags("x").setRank(2).setKind(Kind.BOOK))
			.setTotal(2)
			.build();

		List<Object> items = route.items(request(List.of("a", "missing", "b", "a"), Map.of()), response);

		Map<String, Object> a = new LinkedHashMap<>();
		a.put("id", "a");
		a.put("displayName", "Item a");
		a.put("size", "5"); // int64 is a string in protobuf's JSON
		a.put("tags", List.of("x"));
		a.put("createdAt", "2025-01-02T03:04:05Z");
		a.put("kind", "BOOK");
		a.put("rank", 2);
		assertThat(items).hasSize(4);
		assertThat(items.get(0)).isEqualTo(a);
		assertThat(items.get(1)).isNull();
		assertThat(items.get(3)).isEqualTo(a);
		assertThat(items.get(2)).isEqualTo(Map.of("id", "b", "displayName", "Item b", "size", "0", "tags", List.of(),
				"createdAt", "2025-01-02T03:04:05Z", "kind", "KIND_UNSPECIFIED"));
	}

	@Test
	void itemValueFieldAnswersThatFieldOfEachMatchedItemAndAnEmptyListNotNull() {
		GrpcRoute route = route(new BridgeProperties.Route(CATALOG + "/ListGroups", "group_ids", null, "groups",
				"group_id", "items", null));
		ListGroupsResponse response = ListGroupsResponse.newBuilder()
			.addGroups(Group.newBuilder().setGroupId(2))
			.addGroups(Group.newBuilder().setGroupId(1).addItems(item("x")).addItems(item("y")))
			.build();

		List<Object> items = route.items(request(List.of(1, "2", 3), Map.of()), response);

		assertThat(items).hasSize(3);
		assertThat(ids((List<?>) items.get(0))).containsExactly("x", "y");
		assertThat(items.get(1)).isEqualTo(List.of());
		assertThat(items.get(2)).isNull();
	}

	@Test
	void keylessRouteAnswersTheWholeResponseOrItsItemsAsOneItem() {
		GrpcRoute whole = route(createItem());
		GrpcRoute list = route(
				new BridgeProperties.Route(CATALOG + "/GetItems", null, null, "items", null, null, null));
		GrpcRoute single = route(
				new BridgeProperties.Route(CATALOG + "/GetItems", null, null, "total", null, null, null));
		GetItemsResponse response = GetItemsResponse.newBuilder().addItems(item("1")).setTotal(7).build();

		assertThat(whole.items(request(null, Map.of()), item("9")))
			.singleElement()
			.satisfies((item) -> assertThat(((Map<?, ?>) item).get("id")).isEqualTo("9"));
		assertThat(list.items(request(null, Map.of()), response))
			.singleElement()
			.satisfies((item) -> assertThat((List<?>) item).hasSize(1));
		assertThat(single.items(request(null, Map.of()), response)).containsExactly(7);
	}

	// ---- compiling

	@Test
	void routesThatDoNotFitTheDescriptorsAreRefusedWithTheReason() {
		assertProblem(BridgeProperties.Route.of("busgate.bridgetest.v1.Nope/GetItems"),
				"the backend's descriptors have no service busgate.bridgetest.v1.Nope; they have [busgate.bridgetest.v1.Catalog]");
		assertProblem(BridgeProperties.Route.of(CATALOG + "/GetItem"),
				"service busgate.bridgetest.v1.Catalog has no method GetItem; it has [GetItems, ListGroups, CreateItem, WatchItems]");
		assertProblem(BridgeProperties.Route.of(CATALOG + "/WatchItems"),
				"streams; only unary methods can be routed");
		assertProblem(getItems().keysField("with_tags").build(), "keys-field 'with_tags' must be a repeated scalar field");
		assertProblem(getItems().keysField("idz").build(),
				"keys-field 'idz': message busgate.bridgetest.v1.GetItemsRequest has no such field; it has [ids, with_tags]");
		assertProblem(getItems().itemsField("total").build(), "items-field 'total' must be repeated to hold an item per key");
		assertProblem(getItems().itemKeyField("tags").build(), "item-key-field 'tags' must be a single scalar field");
		assertProblem(getItems().itemValueField("nope").build(),
				"item-value-field 'nope': message busgate.bridgetest.v1.Item has no such field");
	}

	@Test
	void routeShapesThatCannotWorkAreRefusedWhenConfigured() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> GrpcRoute.check("test.getItems", BridgeProperties.Route.of("GetItems")))
			.withMessageContaining("needs a full method name <package>.<Service>/<Method>");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> GrpcRoute.check("test.getItems", getItems().itemsField(null).build()))
			.withMessageContaining("a route with keys-field needs items-field");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> GrpcRoute.check("test.getItems",
					new BridgeProperties.Route(CATALOG + "/GetItems", null, null, "items", "id", null, null)))
			.withMessageContaining("item-key-field matches items to keys, so it needs keys-field");
	}

	// ---- descriptor sets

	@Test
	void descriptorSetFromProtocGivesRoutesThatMapDynamicMessages() throws Exception {
		DescriptorSetSource source = new DescriptorSetSource(
				new FileSystemResource(Path.of("target/test-descriptors/bridge-test.binpb")));
		Map<String, Descriptors.ServiceDescriptor> services = source.services(Set.of(CATALOG)).join();
		GrpcRoute route = new GrpcRoute("test.getItems", getItems().build(), services, this.json);
		Descriptors.Descriptor responseType = services.get(CATALOG).findMethodByName("GetItems").getOutputType();
		DynamicMessage response = DynamicMessage.parseFrom(responseType,
				GetItemsResponse.newBuilder().addItems(item("a")).build().toByteString());

		List<Object> items = route.items(request(List.of("a"), Map.of()), response);

		assertThat(((Map<?, ?>) items.get(0)).get("createdAt")).isEqualTo("2025-01-02T03:04:05Z");
		assertThat(route.request(request(List.of("a"), Map.of())).getDescriptorForType()).isSameAs(
				services.get(CATALOG).findMethodByName("GetItems").getInputType());
	}

	@Test
	void descriptorSetWithoutImportsLinksProtobufsWellKnownTypes() throws Exception {
		FileDescriptorSet withImports = FileDescriptorSet
			.parseFrom(Files.readAllBytes(Path.of("target/test-descriptors/bridge-test.binpb")));
		FileDescriptorSet withoutImports = FileDescriptorSet.newBuilder()
			.addAllFile(withImports.getFileList().stream().filter((file) -> !file.getName().startsWith("google/")).toList())
			.build();

		DescriptorSetSource source = new DescriptorSetSource(new ByteArrayResource(withoutImports.toByteArray()));

		assertThat(source.services(Set.of()).join()).containsKey(CATALOG);
	}

	@Test
	void unreadableDescriptorSetFailsAtOnceWithTheReason() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new DescriptorSetSource(new FileSystemResource(Path.of("target/no-such-file.binpb"))))
			.withMessageStartingWith("Cannot read the descriptor set file [");
	}

	// ---- helpers

	private GrpcRoute route(BridgeProperties.Route config) {
		return new GrpcRoute("test.getItems", config, SERVICES, this.json);
	}

	private void assertProblem(BridgeProperties.Route config, String reason) {
		assertThatIllegalArgumentException().isThrownBy(() -> route(config))
			.withMessageStartingWith("route test.getItems (" + config.call() + "): ")
			.withMessageContaining(reason);
	}

	private static void assertInvalid(Runnable call, String message) {
		assertThatExceptionOfType(BackendException.class).isThrownBy(call::run).satisfies((ex) -> {
			assertThat(ex.status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
			assertThat(ex.getMessage()).contains(message);
		});
	}

	private static List<Object> ids(List<?> items) {
		return items.stream().map((item) -> (Object) ((Map<?, ?>) item).get("id")).toList();
	}

	private static RouteBuilder getItems() {
		return new RouteBuilder(CATALOG + "/GetItems").keysField("ids").itemsField("items").itemKeyField("id");
	}

	private static BridgeProperties.Route createItem() {
		return new BridgeProperties.Route(CATALOG + "/CreateItem", null, "input", null, null, null, null);
	}

	private static Item item(String id) {
		return Item.newBuilder()
			.setId(id)
			.setDisplayName("Item " + id)
			.setCreatedAt(Timestamp.newBuilder().setSeconds(CREATED.getEpochSecond()))
			.build();
	}

	private static BusRequest request(List<Object> keys, Map<String, Object> args) {
		return new BusRequest(new RequestHeaders("c-1", "test.getItems", "gateway.replies.t",
				Instant.now().plusSeconds(5), null), (keys != null) ? Arrays.asList(keys.toArray()) : null, args);
	}

	private static final class RouteBuilder {

		private final String method;

		private String keysField;

		private String itemsField;

		private String itemKeyField;

		private String itemValueField;

		RouteBuilder(String method) {
			this.method = method;
		}

		RouteBuilder keysField(String name) {
			this.keysField = name;
			return this;
		}

		RouteBuilder itemsField(String name) {
			this.itemsField = name;
			return this;
		}

		RouteBuilder itemKeyField(String name) {
			this.itemKeyField = name;
			return this;
		}

		RouteBuilder itemValueField(String name) {
			this.itemValueField = name;
			return this;
		}

		BridgeProperties.Route build() {
			return new BridgeProperties.Route(this.method, this.keysField, null, this.itemsField, this.itemKeyField,
					this.itemValueField, null);
		}

	}

}

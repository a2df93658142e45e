package io.busgate.thrift.idl;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.busgate.thrift.idl.ThriftIdl.BaseType;
import io.busgate.thrift.idl.ThriftIdl.EnumType;
import io.busgate.thrift.idl.ThriftIdl.Field;
import io.busgate.thrift.idl.ThriftIdl.Function;
import io.busgate.thrift.idl.ThriftIdl.ListType;
import io.busgate.thrift.idl.ThriftIdl.MapType;
import io.busgate.thrift.idl.ThriftIdl.Requiredness;
import io.busgate.thrift.idl.ThriftIdl.Service;
import io.busgate.thrift.idl.ThriftIdl.SetType;
import io.busgate.thrift.idl.ThriftIdl.StructDef;
import io.busgate.thrift.idl.ThriftIdl.StructKind;
import io.busgate.thrift.idl.ThriftIdl.StructType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.tuple;

class ThriftIdlReaderTests {

	@Test
	void readsTheInventoryIdlWithItsIncludedFile() {
		ThriftIdl idl = ThriftIdlReader.read(Path.of("../thrift-bridge/src/test/thrift/inventory.thrift"));

		assertThat(idl.program()).isEqualTo("inventory");
		assertThat(idl.namespaces()).isEqualTo(Map.of("java", "com.example.inventory"));
		assertThat(idl.includes()).containsExactly("inventory/inventory_types.thrift");
		assertThat(idl.enums().get("inventory_types.Condition").constants())
			.containsExactly(Map.entry("NEW", 1), Map.entry("USED", 2), Map.entry("REFURBISHED", 5));
		StructDef item = idl.structs().get("inventory.StockItem");
		assertThat(item.kind()).isEqualTo(StructKind.STRUCT);
		assertThat(item.fields()).containsExactly(
				// The typedef Sku of the included file is a string.
				new Field((short) 1, "sku", BaseType.STRING, Requiredness.DEFAULT),
				new Field((short) 2, "name", BaseType.STRING, Requiredness.DEFAULT),
				new Field((short) 3, "condition", new EnumType(idl.enums().get("inventory_types.Condition")),
						Requiredness.DEFAULT),
				new Field((short) 4, "price", new StructType("inventory_types.Money"), Requiredness.DEFAULT),
				new Field((short) 5, "locations", new ListType(new StructType("inventory.Location")),
						Requiredness.DEFAULT),
				new Field((short) 6, "tags", new SetType(BaseType.STRING), Requiredness.DEFAULT),
				new Field((short) 7, "countByWarehouse", new MapType(BaseType.STRING, BaseType.I32),
						Requiredness.DEFAULT),
				new Field((short) 8, "photo", BaseType.BINARY, Requiredness.OPTIONAL),
				new Field((short) 9, "version", BaseType.I64, Requiredness.DEFAULT));
		assertThat(idl.structs().get("inventory_types.Money").field("cents").isRequired()).isTrue();
		assertThat(idl.structs().get("inventory.OutOfStock").kind()).isEqualTo(StructKind.EXCEPTION);

		Service inventory = idl.service("Inventory");
		assertThat(inventory.functions()).containsOnlyKeys("getItems", "adjust", "audit");
		Function adjust = inventory.functions().get("adjust");
		assertThat(adjust.oneway()).isFalse();
		assertThat(adjust.returns()).isEqualTo(new StructType("inventory.StockItem"));
		assertThat(adjust.arguments().fields()).containsExactly(
				new Field((short) 1, "adjustment", new StructType("inventory.Adjustment"), Requiredness.DEFAULT));
		assertThat(adjust.result().fields()).extracting(Field::id, Field::name)
			.containsExactly(tuple((short) 0, "success"),
					tuple((short) 1, "unknown"),
					tuple((short) 2, "outOfStock"),
					tuple((short) 3, "denied"));
		assertThat(inventory.functions().get("audit").oneway()).isTrue();
		assertThat(inventory.functions().get("getItems").arguments().field("withPhotos").type())
			.isEqualTo(BaseType.BOOL);
	}

	@Test
	void readsMessageServicesIdlWithItsDocComments() {
		ThriftIdl idl = ThriftIdlReader.read(Path.of("../../message-service/src/main/thrift/message_service.thrift"));

		assertThat(idl.serviceNames()).containsExactly("MessageService");
		Function inbox = idl.service("MessageService").functions().get("inbox");
		assertThat(inbox.arguments().fieldNames()).containsExactly("userIds", "first");
		assertThat(inbox.returns()).isEqualTo(new ListType(new StructType("message_service.Inbox")));
		assertThat(inbox.exceptions()).extracting(Field::name).containsExactly("invalid", "denied");
		assertThat(inbox.arguments().field("first").defaultValue()).isEqualTo("20");
		assertThat(inbox.doc()).startsWith("One entry per requested user id, in request order")
			.endsWith("PermissionDenied otherwise, and for an anonymous call.");
		StructDef message = idl.structs().get("message_service.Message");
		assertThat(message.doc()).isEqualTo("A message from one user to another.");
		assertThat(message.field("id").doc()).isNull();
		assertThat(message.field("sentAt").doc())
			.isEqualTo("When the message was sent, an ISO-8601 instant in UTC, e.g. \"2025-12-31T23:59:00Z\".");
		StructDef send = idl.structs().get("message_service.SendMessageRequest");
		assertThat(send.doc()).isNull();
		assertThat(send.field("idempotencyKey").doc()).startsWith("Makes the send safe to repeat: a send with a key its"
				+ " sender used before for the same send\n(same fromUserId, toUserId and body)");
		assertThat(idl.structs().get("message_service.PermissionDenied").doc()).startsWith("The caller the call is made");
	}

	@Test
	void keepsDocCommentsOnlyRightBeforeADefinitionAndDefaultValuesAsWritten() {
		ThriftIdl idl = ThriftIdlReader.read("docs", """
				/** The enum. */
				enum E { A, B }
				/* Not a doc comment. */
				struct S {
				  /** The first
				   *  of two. */
				  1: string a = 'say "hi"',
				  // a line comment
				  2: E e = E.B,
				  3: list<i32> numbers = [1, 2],
				  4: map<string, double> rates = {"x": -1.5e3},
				}
				/** Detached. */

				service T {
				  /** Gets. */
				  S get(),
				}
				""");

		assertThat(idl.enums().get("docs.E").doc()).isEqualTo("The enum.");
		StructDef struct = idl.structs().get("docs.S");
		assertThat(struct.doc()).isNull();
		assertThat(struct.fields()).extracting(Field::doc).containsExactly("The first\nof two.", null, null, null);
		assertThat(struct.fields()).extracting(Field::defaultValue)
			.containsExactly("\"say \\\"hi\\\"\"", "E.B", "[1, 2]", "{\"x\": -1.5e3}");
		assertThat(idl.service("T").functions().get("get").doc()).isEqualTo("Gets.");
	}

	@Test
	void readsIdlsInJarsWithTheirIncludes(@TempDir Path dir) throws Exception {
		Path jar = dir.resolve("idl.jar");
		try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
			out.putNextEntry(new JarEntry("idl/shared/base.thrift"));
			out.write("struct Item { 1: string id }\n".getBytes(StandardCharsets.UTF_8));
			out.putNextEntry(new JarEntry("idl/main.thrift"));
			out.write("include \"shared/base.thrift\"\nservice S { list<base.Item> items() }\n"
				.getBytes(StandardCharsets.UTF_8));
		}

		ThriftIdl idl = ThriftIdlReader.read(new URL("jar:" + jar.toUri() + "!/idl/main.thrift"));

		assertThat(idl.service("S").functions().get("items").returns())
			.isEqualTo(new ListType(new StructType("base.Item")));
	}

	@Test
	void readsTheRestOfTheLanguageAndSkipsConstantsAndAnnotations() {
		ThriftIdl idl = ThriftIdlReader.read("all", """
				namespace * all.things
				cpp_include "<vector>"
				const i32 LIMIT = 0x10;
				const list<string> NAMES = ["a", 'b'], const map<string, double> RATES = {"x": -1.5e3}
				typedef i64 Id (units = "none")
				typedef Id OtherId
				enum Level { LOW, MID = 10, HIGH (deprecated = "yes") }
				union Pick { 1: string text; 2: i8 tiny; 3: uuid id; }
				struct Node {
				  1: required OtherId id = 7,
				  2: optional list<Node> children = [],
				  3: map<Level, set<binary>> blobs (python.type = "dict"),
				  4: Level level = Level.MID,
				} (final = "true")
				service Base { void ping() }
				service Tree extends Base {
				  Node get(1: Id id) throws (1: Missing missing),
				  oneway void touch(1: Id id);
				}
				exception Missing { 1: string message }
				""");

		assertThat(idl.namespaces()).containsEntry("*", "all.things");
		assertThat(idl.enums().get("all.Level").constants()).containsExactly(Map.entry("LOW", 0),
				Map.entry("MID", 10), Map.entry("HIGH", 11));
		assertThat(idl.structs().get("all.Pick").kind()).isEqualTo(StructKind.UNION);
		assertThat(idl.structs().get("all.Pick").fields()).extracting(Field::type)
			.containsExactly(BaseType.STRING, BaseType.BYTE, BaseType.UUID);
		StructDef node = idl.structs().get("all.Node");
		assertThat(node.field("id")).isEqualTo(new Field((short) 1, "id", BaseType.I64, Requiredness.REQUIRED, "7", null));
		assertThat(node.field("children").type()).isEqualTo(new ListType(new StructType("all.Node")));
		assertThat(node.field("blobs").type()).isEqualTo(
				new MapType(new EnumType(idl.enums().get("all.Level")), new SetType(BaseType.BINARY)));
		Service tree = idl.service("Tree");
		assertThat(tree.parent()).isEqualTo("all.Base");
		assertThat(idl.functions(tree)).containsOnlyKeys("get", "touch", "ping");
	}

	@Test
	void unreadableIdlsFailWithTheFileAndLine() {
		assertError("struct A {\n  1: string a,\n  b: string c,\n}", "bad.thrift:3: expected a field id (e.g. '1:') in"
				+ " struct A, found 'b'; fields without an explicit id are not supported");
		assertError("struct A {\n  string a\n}", "bad.thrift:2: expected a field id (e.g. '1:') in struct A, found"
				+ " 'string'; fields without an explicit id are not supported");
		assertError("struct A {\n  1: Missing a\n}", "bad.thrift:2: unknown type 'Missing'");
		assertError("struct A {\n  1: other.B a\n}", "bad.thrift:2: unknown type 'other.B': 'other' is no included"
				+ " file (includes: [])");
		assertError("struct A { 1: string a, 1: i32 b }", "bad.thrift:1: duplicate field id 1 in struct A");
		assertError("struct A { 1: string a, 2: i32 a }", "bad.thrift:1: duplicate field name a in struct A");
		assertError("struct A { 1: string a }\nstruct A { 1: string b }", "bad.thrift:2: 'A' is defined twice");
		assertError("\n\nstruct A { 1: list<string a }", "bad.thrift:3: expected '>', found 'a'");
		assertError("typedef B A\ntypedef A B\nstruct S { 1: A a }", "bad.thrift:2: typedef A refers to itself");
		assertError("struct A { 1: string a }\nservice S {\n  void f() throws (1: A a)\n}",
				"bad.thrift:3: throws a of f must be an exception, is struct A");
		assertError("service S {\n  oneway i32 f()\n}", "bad.thrift:2: oneway function f must be void and throw"
				+ " nothing");
		assertError("service S extends T {}", "bad.thrift:1: service S extends unknown service T");
		assertError("/* never closed\nstruct A {}", "bad.thrift:1: unterminated comment");
		assertError("senum S { \"a\" }", "bad.thrift:1: senum is not supported (deprecated in Thrift)");
		assertError("struct A { 1: string a } $", "bad.thrift:1: unexpected character '$'");
		assertError("struct A { 1: string a }\n\ntypedef Nowhere B", "bad.thrift:3: unknown type 'Nowhere'");
		assertError("struct A {", "bad.thrift:1: expected a field id (e.g. '1:') in struct A, found the end of the file;"
				+ " fields without an explicit id are not supported");
		assertError("enum E { A = 99999999999 }", "bad.thrift:1: 99999999999 is out of range (-2147483648..2147483647)");
	}

	@Test
	void includesAreReadRelativeToTheIncludingFileAndMustExist(@TempDir Path dir) throws Exception {
		Files.createDirectories(dir.resolve("shared"));
		Files.writeString(dir.resolve("shared/base.thrift"), "struct Item { 1: string id }\n");
		Files.writeString(dir.resolve("main.thrift"),
				"include \"shared/base.thrift\"\nservice S { list<base.Item> items() }\n");
		Files.writeString(dir.resolve("broken.thrift"), "\ninclude \"missing.thrift\"\n");

		ThriftIdl idl = ThriftIdlReader.read(dir.resolve("main.thrift"));

		assertThat(idl.service("S").functions().get("items").returns())
			.isEqualTo(new ListType(new StructType("base.Item")));
		assertThat(idl.structs()).containsOnlyKeys("base.Item");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ThriftIdlReader.read(dir.resolve("broken.thrift")))
			.withMessageStartingWith(dir.resolve("broken.thrift") + ":2: include 'missing.thrift' not found");
		assertThatIllegalArgumentException().isThrownBy(() -> idl.service("T"))
			.withMessage("the IDL main.thrift has no service 'T', its services are [S]");
	}

	private static void assertError(String text, String message) {
		assertThatIllegalArgumentException().isThrownBy(() -> ThriftIdlReader.read("bad", text)).withMessage(message);
	}
}

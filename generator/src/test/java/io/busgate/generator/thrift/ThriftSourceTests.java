package io.busgate.generator.thrift;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.busgate.generator.model.Batch;
import io.busgate.generator.model.Conventions;
import io.busgate.generator.model.EnumType;
import io.busgate.generator.model.Field;
import io.busgate.generator.model.Operation;
import io.busgate.generator.model.ServiceModel;
import io.busgate.generator.model.Shape;
import io.busgate.generator.model.TypeRef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ThriftSourceTests {

	private static final Path LIBRARY = Path.of("src/test/resources/thrift/library.thrift");

	private static final Path MESSAGE_SERVICE = Path.of("../message-service/src/main/thrift/message_service.thrift");

	private static final TypeRef ID = nonNull("ID");

	private static final TypeRef STRING = nonNull("String");

	@Test
	void readsEveryKindOfTypeOfAnIdlWithItsIncludes() {
		ServiceModel model = ThriftSource.read(LIBRARY, null, Conventions.DEFAULTS);

		assertThat(model.origin()).isEqualTo("Library of the Thrift IDL " + LIBRARY);
		assertThat(model.protocol()).isEqualTo("thrift");
		assertThat(model.bridgeSettings()).isEqualTo(Map.of("idl", LIBRARY.toString(), "service", "Library"));
		// Only what the functions reach (not Unused, not the exceptions, not the pages and groups
		// whose items are answered), in the IDL's order, the included file's first.
		assertThat(model.shapes()).containsExactly(
				new Shape("Money", "An amount of money.", List.of(
						new Field("cents", nonNull("Long")),
						new Field("currency", STRING, null, "\"EUR\""))),
				new Shape("Shelf", "A place on a shelf.", List.of(
						new Field("room", STRING),
						new Field("row", nonNull("Int")))),
				new Shape("Copy", "One physical copy of a book.", List.of(
						new Field("copyId", ID),
						new Field("shelf", nonNull("Shelf")),
						// The bridge answers null for a value the IDL does not declare.
						new Field("availability", TypeRef.named("Availability")),
						new Field("dueAt", TypeRef.named("Long"), "Milliseconds since the epoch, while lent.", null))),
				new Shape("Creator", "Who a book is by.\n\nExactly one of person, organisation is set.", List.of(
						new Field("person", TypeRef.named("String")),
						new Field("organisation", TypeRef.named("String")))),
				new Shape("Book", "A book of the catalogue.", List.of(
						new Field("isbn", STRING),
						new Field("title", STRING),
						new Field("creators", listOf(nonNull("Creator")).nonNull()),
						new Field("subjects", listOf(STRING).nonNull()),
						new Field("copiesByBranch", nonNull("JSON")),
						new Field("cover", TypeRef.named("String")),
						new Field("copies", listOf(nonNull("Copy")).nonNull()),
						new Field("price", nonNull("Money")),
						new Field("wordCount", nonNull("Long")),
						new Field("rating", nonNull("Float"), null, "4.5"))),
				new Shape("ReserveRequest", null, List.of(
						new Field("memberId", ID),
						new Field("isbn", STRING),
						new Field("idempotencyKey", TypeRef.named("String")))));
		assertThat(model.enums())
			.containsExactly(new EnumType("Availability", "Where a copy is.", List.of("ON_SHELF", "LENT", "LOST")));
	}

	@Test
	void findsBatchedLookupsMutationsAndQueriesAndSkipsOnewayFunctions() {
		ServiceModel model = ThriftSource.read(LIBRARY, null, Conventions.DEFAULTS);

		assertThat(model.operations()).containsExactly(
				new Operation("getBooks", "getBooks", false, query("getBooks"),
						new Batch("isbns", "isbn", "books", "isbn", null, "takes isbns (a list of string) and answers"
								+ " BookPage.books, a list of Book, each carrying isbn"),
						List.of(new Field("withCopies", TypeRef.named("Boolean"), null, "true")), null, null,
						TypeRef.named("Book"), "The books with these ISBNs that exist.", List.of("NotFound -> NOT_FOUND")),
				new Operation("getCopies", "getCopies", false, query("getCopies"),
						new Batch("copyIds", "copyId", null, "copyId", null,
								"takes copyIds (a list of string) and answers a list of Copy, each carrying copyId"),
						List.of(), null, null, TypeRef.named("Copy"), null, List.of()),
				new Operation("loansOf", "loansOf", false, query("loansOf"),
						new Batch("memberIds", "memberId", null, "memberId", "loans", "takes memberIds (a list of string)"
								+ " and answers a list of MemberLoans, each carrying memberId and its loans"),
						List.of(new Field("first", TypeRef.named("Int"), null, "10")), null, null,
						listOf(nonNull("Copy")), "Each member's loans, newest first.", List.of()),
				new Operation("search", "search", false, query("search"), null,
						List.of(new Field("text", TypeRef.named("String")),
								new Field("subjects", listOf(STRING)),
								new Field("availability", TypeRef.named("Availability"), null, "LENT")),
						null, null, listOf(nonNull("Book")).nonNull(), "Books whose title contains the text.", List.of()),
				new Operation("reserveCopy", "reserveCopy", true, "reserveCopy matches the mutation names", null,
						List.of(new Field("input", nonNull("ReserveRequest"))), "input", "idempotencyKey",
						nonNull("Copy"), "Reserves a copy of a book for a member.",
						List.of("NotFound -> NOT_FOUND", "Conflict -> INTERNAL")),
				// void: the bridge's reply carries null.
				new Operation("cancelLoan", "cancelLoan", true, "cancelLoan matches the mutation names", null,
						List.of(new Field("copyId", ID), new Field("reason", TypeRef.named("String"), null, "\"returned\"")),
						null, null, TypeRef.named("Boolean"), "Puts a copy back on its shelf.", List.of()));
	}

	@Test
	void readsMessageServicesIdlAsTheExampleRoutesServeIt() {
		ServiceModel model = ThriftSource.read(MESSAGE_SERVICE, "MessageService", Conventions.DEFAULTS);

		assertThat(model.bridgeSettings())
			.isEqualTo(Map.of("idl", MESSAGE_SERVICE.toString(), "service", "MessageService"));
		assertThat(model.shapes()).extracting(Shape::name).containsExactly("Message", "SendMessageRequest");
		assertThat(model.shapes().get(0).fields()).containsExactly(new Field("id", ID), new Field("body", STRING),
				new Field("sentAt", STRING,
						"When the message was sent, an ISO-8601 instant in UTC, e.g. \"2025-12-31T23:59:00Z\".", null),
				new Field("fromUserId", ID), new Field("toUserId", ID));
		assertThat(model.operations()).hasSize(3);
		Operation getMessages = model.operations().get(0);
		assertThat(getMessages.batch()).isEqualTo(new Batch("ids", "id", null, "id", null,
				"takes ids (a list of string) and answers a list of Message, each carrying id"));
		assertThat(getMessages.result()).isEqualTo(TypeRef.named("Message"));
		assertThat(getMessages.arguments()).isEmpty();
		assertThat(getMessages.errors()).containsExactly("InvalidArgument -> INVALID_ARGUMENT");
		Operation inbox = model.operations().get(1);
		assertThat(inbox.batch()).isEqualTo(new Batch("userIds", "userId", null, "userId", "messages",
				"takes userIds (a list of string) and answers a list of Inbox, each carrying userId and its messages"));
		assertThat(inbox.arguments()).containsExactly(new Field("first", TypeRef.named("Int"), null, "20"));
		assertThat(inbox.result()).isEqualTo(listOf(nonNull("Message")));
		assertThat(inbox.errors())
			.containsExactly("InvalidArgument -> INVALID_ARGUMENT", "PermissionDenied -> PERMISSION_DENIED");
		Operation send = model.operations().get(2);
		assertThat(send.mutation()).isTrue();
		assertThat(send.batch()).isNull();
		assertThat(send.arguments()).containsExactly(new Field("input", nonNull("SendMessageRequest")));
		assertThat(send.argsField()).isEqualTo("input");
		assertThat(send.idempotencyKeyField()).isEqualTo("idempotencyKey");
		assertThat(send.result()).isEqualTo(nonNull("Message"));
		assertThat(send.errors()).containsExactly("InvalidArgument -> INVALID_ARGUMENT", "NotFound -> NOT_FOUND",
				"PermissionDenied -> PERMISSION_DENIED");
		assertThat(send.description()).startsWith("Sends a message as the caller");
	}

	@Test
	void mutationNamesAndTheIdempotencyKeyFieldAreTheUsers() {
		Conventions conventions = new Conventions(Pattern.compile("(send|get)([A-Z_].*)?"), "fromUserId");

		ServiceModel model = ThriftSource.read(MESSAGE_SERVICE, null, conventions);

		assertThat(model.operations()).extracting(Operation::mutation).containsExactly(true, false, true);
		assertThat(model.operations().get(0).batch()).isNull();
		assertThat(model.operations().get(0).arguments()).containsExactly(new Field("ids", listOf(ID)));
		assertThat(model.operations().get(2).idempotencyKeyField()).isEqualTo("fromUserId");
	}

	@Test
	void aListOfKeysIsABatchOnlyWhenTheItemsCarryTheSingularField(@TempDir Path dir) throws Exception {
		Path idl = dir.resolve("shop.thrift");
		Files.writeString(idl, """
				struct Item { 1: string sku, 2: string name }
				struct Pair { 1: string key, 2: list<string> values }
				struct Page { 1: list<Item> items, 2: list<Item> more }
				service Shop {
				  list<Item> getItems(1: list<string> skus),
				  list<Item> byTitles(1: list<string> titles),
				  list<Item> flagged(1: list<bool> flags),
				  Page pages(1: list<string> skus),
				  list<Pair> pairs(1: list<string> keys),
				  list<Item> bySkuNumbers(1: list<i64> skuNumbers),
				}
				""");

		ServiceModel model = ThriftSource.read(idl, null, Conventions.DEFAULTS);

		assertThat(model.operations()).extracting((operation) -> operation.batch() != null)
			.containsExactly(true, false, false, false, true, false);
		assertThat(model.operations().get(4).batch().itemValueField()).isEqualTo("values");
		assertThat(model.operations().get(1).arguments()).containsExactly(new Field("titles", listOf(STRING)));
	}

	@Test
	void unreadableIdlsAndUnknownServicesFailNamingTheFile(@TempDir Path dir) throws Exception {
		Path two = dir.resolve("two.thrift");
		Files.writeString(two, "service A {}\nservice B {}\n");
		Path clash = dir.resolve("clash.thrift");
		Files.writeString(dir.resolve("other.thrift"), "struct Item { 1: string id }\n");
		Files.writeString(clash, "include \"other.thrift\"\nstruct Item { 1: other.Item inner }\n"
				+ "service S { Item get() }\n");
		Path broken = dir.resolve("broken.thrift");
		Files.writeString(broken, "service S {\n  Missing get()\n}\n");

		assertThatIllegalArgumentException().isThrownBy(() -> ThriftSource.read(two, null, Conventions.DEFAULTS))
			.withMessage(two + ": declares the services [A, B], name the one to generate");
		assertThatIllegalArgumentException().isThrownBy(() -> ThriftSource.read(two, "C", Conventions.DEFAULTS))
			.withMessage(two + ": no service 'C', its services are [A, B]");
		assertThat(ThriftSource.read(two, "B", Conventions.DEFAULTS).bridgeSettings()).containsEntry("service", "B");
		assertThatIllegalArgumentException().isThrownBy(() -> ThriftSource.read(clash, null, Conventions.DEFAULTS))
			.withMessage(clash + ": other.Item and clash.Item would both be the GraphQL type Item; give one another name");
		assertThatIllegalArgumentException().isThrownBy(() -> ThriftSource.read(broken, null, Conventions.DEFAULTS))
			.withMessage(broken + ":2: unknown type 'Missing'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ThriftSource.read(dir.resolve("none.thrift"), null, Conventions.DEFAULTS))
			.withMessageStartingWith(dir.resolve("none.thrift") + ": cannot be read");
	}

	private static String query(String name) {
		return name + " does not match the mutation names, so it is a query";
	}

	private static TypeRef nonNull(String name) {
		return TypeRef.named(name).nonNull();
	}

	private static TypeRef listOf(TypeRef element) {
		return TypeRef.listOf(element);
	}

}

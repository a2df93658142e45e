package io.busgate.generator;

import java.util.List;
import java.util.Map;

import io.busgate.generator.GeneratorSettings.OperationSettings;
import io.busgate.generator.model.Batch;
import io.busgate.generator.model.EnumType;
import io.busgate.generator.model.Field;
import io.busgate.generator.model.Operation;
import io.busgate.generator.model.ServiceModel;
import io.busgate.generator.model.Shape;
import io.busgate.generator.model.TypeRef;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class GeneratorTests {

	private static final TypeRef ID = TypeRef.named("ID").nonNull();

	private static final TypeRef STRING = TypeRef.named("String").nonNull();

	private static final Shape BOOK = new Shape("Book", "A book on a shelf.",
			List.of(new Field("id", ID), new Field("title", STRING, "The title.", null),
					new Field("genre", TypeRef.named("Genre")), new Field("shelfId", ID)));

	private static final Shape CREATE_BOOK_REQUEST = new Shape("CreateBookRequest", null,
			List.of(new Field("shelfId", ID), new Field("title", STRING), new Field("genre", TypeRef.named("Genre")),
					new Field("requestId", TypeRef.named("String"))));

	private static final Operation GET_BOOKS = new Operation("GetBooks", "lib.Library/GetBooks", false, "a lookup",
			new Batch("ids", "id", "books", "id", null, "takes ids (a list of string) and answers books, each carrying id"),
			List.of(), null, null, TypeRef.named("Book"), "Books by id.", List.of());

	private static final Operation LIST_BY_SHELF = new Operation("ListBooksByShelf", "lib.Library/ListBooksByShelf",
			false, "a lookup",
			new Batch("shelf_ids", "shelfId", "shelves", "shelf_id", "books",
					"takes shelf_ids and answers shelves, each carrying shelf_id and books"),
			List.of(new Field("first", TypeRef.named("Int"), null, "10")), null, null,
			TypeRef.listOf(TypeRef.named("Book").nonNull()).nonNull(), null, List.of());

	private static final Operation CREATE_BOOK = new Operation("CreateBook", "lib.Library/CreateBook", true,
			"its name starts with a verb that changes something", null,
			List.of(new Field("input", TypeRef.named("CreateBookRequest").nonNull())), "input", "requestId",
			TypeRef.named("Book").nonNull(), "Adds a book.", List.of("NotFound -> NOT_FOUND"));

	private static final ServiceModel LIBRARY = new ServiceModel("lib.Library in library.pb", "grpc",
			Map.of("target", "127.0.0.1:9090"), List.of(BOOK, CREATE_BOOK_REQUEST),
			List.of(new EnumType("Genre", null, List.of("NOVEL", "POETRY"))),
			List.of(GET_BOOKS, LIST_BY_SHELF, CREATE_BOOK));

	@Test
	void writesRootFieldsBoundToTheBusTypesInputsAndEnums() {
		Generated generated = Generator.generate(LIBRARY, GeneratorSettings.forService("library"));

		assertThat(generated.schema()).isEqualTo("""
				# Generated from lib.Library in library.pb for the bus service 'library'.
				# Regenerate rather than edit (README.md, "Put your own service behind Busgate"); fields between services belong in a links file.

				extend type Query {
				  \"""Books by id.\"""
				  book(id: ID!): Book @bus(operation: "library.getBooks", key: "id")
				  \"""
				  By a list of keys, in the order asked; null where there is none.

				  Books by id.
				  \"""
				  books(ids: [ID!]!): [Book]! @bus(operation: "library.getBooks", key: "ids")
				  listBooksByShelf(shelfId: ID!, first: Int = 10): [Book!] @bus(operation: "library.listBooksByShelf", key: "shelfId")
				}

				extend type Mutation {
				  \"""
				  Adds a book.

				  Errors: NotFound -> NOT_FOUND.
				  \"""
				  createBook(input: CreateBookInput!): Book! @bus(operation: "library.createBook")
				}

				\"""A book on a shelf.\"""
				type Book {
				  id: ID!
				  \"""The title.\"""
				  title: String!
				  genre: Genre
				  shelfId: ID!
				}

				input CreateBookInput {
				  shelfId: ID!
				  title: String!
				  genre: Genre
				  \"""
				  Makes retries safe: createBook sent again with the same key changes nothing more and answers as
				  the first time. When absent: the request's Idempotency-Key header plus this field's path, else a
				  fresh key (a retry is then a new createBook).
				  \"""
				  idempotencyKey: String
				}

				enum Genre {
				  NOVEL
				  POETRY
				}
				""");
	}

	@Test
	void writesOneRoutePerOperationWithTheProtocolSettings() {
		Generated generated = Generator.generate(LIBRARY, GeneratorSettings.forService("library"));

		assertThat(generated.routes()).isEqualTo("""
				# Generated from lib.Library in library.pb: the routes of 'library' for the grpc-bridge,
				# passed as --spring.config.import=file:<this file> (the format: bus-adapters/bridge-core/README.md).
				# Regenerate rather than edit. Operation names contain dots, so each is bracketed to stay one key.
				busgate:
				  bridge:
				    service: library
				    grpc:
				      target: "127.0.0.1:9090"
				    routes:
				      # GetBooks: a batched lookup: takes ids (a list of string) and answers books, each carrying id
				      "[library.getBooks]":
				        call: lib.Library/GetBooks
				        keys-field: ids
				        items-field: books
				        item-key-field: id
				      # ListBooksByShelf: a batched lookup: takes shelf_ids and answers shelves, each carrying shelf_id and books
				      "[library.listBooksByShelf]":
				        call: lib.Library/ListBooksByShelf
				        keys-field: shelf_ids
				        items-field: shelves
				        item-key-field: shelf_id
				        item-value-field: books
				      # CreateBook: a mutation: its name starts with a verb that changes something
				      "[library.createBook]":
				        call: lib.Library/CreateBook
				        args-field: input
				        idempotency-key-field: requestId
				""");
		assertThat(generated.findings()).containsExactly(
				"GetBooks -> library.getBooks: a batched lookup on id, fields Query.book and Query.books: takes ids (a list of string) and answers books, each carrying id",
				"ListBooksByShelf -> library.listBooksByShelf: a batched lookup on shelf_id, fields Query.listBooksByShelf: takes shelf_ids and answers shelves, each carrying shelf_id and books",
				"CreateBook -> library.createBook: a mutation, field Mutation.createBook with an idempotencyKey (its name starts with a verb that changes something)");
	}

	@Test
	void prefixesEveryTypeAndRootFieldName() {
		Generated generated = Generator.generate(LIBRARY, new GeneratorSettings("library", "Lib", null, null, null,
				null, null, null, null));

		assertThat(generated.schema()).contains("libBook(id: ID!): LibBook @bus(operation: \"library.getBooks\", key: \"id\")",
				"libBooks(ids: [ID!]!): [LibBook]!", "libCreateBook(input: LibCreateBookInput!): LibBook!",
				"type LibBook {", "  genre: LibGenre", "enum LibGenre {", "input LibCreateBookInput {")
			.doesNotContain("type Book", "enum Genre");
	}

	@Test
	void namesGuardsAndLeavesOutOperationsAsTheSettingsSay() {
		GeneratorSettings settings = new GeneratorSettings("library", null, null, null, null,
				Map.of("target", "books:9090"),
				Map.of("ListBooksByShelf", new OperationSettings("byShelf", false, "shelfBooks", null, null, null),
						"CreateBook", new OperationSettings(null, false, null, null, "input.shelfId", null),
						"GetBooks", new OperationSettings(null, false, null, null, null, List.of("shelfId"))),
				null, null);

		Generated generated = Generator.generate(LIBRARY, settings);

		assertThat(generated.schema())
			.contains("book(id: ID!): Book @bus(operation: \"library.getBooks\", key: \"id\") @auth(readers: [\"shelfId\"])",
					"shelfBooks(shelfId: ID!, first: Int = 10): [Book!] @bus(operation: \"library.byShelf\", key: \"shelfId\")",
					"createBook(input: CreateBookInput!): Book! @bus(operation: \"library.createBook\") @auth(subject: \"input.shelfId\")",
					"  shelfId: ID\n  title: String!")
			.doesNotContain("books(ids:");
		assertThat(generated.routes()).contains("target: \"books:9090\"", "\"[library.byShelf]\":");
		assertThat(generated.findings()).contains(
				"GetBooks -> library.getBooks: a batched lookup on id, fields Query.book (no list field: @auth(readers:) guards single objects only): takes ids (a list of string) and answers books, each carrying id");

		GeneratorSettings skipping = new GeneratorSettings("library", null, null, null, null, null,
				Map.of("ListBooksByShelf", new OperationSettings(null, true, null, null, null, null)), null, null);
		Generated withoutShelves = Generator.generate(LIBRARY, skipping);
		assertThat(withoutShelves.schema()).doesNotContain("listBooksByShelf");
		assertThat(withoutShelves.routes()).doesNotContain("listBooksByShelf");
		assertThat(withoutShelves.findings()).contains("ListBooksByShelf: left out (skip in the settings)");
	}

	@Test
	void refusesSettingsThatDoNotFitTheSource() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Generator.generate(LIBRARY, new GeneratorSettings("library", null, null, null, null, null,
					Map.of("GetBook", new OperationSettings("x", false, null, null, null, null)), null, null)))
			.withMessage("The settings name operation 'GetBook', which lib.Library in library.pb does not have; "
					+ "it has GetBooks, ListBooksByShelf, CreateBook");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Generator.generate(LIBRARY, new GeneratorSettings("library", null, null, null, null, null,
					Map.of("CreateBook", new OperationSettings("getBooks", false, null, null, null, null)), null, null)))
			.withMessage("Two operations are named library.getBooks; rename one in the settings (operations.<name>.name)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Generator.generate(LIBRARY, new GeneratorSettings("library", null, null, null, null, null,
					Map.of("CreateBook", new OperationSettings(null, false, "book", null, null, null)), null, null)))
			.withMessage("Two root fields are named book; name one in the settings (operations.<name>.field)");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Generator.generate(LIBRARY, GeneratorSettings.forService("Library.v1")))
			.withMessageStartingWith("The service name must be lower case letters");
	}

}

package io.busgate.generator.openapi;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.busgate.generator.model.SourceException;
import io.busgate.generator.model.Batch;
import io.busgate.generator.model.Conventions;
import io.busgate.generator.model.EnumType;
import io.busgate.generator.model.Field;
import io.busgate.generator.model.Operation;
import io.busgate.generator.model.ServiceModel;
import io.busgate.generator.model.Shape;
import io.busgate.generator.model.TypeRef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenApiSourceTests {

	private static final String DOCUMENTS = "src/test/resources/openapi/";

	private static final String USER_SERVICE = "../user-service/src/main/openapi/user-service.json";

	private static final String NO_KEY = "the http-bridge sends its idempotency key to no HTTP backend, so the backend does not see it";

	@Test
	void readsAnOpenApi30YamlDocument() {
		ServiceModel model = OpenApiSource.read(DOCUMENTS + "shop-3.0.yaml", Conventions.DEFAULTS);

		Shape product = new Shape("Product", "Something for sale",
				List.of(field("id", nonNull("ID")), new Field("name", nonNull("String"), "What the shop calls it", null),
						field("price", named("Float")), field("stock", named("Long")), field("status", nonNull("Status")),
						field("tags", TypeRef.listOf(nonNull("String"))), field("attributes", named("JSON")),
						field("supplier", named("Supplier")), field("dimensions", named("ProductDimensions")),
						field("updated", named("String"))));
		Shape supplier = new Shape("Supplier", null,
				List.of(field("supplierId", nonNull("ID")), field("name", named("String"))));
		Shape dimensions = new Shape("ProductDimensions", null,
				List.of(field("widthMm", named("Int")), field("heightMm", named("Int"))));
		Shape newProduct = new Shape("NewProduct", null, List.of(field("name", nonNull("String")),
				field("price", named("Float")), field("idempotencyKey", named("String"))));
		Shape searchResult = new Shape("SearchResult", null,
				List.of(field("total", named("Long")), field("hits", TypeRef.listOf(nonNull("Product")))));
		assertThat(model).isEqualTo(new ServiceModel(
				"OpenAPI 3.0.3 document 'shop' 2 at src/test/resources/openapi/shop-3.0.yaml", "http",
				Map.of("base-url", "http://127.0.0.1:9000/api"),
				List.of(product, supplier, dimensions, newProduct, searchResult),
				List.of(new EnumType("Status", "Where a product is in its life", List.of("ACTIVE", "RETIRED")),
						new EnumType("Sort", null, List.of("relevance", "price"))),
				List.of(new Operation("getProducts", "GET /products?ids={keys}", false, "GET reads: a query",
						new Batch(null, "id", null, "id", null,
								"takes ids (a list of string) and answers an array of Product, each carrying id"),
						List.of(), null, null, named("Product"), "Products by id", List.of("400 -> INVALID_ARGUMENT")),
						new Operation("createProduct", "POST /products", true,
								"POST changes something: a mutation, its idempotency key in the body's idempotencyKey", null,
								List.of(field("input", nonNull("NewProduct"))), "input", "idempotencyKey", named("Product"),
								null, List.of("409 -> INVALID_ARGUMENT", "403 -> PERMISSION_DENIED")),
						new Operation("getProduct", "GET /products/{productId}", false, "GET reads: a query", null,
								List.of(field("productId", nonNull("ID"))), null, null, named("Product"), null,
								List.of("404 -> NOT_FOUND")),
						new Operation("deleteProductsByProductId", "DELETE /products/{productId}", true,
								"DELETE changes something: a mutation; " + NO_KEY, null,
								List.of(field("productId", nonNull("ID"))), null, null, named("JSON"), null, List.of()),
						new Operation("search", "GET /search?q={q}&sort={sort}", false, "GET reads: a query", null,
								List.of(field("q", nonNull("String")), new Field("sort", named("Sort"), null, "relevance")),
								null, null, named("SearchResult"), null, List.of())),
				List.of("countProducts (HEAD /products): the http-bridge reads a call's answer from its JSON body; "
						+ "HEAD is not served",
						"search (GET /search): optional parameter 'limit' without a default left out; "
								+ "the http-bridge sends every parameter of its call")));
	}

	@Test
	void readsAnOpenApi31JsonDocument() {
		ServiceModel model = OpenApiSource.read(DOCUMENTS + "library-3.1.json", Conventions.DEFAULTS);

		Shape book = new Shape("Book", null, List.of(field("isbn", nonNull("String")), field("title", nonNull("String")),
				field("authorId", named("ID")), field("genre", nonNull("BookGenre")), field("rating", named("Float")),
				field("published", named("String")), field("related", TypeRef.listOf(nonNull("Book"))),
				field("edition", named("Edition"))));
		Shape edition = new Shape("Edition", null, List.of(field("number", named("Int")), field("year", named("Int"))));
		Shape updateBody = new Shape("UpdateBookBody", null,
				List.of(field("isbn", nonNull("String")), field("title", named("String"))));
		assertThat(model).isEqualTo(new ServiceModel(
				"OpenAPI 3.1.0 document 'library' 1.0 at src/test/resources/openapi/library-3.1.json", "http", Map.of(),
				List.of(book, edition, updateBody),
				List.of(new EnumType("BookGenre", null, List.of("FICTION", "NON_FICTION"))),
				List.of(new Operation("booksByAuthors", "GET /authors/books?authorIds={keys}&first={first}", false,
						"GET reads: a query",
						new Batch(null, "authorId", null, null, null,
								"takes authorIds (a list of string) and answers an array of arrays, one per key in key order"),
						List.of(new Field("first", named("Int"), null, "10")), null, null,
						TypeRef.listOf(nonNull("Book")), "One list of books per author id, in the order of the ids.",
						List.of()),
						new Operation("getBooks", "GET /books?isbns={keys}", false, "GET reads: a query",
								new Batch(null, "isbn", null, "isbn", null,
										"takes isbns (a list of string) and answers an array of Book, each carrying isbn"),
								List.of(), null, null, named("Book"), null, List.of()),
						new Operation("updateBook", "PATCH /books", true, "PATCH changes something: a mutation; " + NO_KEY,
								null, List.of(field("input", named("UpdateBookBody"))), "input", null, named("Book"), null,
								List.of("422 -> INVALID_ARGUMENT"))),
				List.of("replaceBook (PUT /books/{isbn}): the http-bridge sends the 'input' argument as the whole body, "
						+ "so the parameters [isbn] cannot go beside it",
						"listShelves (GET /shelves): parameter 'ids' asks for style form exploded; the http-bridge sends "
								+ "a list as one comma-separated value (form or simple, explode: false)")));
	}

	/**
	 * getUsers answers users carrying their id: keyed on {@code id}, so the answer's order does not
	 * matter. getFriends answers an array of arrays, which only key order can match to the keys.
	 */
	@Test
	void readsUserServicesCommittedDocument() {
		ServiceModel model = OpenApiSource.read(USER_SERVICE, Conventions.DEFAULTS);

		Shape user = new Shape("User", "A user of the directory",
				List.of(new Field("id", nonNull("ID"), "The user's id", null),
						new Field("name", nonNull("String"), "The user's display name", null)));
		Field start = new Field("start", named("Int"),
				"0-based offset of the page's first element; past the end gives an empty page", "0");
		Field pageSize = new Field("pageSize", named("Int"), "How many elements a page has at most", "20");
		TypeRef users = TypeRef.listOf(nonNull("User"));
		assertThat(model).isEqualTo(new ServiceModel("OpenAPI 3.1.0 document 'user-service' 1 at " + USER_SERVICE,
				"http", Map.of("base-url", "http://127.0.0.1:8081"), List.of(user), List.of(),
				List.of(new Operation("getFriends", "GET /friends?ids={keys}&start={start}&pageSize={pageSize}", false,
						"GET reads: a query",
						new Batch(null, "id", null, null, null,
								"takes ids (a list of string) and answers an array of arrays, one per key in key order"),
						List.of(start, pageSize), null, null, users,
						"A page of friends of each of several users, in one call\n\nAnswers an array in the order of "
								+ "`ids`, one element per id: that user's friends page, `null` for an id no user has.",
						List.of("400 -> INVALID_ARGUMENT")),
						new Operation("getUsers", "GET /user?ids={keys}", false, "GET reads: a query",
								new Batch(null, "id", null, "id", null,
										"takes ids (a list of string) and answers an array of User, each carrying id"),
								List.of(), null, null, named("User"),
								"Users by id, in one call\n\nAnswers an array in the order of `ids`, one element per id "
										+ "(repeated ids repeat it), `null` for an id no user has.",
								List.of("400 -> INVALID_ARGUMENT")),
						new Operation("getUser", "GET /user/{id}", false, "GET reads: a query", null,
								List.of(new Field("id", nonNull("ID"), "The user's id", null)), null, null, named("User"),
								"One user by id", List.of("404 -> NOT_FOUND")),
						new Operation("getUserFriends", "GET /user/{id}/friends?start={start}&pageSize={pageSize}", false,
								"GET reads: a query", null,
								List.of(new Field("id", nonNull("ID"), "The user's id", null), start, pageSize), null, null,
								users, "A page of one user's friends in id order",
								List.of("400 -> INVALID_ARGUMENT", "404 -> NOT_FOUND")),
						new Operation("listUsers", "GET /users?start={start}&pageSize={pageSize}", false,
								"GET reads: a query", null, List.of(start, pageSize), null, null, users,
								"A page of users in id order", List.of("400 -> INVALID_ARGUMENT"))),
				List.of()));
	}

	@Test
	void mergesAllOfNamesInlineTypesApartAndTypesWhatGraphQlCannotNameLoosely(@TempDir Path dir) throws IOException {
		Path document = Files.writeString(dir.resolve("pets.yaml"), """
				openapi: 3.0.0
				info: {title: pets, version: "1"}
				paths:
				  /pets/{petId}:
				    get:
				      operationId: getPet
				      parameters: [{name: petId, in: path, required: true, schema: {$ref: "#/components/schemas/PetId"}}]
				      responses:
				        "200": {description: the pet, content: {application/json: {schema: {$ref: "#/components/schemas/Pet"}}}}
				components:
				  schemas:
				    PetId: {type: string, format: uuid}
				    PetSize: {type: object, properties: {cm: {type: integer}}}
				    Named:
				      type: object
				      required: [name]
				      properties: {name: {type: string}}
				    Pet:
				      allOf:
				        - $ref: "#/components/schemas/Named"
				        - type: object
				          properties:
				            size: {type: string, enum: [small, large]}
				            sizing: {type: string, enum: [S, x-large]}
				            measured: {$ref: "#/components/schemas/PetSize"}
				            first-name: {type: string}
				            owner:
				              oneOf: [{$ref: "#/components/schemas/Named"}, {type: object, properties: {n: {type: integer}}}]
				""");
		ServiceModel model = OpenApiSource.read(document.toString(), Conventions.DEFAULTS);

		assertThat(model.shapes()).containsExactly(
				new Shape("Pet", null,
						List.of(field("name", nonNull("String")), field("size", named("PetSize2")),
								field("sizing", named("String")), field("measured", named("PetSize")),
								field("owner", named("JSON")))),
				new Shape("PetSize", null, List.of(field("cm", named("Int")))));
		assertThat(model.enums()).containsExactly(new EnumType("PetSize2", null, List.of("small", "large")));
		assertThat(model.operations()).singleElement()
			.satisfies((operation) -> assertThat(operation.arguments()).containsExactly(field("petId", nonNull("ID"))));
		assertThat(model.skipped()).containsExactly("Pet.first-name: not a GraphQL name, left out of Pet");
	}

	@Test
	void leavesOutWhatTheHttpBridgeCannotCallWithAReason() {
		ServiceModel model = OpenApiSource.read(DOCUMENTS + "unservable-3.0.yaml", Conventions.DEFAULTS);

		assertThat(model.operations()).isEmpty();
		assertThat(model.shapes()).isEmpty();
		assertThat(model.skipped()).containsExactly(
				"deleteAll (DELETE /all): the http-bridge sends no body with a DELETE",
				"addTags (POST /tags): its JSON body is not an object, and the http-bridge sends the arguments as one",
				"upload (POST /upload): its request body has no JSON media type, and the http-bridge sends JSON",
				"me (GET /me): the http-bridge sends no header parameter, and 'Authorization' is required",
				"filter (GET /filter): parameter 'where' is an object, which the http-bridge cannot spell");
	}

	@Test
	void readsADocumentOverHttpAndResolvesARelativeServerAgainstIt() throws IOException {
		String yaml = """
				openapi: 3.1.0
				info: {title: tiny, version: "1"}
				servers: [{url: /api/v2}]
				paths:
				  /ping/{name}:
				    get:
				      operationId: ping
				      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
				      responses:
				        "200":
				          description: pong
				          content: {application/json: {schema: {type: string}}}
				""";
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		server.createContext("/docs/openapi.yaml", (exchange) -> {
			byte[] body = yaml.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/yaml");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		try {
			String base = "http://127.0.0.1:" + server.getAddress().getPort();
			ServiceModel model = OpenApiSource.read(base + "/docs/openapi.yaml", Conventions.DEFAULTS);

			assertThat(model).isEqualTo(new ServiceModel(
					"OpenAPI 3.1.0 document 'tiny' 1 at " + base + "/docs/openapi.yaml", "http",
					Map.of("base-url", base + "/api/v2"), List.of(), List.of(),
					List.of(new Operation("ping", "GET /ping/{name}", false, "GET reads: a query", null,
							List.of(field("name", nonNull("String"))), null, null, named("String"), null, List.of())),
					List.of()));
			assertThatThrownBy(() -> OpenApiSource.read(base + "/docs/missing.yaml", Conventions.DEFAULTS))
				.isInstanceOf(SourceException.class)
				.hasMessage("Cannot read the OpenAPI document at " + base + "/docs/missing.yaml: HTTP 404");
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void missingFileIsAClearError() {
		assertThatThrownBy(() -> OpenApiSource.read(DOCUMENTS + "no-such.yaml", Conventions.DEFAULTS))
			.isInstanceOf(SourceException.class)
			.hasMessage("No OpenAPI document at " + Path.of(DOCUMENTS + "no-such.yaml").toAbsolutePath()
					+ ": the file does not exist");
	}

	@Test
	void unreachableUrlIsAClearError() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		String url = "http://127.0.0.1:" + closedPort + "/v3/api-docs";
		assertThatThrownBy(() -> OpenApiSource.read(url, Conventions.DEFAULTS)).isInstanceOf(SourceException.class)
			.hasMessageStartingWith("Cannot read the OpenAPI document at " + url + " (connect timeout 10 s, read timeout 30 s): ")
			.hasMessageContaining("ConnectException");
	}

	@Test
	void swagger2IsNotOpenApi3() {
		assertThatThrownBy(() -> OpenApiSource.read(DOCUMENTS + "swagger-2.json", Conventions.DEFAULTS))
			.isInstanceOf(SourceException.class)
			.hasMessage(DOCUMENTS + "swagger-2.json is not an OpenAPI 3 document (swagger: 2.0); "
					+ "OpenAPI 3.0 and 3.1 are read");
	}

	@Test
	void textThatIsNoDocumentIsAClearError(@TempDir Path dir) throws IOException {
		Path broken = Files.writeString(dir.resolve("broken.json"), "{\"openapi\": \"3.0.0\", ");
		assertThatThrownBy(() -> OpenApiSource.read(broken.toString(), Conventions.DEFAULTS))
			.isInstanceOf(SourceException.class)
			.hasMessageStartingWith(broken + " is not JSON: ");
		Path plain = Files.writeString(dir.resolve("plain.yaml"), "just: words\n");
		assertThatThrownBy(() -> OpenApiSource.read(plain.toString(), Conventions.DEFAULTS))
			.isInstanceOf(SourceException.class)
			.hasMessage(plain + " is not an OpenAPI 3 document (no 'openapi' field); OpenAPI 3.0 and 3.1 are read");
	}

	@Test
	void danglingReferenceIsAClearError() {
		assertThatThrownBy(() -> OpenApiSource.read(DOCUMENTS + "dangling.yaml", Conventions.DEFAULTS))
			.isInstanceOf(SourceException.class)
			.hasMessage("dangling $ref '#/components/schemas/Thing' at paths./things.get.responses.200: "
					+ "the document has no components.schemas.Thing");
	}

	@Test
	void namesAnOperationWithoutOperationIdAfterItsMethodAndPath() {
		assertThat(OpenApiSource.nameOf("get", "/users/{user_id}/posts")).isEqualTo("getUsersByUserIdPosts");
		assertThat(OpenApiSource.nameOf("delete", "/items")).isEqualTo("deleteItems");
	}

	private static Field field(String name, TypeRef type) {
		return new Field(name, type);
	}

	private static TypeRef named(String name) {
		return TypeRef.named(name);
	}

	private static TypeRef nonNull(String name) {
		return TypeRef.named(name).nonNull();
	}

}

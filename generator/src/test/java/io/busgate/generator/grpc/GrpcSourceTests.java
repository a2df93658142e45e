package io.busgate.generator.grpc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.busgate.generator.model.SourceException;
import io.busgate.generator.grpc.testproto.LibraryGrpc;
import io.busgate.generator.model.Batch;
import io.busgate.generator.model.Conventions;
import io.busgate.generator.model.EnumType;
import io.busgate.generator.model.Field;
import io.busgate.generator.model.Operation;
import io.busgate.generator.model.ServiceModel;
import io.busgate.generator.model.Shape;
import io.busgate.generator.model.TypeRef;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The gRPC reader against {@code src/test/proto/busgate/librarytest/v1/library.proto}: its
 * descriptor set as the build writes it (with imports and source info), and its server reflection
 * on a real Netty server on loopback.
 */
class GrpcSourceTests {

	private static final Path DESCRIPTOR_SET = Path.of("target/test-descriptors/library.binpb");

	private static final String LIBRARY = "busgate.librarytest.v1.Library";

	private static final Duration DEADLINE = Duration.ofSeconds(5);

	private static final String NOT_A_MUTATION = " does not match the mutation names "
			+ Conventions.DEFAULT_MUTATION_NAMES;

	@TempDir
	Path temp;

	@Test
	void descriptorSetWithSourceInfoGivesTheWholeModelWithComments() {
		ServiceModel model = GrpcSource.fromDescriptorSet(DESCRIPTOR_SET, LIBRARY, Conventions.DEFAULTS);

		assertThat(model.origin()).isEqualTo(LIBRARY + " from the descriptor set " + DESCRIPTOR_SET);
		assertThat(model.protocol()).isEqualTo("grpc");
		assertThat(model.bridgeSettings()).isEqualTo(Map.of("descriptor-set", "file:" + DESCRIPTOR_SET));
		assertExpected(model, true);
	}

	@Test
	void descriptorSetWithOneServiceNeedsNoServiceName() {
		ServiceModel model = GrpcSource.fromDescriptorSet(DESCRIPTOR_SET, null, Conventions.DEFAULTS);

		assertThat(model.origin()).isEqualTo(LIBRARY + " from the descriptor set " + DESCRIPTOR_SET);
		assertExpected(model, true);
	}

	@Test
	void reflectionGivesTheSameModelWithoutComments() throws IOException, InterruptedException {
		Server server = serve(new LibraryGrpc.LibraryImplBase() {
		}, ProtoReflectionServiceV1.newInstance());
		try {
			String target = "127.0.0.1:" + server.getPort();
			ServiceModel model = GrpcSource.fromReflection(target, null, Conventions.DEFAULTS, DEADLINE);

			assertThat(model.origin()).isEqualTo(LIBRARY + " by reflection at " + target);
			assertThat(model.bridgeSettings()).isEqualTo(Map.of("target", target));
			assertExpected(model, false);
			assertThat(GrpcSource.fromReflection(target, LIBRARY, Conventions.DEFAULTS, DEADLINE)).isEqualTo(model);
		}
		finally {
			stop(server);
		}
	}

	@Test
	@SuppressWarnings("deprecation")
	void reflectionFallsBackToV1alphaWhenTheServerHasOnlyThat() throws IOException, InterruptedException {
		Server server = serve(new LibraryGrpc.LibraryImplBase() {
		}, io.grpc.protobuf.services.ProtoReflectionService.newInstance());
		try {
			ServiceModel model = GrpcSource.fromReflection("127.0.0.1:" + server.getPort(), null,
					Conventions.DEFAULTS, DEADLINE);

			assertExpected(model, false);
		}
		finally {
			stop(server);
		}
	}

	@Test
	void mutationNamesAndTheIdempotencyKeyFieldComeFromTheConventions() {
		Conventions conventions = new Conventions(java.util.regex.Pattern.compile("find.*"), "title");

		ServiceModel model = GrpcSource.fromDescriptorSet(DESCRIPTOR_SET, LIBRARY, conventions);

		Operation findBook = operation(model, "FindBook");
		assertThat(findBook.mutation()).isTrue();
		assertThat(findBook.arguments())
			.containsExactly(new Field("input", TypeRef.named("FindBookRequest").nonNull()));
		assertThat(findBook.idempotencyKeyField()).isNull();
		Operation addBook = operation(model, "AddBook");
		assertThat(addBook.mutation()).isFalse();
		assertThat(addBook.kindReason()).isEqualTo("AddBook does not match the mutation names find.*");
		assertThat(addBook.arguments()).extracting(Field::name).containsExactly("title", "genre", "idempotencyKey");
	}

	@Test
	void proto2RequiredFieldsAreNonNullAndOptionalOnesNullable() throws IOException {
		Path set = write("proto2.binpb", FileDescriptorProto.newBuilder()
			.setName("legacy.proto")
			.setPackage("legacy")
			.setSyntax("proto2")
			.addMessageType(DescriptorProto.newBuilder()
				.setName("Ticket")
				.addField(field("seat", 1, FieldDescriptorProto.Type.TYPE_INT32, Label.LABEL_REQUIRED))
				.addField(field("note", 2, FieldDescriptorProto.Type.TYPE_STRING, Label.LABEL_OPTIONAL))
				.addField(field("gates", 3, FieldDescriptorProto.Type.TYPE_UINT64, Label.LABEL_REPEATED)))
			.addService(ServiceDescriptorProto.newBuilder()
				.setName("Box")
				.addMethod(MethodDescriptorProto.newBuilder()
					.setName("Check")
					.setInputType(".legacy.Ticket")
					.setOutputType(".legacy.Ticket")))
			.build());

		ServiceModel model = GrpcSource.fromDescriptorSet(set, null, Conventions.DEFAULTS);

		assertThat(model.shapes()).containsExactly(new Shape("Ticket", null,
				List.of(new Field("seat", TypeRef.named("Int").nonNull()), new Field("note", TypeRef.named("String")),
						new Field("gates", TypeRef.listOf(TypeRef.named("Long").nonNull()).nonNull()))));
		assertThat(model.operations().get(0).arguments()).containsExactly(
				new Field("seat", TypeRef.named("Int").nonNull()), new Field("note", TypeRef.named("String")),
				new Field("gates", TypeRef.listOf(TypeRef.named("Long").nonNull())));
	}

	@Test
	void twoMessagesOfOneGraphQLNameAreRefusedWithBothNames() throws IOException {
		DescriptorProto item = DescriptorProto.newBuilder()
			.setName("Item")
			.addField(field("name", 1, FieldDescriptorProto.Type.TYPE_STRING, Label.LABEL_OPTIONAL))
			.build();
		Path set = write("clash.binpb",
				FileDescriptorProto.newBuilder().setName("a.proto").setPackage("a").addMessageType(item).build(),
				FileDescriptorProto.newBuilder()
					.setName("b.proto")
					.setPackage("b")
					.setSyntax("proto3")
					.addDependency("a.proto")
					.addMessageType(item.toBuilder()
						.addField(field("copied_from", 2, FieldDescriptorProto.Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL)
							.toBuilder()
							.setTypeName(".a.Item")))
					.addService(ServiceDescriptorProto.newBuilder()
						.setName("Copier")
						.addMethod(MethodDescriptorProto.newBuilder()
							.setName("CopyItem")
							.setInputType(".a.Item")
							.setOutputType(".b.Item")))
					.build());

		assertThatExceptionOfType(SourceException.class)
			.isThrownBy(() -> GrpcSource.fromDescriptorSet(set, null, Conventions.DEFAULTS))
			.withMessage("Both b.Item and a.Item would be the GraphQL type Item");
	}

	@Test
	void aMissingFileIsNamed() {
		Path missing = this.temp.resolve("nothing.binpb");

		assertThatExceptionOfType(SourceException.class)
			.isThrownBy(() -> GrpcSource.fromDescriptorSet(missing, null, Conventions.DEFAULTS))
			.withMessage("There is no descriptor set at " + missing);
	}

	@Test
	void aFileThatIsNotADescriptorSetIsNamed() throws IOException {
		Path proto = Files.writeString(this.temp.resolve("library.proto"),
				"syntax = \"proto3\";\nmessage Book { string id = 1; }\n", StandardCharsets.UTF_8);
		Path empty = Files.write(this.temp.resolve("empty.binpb"), new byte[0]);

		assertThatExceptionOfType(SourceException.class)
			.isThrownBy(() -> GrpcSource.fromDescriptorSet(proto, null, Conventions.DEFAULTS))
			.withMessageStartingWith(proto + " is not a descriptor set (protoc --descriptor_set_out=library.proto"
					+ " --include_imports)");
		assertThatExceptionOfType(SourceException.class)
			.isThrownBy(() -> GrpcSource.fromDescriptorSet(empty, null, Conventions.DEFAULTS))
			.withMessage(empty + " is not a descriptor set (protoc --descriptor_set_out=empty.binpb --include_imports)");
	}

	@Test
	void aDescriptorSetWithoutItsImportsNamesTheMissingFile() throws IOException {
		Path set = write("no-imports.binpb", FileDescriptorProto.newBuilder()
			.setName("shop/v1/shop.proto")
			.setPackage("shop.v1")
			.addDependency("shop/v1/money.proto")
			.build());

		assertThatExceptionOfType(SourceException.class)
			.isThrownBy(() -> GrpcSource.fromDescriptorSet(set, null, Conventions.DEFAULTS))
			.withMessage("the descriptor set " + set + " lacks shop/v1/money.proto, imported by shop/v1/shop.proto"
					+ " (a descriptor set needs protoc's --include_imports)");
	}

	@Test
	void anUnknownServiceOrAnUnnamedOneOfSeveralIsRefusedWithTheServicesThereAre() throws IOException {
		FileDescriptorSet library = FileDescriptorSet.parseFrom(Files.readAllBytes(DESCRIPTOR_SET));
		Path two = this.temp.resolve("two.binpb");
		Files.write(two, library.toBuilder()
			.addFile(FileDescriptorProto.newBuilder()
				.setName("other.proto")
				.setPackage("other")
				.addService(ServiceDescriptorProto.newBuilder().setName("Other")))
			.build()
			.toByteArray());

		assertThatExceptionOfType(SourceException.class)
			.isThrownBy(() -> GrpcSource.fromDescriptorSet(DESCRIPTOR_SET, "busgate.librarytest.v1.Shop",
					Conventions.DEFAULTS))
			.withMessage("the descriptor set " + DESCRIPTOR_SET + " has no service busgate.librarytest.v1.Shop; it has "
					+ LIBRARY);
		assertThatExceptionOfType(SourceException.class)
			.isThrownBy(() -> GrpcSource.fromDescriptorSet(two, null, Conventions.DEFAULTS))
			.withMessage("the descriptor set " + two + " has " + LIBRARY + ", other.Other; name the service to read");
		assertThat(GrpcSource.fromDescriptorSet(two, "other.Other", Conventions.DEFAULTS).operations()).isEmpty();
	}

	@Test
	void reflectionOfAnUnknownServiceIsRefusedWithTheServicesThereAre() throws IOException, InterruptedException {
		Server server = serve(new LibraryGrpc.LibraryImplBase() {
		}, ProtoReflectionServiceV1.newInstance());
		try {
			String target = "127.0.0.1:" + server.getPort();

			assertThatExceptionOfType(SourceException.class)
				.isThrownBy(() -> GrpcSource.fromReflection(target, "busgate.librarytest.v1.Shop", Conventions.DEFAULTS,
						DEADLINE))
				.withMessage("the server reflection of " + target + " has no service busgate.librarytest.v1.Shop; it has "
						+ LIBRARY);
		}
		finally {
			stop(server);
		}
	}

	@Test
	void aServerWithoutReflectionIsNamed() throws IOException, InterruptedException {
		Server server = serve(new LibraryGrpc.LibraryImplBase() {
		});
		try {
			String target = "127.0.0.1:" + server.getPort();

			assertThatExceptionOfType(SourceException.class)
				.isThrownBy(() -> GrpcSource.fromReflection(target, null, Conventions.DEFAULTS, DEADLINE))
				.withMessage(target + " serves no gRPC server reflection (grpc.reflection.v1 nor v1alpha)");
		}
		finally {
			stop(server);
		}
	}

	@Test
	void anUnreachableServerIsNamed() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		String target = "127.0.0.1:" + closedPort;

		assertThatExceptionOfType(SourceException.class)
			.isThrownBy(() -> GrpcSource.fromReflection(target, null, Conventions.DEFAULTS, DEADLINE))
			.withMessageStartingWith("Cannot reach " + target + " for its server reflection: ");
	}

	@Test
	void aServerThatNeverAnswersEndsAtTheDeadline() throws IOException {
		// Accepts connections (the kernel's backlog) and never speaks HTTP/2.
		try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			String target = "127.0.0.1:" + silent.getLocalPort();

			assertThatExceptionOfType(SourceException.class)
				.isThrownBy(() -> GrpcSource.fromReflection(target, null, Conventions.DEFAULTS, Duration.ofMillis(300)))
				.withMessage("the server reflection of " + target + " did not answer within PT0.3S");
		}
	}

	@Test
	void aTargetThatIsNotHostAndPortIsRefused() {
		assertThatExceptionOfType(SourceException.class)
			.isThrownBy(() -> GrpcSource.fromReflection("post-service", null, Conventions.DEFAULTS, DEADLINE))
			.withMessage("A gRPC target is host:port, not 'post-service'");
	}

	private void assertExpected(ServiceModel model, boolean withComments) {
		TypeRef book = TypeRef.named("Book");
		TypeRef books = TypeRef.listOf(book.nonNull()).nonNull();
		String library = "busgate.librarytest.v1.Library/";
		assertThat(model.operations()).containsExactly(
				new Operation("GetBooks", library + "GetBooks", false, "GetBooks" + NOT_A_MUTATION,
						new Batch("ids", "id", "books", "id", null,
								"takes ids (a list of string) and answers books, each carrying id"),
						List.of(), null, null, book, comment(withComments, "The books with the given ids that exist."),
						List.of()),
				new Operation("ListBooksByShelf", library + "ListBooksByShelf", false, "ListBooksByShelf" + NOT_A_MUTATION,
						new Batch("shelf_ids", "shelfId", "shelves", "shelf_id", "books",
								"takes shelf_ids (a list of string) and answers shelves, each carrying shelf_id and its books"),
						List.of(new Field("first", TypeRef.named("Int"),
								comment(withComments, "At most this many books per shelf."), null)),
						null, null, books, comment(withComments, "For each shelf id, the books on that shelf."),
						List.of()),
				new Operation("FindBook", library + "FindBook", false, "FindBook" + NOT_A_MUTATION, null,
						List.of(new Field("isbn", TypeRef.named("String")),
								new Field("editionNumber", TypeRef.named("Long")),
								new Field("minRating", TypeRef.named("Float"))),
						null, null, book.nonNull(), comment(withComments, "The book with the given ISBN."), List.of()),
				new Operation("AddBook", library + "AddBook", true,
						"AddBook matches the mutation names " + Conventions.DEFAULT_MUTATION_NAMES, null,
						List.of(new Field("input", TypeRef.named("AddBookRequest").nonNull())), "input",
						"idempotencyKey", book.nonNull(), null, List.of()),
				new Operation("RemoveBook", library + "RemoveBook", true,
						"RemoveBook matches the mutation names " + Conventions.DEFAULT_MUTATION_NAMES, null,
						List.of(new Field("input", TypeRef.named("RemoveBookRequest").nonNull())), "input", null,
						TypeRef.named("JSON").nonNull(), null, List.of()),
				new Operation("Stats", library + "Stats", false, "Stats" + NOT_A_MUTATION, null, List.of(), null, null,
						TypeRef.named("LibraryStats").nonNull(), null, List.of()));
		assertThat(model.skipped()).containsExactly(
				"WatchShelf: server streaming; a bus operation takes one request and gives one reply",
				"ImportBooks: client streaming; a bus operation takes one request and gives one reply");
		assertThat(model.shapes()).containsExactly(
				new Shape("Book", comment(withComments, "A book of the library."), List.of(
						new Field("id", TypeRef.named("ID").nonNull()),
						new Field("title", TypeRef.named("String").nonNull(),
								comment(withComments, "The title, as printed on the cover."), null),
						new Field("pages", TypeRef.named("Long").nonNull()),
						new Field("cover", TypeRef.named("String").nonNull()),
						new Field("genre", TypeRef.named("Genre").nonNull()),
						new Field("publishedAt", TypeRef.named("String")),
						new Field("subtitle", TypeRef.named("String")),
						new Field("labels", TypeRef.named("JSON").nonNull()),
						new Field("shelfId", TypeRef.named("ID"), "One of whereabouts.", null),
						new Field("loan", TypeRef.named("BookLoan"), "One of whereabouts.", null),
						new Field("edition", TypeRef.named("Int")),
						new Field("tags", TypeRef.listOf(TypeRef.named("String").nonNull()).nonNull()),
						new Field("series", books,
								comment(withComments, "Books of the same series; a book again, to the reader."), null),
						new Field("copies", TypeRef.named("Long")),
						new Field("extra", TypeRef.named("JSON")))),
				new Shape("BookLoan", comment(withComments, "Who has the book, until when."), List.of(
						new Field("borrowerId", TypeRef.named("ID").nonNull()),
						new Field("due", TypeRef.named("String")),
						new Field("extendedBy", TypeRef.named("String")),
						new Field("state", TypeRef.named("BookLoanState").nonNull()))),
				new Shape("AddBookRequest", null, List.of(
						new Field("title", TypeRef.named("String").nonNull()),
						new Field("genre", TypeRef.named("Genre").nonNull()),
						new Field("idempotencyKey", TypeRef.named("String").nonNull()))),
				new Shape("RemoveBookRequest", null, List.of(new Field("bookId", TypeRef.named("ID").nonNull()))),
				new Shape("LibraryStats", null, List.of(
						new Field("books", TypeRef.named("Long").nonNull()),
						new Field("averagePages", TypeRef.named("Float").nonNull()),
						new Field("open", TypeRef.named("Boolean").nonNull()))));
		assertThat(model.enums()).containsExactly(
				new EnumType("Genre", null, List.of("GENRE_UNSPECIFIED", "NOVEL", "ESSAY")),
				new EnumType("BookLoanState", null, List.of("STATE_UNSPECIFIED", "ACTIVE", "OVERDUE")));
	}

	private static String comment(boolean withComments, String comment) {
		return withComments ? comment : null;
	}

	private static Operation operation(ServiceModel model, String name) {
		return model.operations().stream().filter((operation) -> operation.sourceName().equals(name)).findFirst().orElseThrow();
	}

	private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type, Label label) {
		return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type).setLabel(label).build();
	}

	private Path write(String name, FileDescriptorProto... files) throws IOException {
		FileDescriptorSet.Builder set = FileDescriptorSet.newBuilder();
		for (FileDescriptorProto file : files) {
			set.addFile(file);
		}
		return Files.write(this.temp.resolve(name), set.build().toByteArray());
	}

	private static Server serve(BindableService... services) throws IOException {
		NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
		for (BindableService service : services) {
			builder.addService(service);
		}
		return builder.build().start();
	}

	private static void stop(Server server) throws InterruptedException {
		server.shutdownNow();
		assertThat(server.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
	}

}

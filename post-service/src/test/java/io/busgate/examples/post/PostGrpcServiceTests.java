package io.busgate.examples.post;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.busgate.examples.post.v1.AuthorPosts;
import io.busgate.examples.post.v1.CreatePostRequest;
import io.busgate.examples.post.v1.GetPostsRequest;
import io.busgate.examples.post.v1.ListPostsByAuthorRequest;
import io.busgate.examples.post.v1.Post;
import io.busgate.examples.post.v1.PostServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The service's RPCs over grpc-java's in-process transport, interceptor included. */
class PostGrpcServiceTests {

	private static final int USERS = 100;

	/** The store's clock: posts are created at this instant. */
	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.123456789Z");

	private PostStore store;

	private Server server;

	private ManagedChannel channel;

	@BeforeEach
	void start() throws Exception {
		this.store = PostStore.seeded(new PostServiceProperties(USERS, 42, 1000), Clock.fixed(NOW, ZoneOffset.UTC));
		String name = InProcessServerBuilder.generateName();
		this.server = InProcessServerBuilder.forName(name)
			.directExecutor()
			.addService(new PostGrpcService(this.store))
			.build()
			.start();
		this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
	}

	@AfterEach
	void stop() throws Exception {
		this.channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void getPostsAnswersTheFoundPostsInRequestOrder() {
		Post a = this.store.find("7").orElseThrow();
		Post b = this.store.find("3").orElseThrow();

		List<Post> posts = stub().getPosts(GetPostsRequest.newBuilder().addAllIds(List.of("7", "nope", "3")).build())
			.getPostsList();

		assertThat(posts).containsExactly(a, b);
	}

	@Test
	void getPostsRefusesMoreThanAThousandIds() {
		List<String> ids = IntStream.rangeClosed(1, 1001).mapToObj(Integer::toString).toList();

		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub().getPosts(GetPostsRequest.newBuilder().addAllIds(ids).build()))
			.satisfies((ex) -> assertStatus(ex, Status.Code.INVALID_ARGUMENT, "at most 1000 ids per request, got 1001"));
	}

	@Test
	void listPostsByAuthorAnswersOneEntryPerAuthorInRequestOrder() {
		List<AuthorPosts> authors = stub()
			.listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
				.addAllAuthorIds(List.of("4", "5", "unknown", "3"))
				.setFirst(2)
				.build())
			.getAuthorsList();

		assertThat(authors).extracting(AuthorPosts::getAuthorId).containsExactly("4", "5", "unknown", "3");
		assertThat(authors.get(0).getPostsList()).isEqualTo(this.store.newestByAuthor("4", 2)).hasSize(2);
		assertThat(authors.get(1).getPostsList()).isEmpty();
		assertThat(authors.get(2).getPostsList()).isEmpty();
		assertThat(authors.get(3).getPostsList()).hasSize(2);
	}

	@Test
	void listPostsByAuthorTakesTenWhenFirstIsAbsent() {
		for (int i = 0; i < 12; i++) {
			this.store.create("5", "post " + i, "", null);
		}

		AuthorPosts author = stub()
			.listPostsByAuthor(ListPostsByAuthorRequest.newBuilder().addAuthorIds("5").build())
			.getAuthors(0);

		assertThat(author.getPostsList()).hasSize(10).isSortedAccordingTo(PostStore.NEWEST_FIRST);
	}

	@Test
	void listPostsByAuthorRefusesFirstOutOfRangeAndTooManyAuthors() {
		for (int first : new int[] { 0, -1, 101 }) {
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> stub().listPostsByAuthor(
						ListPostsByAuthorRequest.newBuilder().addAuthorIds("1").setFirst(first).build()))
				.satisfies((ex) -> assertStatus(ex, Status.Code.INVALID_ARGUMENT,
						"first must be between 1 and 100, was " + first));
		}
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stub().listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
				.addAllAuthorIds(Collections.nCopies(1001, "1"))
				.build()))
			.satisfies((ex) -> assertStatus(ex, Status.Code.INVALID_ARGUMENT,
					"at most 1000 author ids per request, got 1001"));
	}

	@Test
	void createPostCreatesANewestPostOfItsAuthor() {
		Post post = stubFor("4").createPost(create("4", "Hello", "Body text"));

		assertThat(post.getId()).isNotEmpty();
		assertThat(post.getAuthorId()).isEqualTo("4");
		assertThat(post.getTitle()).isEqualTo("Hello");
		assertThat(post.getBody()).isEqualTo("Body text");
		assertThat(post.getCreatedAt()).isEqualTo(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond()).setNanos(NOW.getNano()).build());
		assertThat(stub().getPosts(GetPostsRequest.newBuilder().addIds(post.getId()).build()).getPostsList())
			.containsExactly(post);
		assertThat(stub().listPostsByAuthor(ListPostsByAuthorRequest.newBuilder().addAuthorIds("4").setFirst(1).build())
			.getAuthors(0)
			.getPostsList()).containsExactly(post);
	}

	@Test
	void createPostWithTheSameIdempotencyKeyAnswersTheSamePostAndCreatesItOnce() {
		int size = this.store.size();

		Post first = stubFor("2", "create-1").createPost(create("2", "Once", ""));
		Post again = stubFor("2", "create-1").createPost(create("2", "Once", ""));
		Post other = stubFor("2", "create-2").createPost(create("2", "Once", ""));

		assertThat(again).isEqualTo(first);
		assertThat(other.getId()).isNotEqualTo(first.getId());
		assertThat(this.store.size()).isEqualTo(size + 2);
	}

	@Test
	void createPostWithoutAKeyCreatesEachTime() {
		int size = this.store.size();

		Post first = stubFor("2").createPost(create("2", "Same", ""));
		Post second = stubFor("2").createPost(create("2", "Same", ""));

		assertThat(second.getId()).isNotEqualTo(first.getId());
		assertThat(this.store.size()).isEqualTo(size + 2);
	}

	@Test
	void createPostRefusesInvalidInputWithTheReason() {
		assertInvalid(create("1", "", "body"), "the title must not be blank");
		assertInvalid(create("1", "  \t", "body"), "the title must not be blank");
		assertInvalid(create("1", "x".repeat(201), ""), "the title must be at most 200 characters, was 201");
		assertInvalid(create("1", "title", "x".repeat(10_001)), "the body must be at most 10000 characters, was 10001");
		assertInvalid(create("", "title", ""), "the author's id must be given");
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stubFor("1", "k".repeat(201)).createPost(create("1", "title", "")))
			.satisfies((ex) -> assertStatus(ex, Status.Code.INVALID_ARGUMENT,
					"the idempotency-key must be 1 to 200 characters long"));
	}

	@Test
	void createPostAcceptsTheLimitsExactlyCountingCharactersNotUtf16Units() {
		String title = "\uD83D\uDE00".repeat(200); // 200 emoji, 400 UTF-16 units

		Post post = stubFor("1").createPost(create("1", title, "x".repeat(10_000)));

		assertThat(post.getTitle()).isEqualTo(title);
	}

	@Test
	void createPostForAnAuthorWhoIsNotAUserIsNotFound() {
		for (String author : List.of(Integer.toString(USERS + 1), "abc", "01")) {
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> stubFor(author).createPost(create(author, "title", "")))
				.satisfies((ex) -> assertStatus(ex, Status.Code.NOT_FOUND, "no user with id '" + author + "'"));
		}
	}

	private void assertInvalid(CreatePostRequest request, String description) {
		int size = this.store.size();
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stub().createPost(request))
			.satisfies((ex) -> assertStatus(ex, Status.Code.INVALID_ARGUMENT, description));
		assertThat(this.store.size()).isEqualTo(size);
	}

	private static void assertStatus(StatusRuntimeException ex, Status.Code code, String description) {
		assertThat(ex.getStatus().getCode()).isEqualTo(code);
		assertThat(ex.getStatus().getDescription()).isEqualTo(description);
	}

	private static CreatePostRequest create(String author, String title, String body) {
		return CreatePostRequest.newBuilder().setAuthorId(author).setTitle(title).setBody(body).build();
	}

	/** A stub for one call: every call gets a deadline, as every real caller's does. */
	@Test
	void callerWithAPrincipalCreatesPostsOnlyAsThemselves() {
		CreatePostRequest asFive = CreatePostRequest.newBuilder().setAuthorId("5").setTitle("Mine").build();

		assertThat(stubFor("5").createPost(asFive).getAuthorId()).isEqualTo("5");
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stubFor("6").createPost(asFive))
			.satisfies((ex) -> assertStatus(ex, Status.Code.PERMISSION_DENIED,
					"permission denied: user '6' may create posts only as themselves, not as '5'"));
		// Whatever the gateway checked: a create needs a caller.
		int size = this.store.size();
		assertThatExceptionOfType(StatusRuntimeException.class).isThrownBy(() -> stub().createPost(asFive))
			.satisfies((ex) -> assertStatus(ex, Status.Code.PERMISSION_DENIED,
					"permission denied: an anonymous caller may not create posts"));
		assertThat(this.store.size()).isEqualTo(size);
	}

	@Test
	void idempotencyKeysAreTheCallersOwn() {
		Post byTwo = stubFor("2", "kx-9").createPost(create("2", "from two", ""));
		Post byOne = stubFor("1", "kx-9").createPost(create("1", "from one", ""));

		assertThat(byOne.getId()).isNotEqualTo(byTwo.getId());
		assertThat(byOne.getAuthorId()).isEqualTo("1");
		assertThat(byOne.getTitle()).isEqualTo("from one");
		assertThat(stubFor("1", "kx-9").createPost(create("1", "from one", ""))).isEqualTo(byOne);
		assertThatExceptionOfType(StatusRuntimeException.class)
			.isThrownBy(() -> stubFor("1", "kx-9").createPost(create("1", "changed", "")))
			.satisfies((ex) -> assertStatus(ex, Status.Code.INVALID_ARGUMENT,
					"idempotency key 'kx-9' was used for a different request"));
	}

	private PostServiceGrpc.PostServiceBlockingStub stub() {
		return PostServiceGrpc.newBlockingStub(this.channel).withDeadlineAfter(5, TimeUnit.SECONDS);
	}

	private PostServiceGrpc.PostServiceBlockingStub stubFor(String principal) {
		Metadata headers = new Metadata();
		headers.put(CallMetadataInterceptor.PRINCIPAL_HEADER, principal);
		return stub().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
	}

	private PostServiceGrpc.PostServiceBlockingStub stubFor(String principal, String idempotencyKey) {
		Metadata headers = new Metadata();
		headers.put(CallMetadataInterceptor.PRINCIPAL_HEADER, principal);
		headers.put(CallMetadataInterceptor.IDEMPOTENCY_KEY_HEADER, idempotencyKey);
		return stub().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
	}

}

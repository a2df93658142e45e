package io.busgate.examples.post;

import java.util.List;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import io.busgate.backend.BackendContract;
import io.busgate.backend.IdempotencyKeyReusedException;
import io.busgate.backend.IdempotencyKeys;
import io.busgate.examples.post.v1.AuthorPosts;
import io.busgate.examples.post.v1.CreatePostRequest;
import io.busgate.examples.post.v1.GetPostsRequest;
import io.busgate.examples.post.v1.GetPostsResponse;
import io.busgate.examples.post.v1.ListPostsByAuthorRequest;
import io.busgate.examples.post.v1.ListPostsByAuthorResponse;
import io.busgate.examples.post.v1.Post;
import io.busgate.examples.post.v1.PostServiceGrpc;

/**
 * {@code busgate.post.v1.PostService} over a {@link PostStore}. Bad requests are answered with
 * {@code INVALID_ARGUMENT}, a create for an author who is not a user with {@code NOT_FOUND},
 * a create made for no one (an anonymous caller) or for a principal other than its author with
 * {@code PERMISSION_DENIED}, checked here whatever the gateway checked before; each status
 * description says what was wrong, in words a GraphQL client can be shown. Reading posts is
 * public.
 *
 * <p>Binds itself together with the {@link CallMetadataInterceptor} that feeds {@code CreatePost}
 * its idempotency key and names its caller, so the service is never served without it.
 */
final class PostGrpcService implements PostServiceGrpc.AsyncService, BindableService {

	static final int MAX_IDS = 1000;

	static final int MAX_TITLE_LENGTH = 200;

	static final int MAX_BODY_LENGTH = 10_000;

	static final int DEFAULT_FIRST = 10;

	static final int MAX_FIRST = 100;

	private final PostStore store;

	PostGrpcService(PostStore store) {
		this.store = store;
	}

	@Override
	public ServerServiceDefinition bindService() {
		return ServerInterceptors.intercept(PostServiceGrpc.bindService(this), new CallMetadataInterceptor());
	}

	@Override
	public void getPosts(GetPostsRequest request, StreamObserver<GetPostsResponse> responses) {
		if (request.getIdsCount() > MAX_IDS) {
			invalid(responses, "at most " + MAX_IDS + " ids per request, got " + request.getIdsCount());
			return;
		}
		GetPostsResponse.Builder response = GetPostsResponse.newBuilder();
		for (String id : request.getIdsList()) {
			this.store.find(id).ifPresent(response::addPosts);
		}
		respond(responses, response.build());
	}

	@Override
	public void listPostsByAuthor(ListPostsByAuthorRequest request,
			StreamObserver<ListPostsByAuthorResponse> responses) {
		if (request.getAuthorIdsCount() > MAX_IDS) {
			invalid(responses, "at most " + MAX_IDS + " author ids per request, got " + request.getAuthorIdsCount());
			return;
		}
		int first = request.hasFirst() ? request.getFirst() : DEFAULT_FIRST;
		if (first < 1 || first > MAX_FIRST) {
			invalid(responses, "first must be between 1 and " + MAX_FIRST + ", was " + first);
			return;
		}
		ListPostsByAuthorResponse.Builder response = ListPostsByAuthorResponse.newBuilder();
		for (String authorId : request.getAuthorIdsList()) {
			List<Post> posts = this.store.newestByAuthor(authorId, first);
			response.addAuthors(AuthorPosts.newBuilder().setAuthorId(authorId).addAllPosts(posts));
		}
		respond(responses, response.build());
	}

	@Override
	public void createPost(CreatePostRequest request, StreamObserver<Post> responses) {
		String idempotencyKey = CallMetadataInterceptor.IDEMPOTENCY_KEY.get();
		String problem = problemWith(request, idempotencyKey);
		if (problem != null) {
			invalid(responses, problem);
			return;
		}
		String principal = CallMetadataInterceptor.PRINCIPAL.get();
		if (principal == null) {
			denied(responses, "permission denied: an anonymous caller may not create posts");
			return;
		}
		if (!principal.equals(request.getAuthorId())) {
			denied(responses, "permission denied: user '" + principal + "' may create posts only as themselves, not as '"
					+ request.getAuthorId() + "'");
			return;
		}
		if (!this.store.isUser(request.getAuthorId())) {
			responses.onError(Status.NOT_FOUND.withDescription("no user with id '" + request.getAuthorId() + "'")
				.asRuntimeException());
			return;
		}
		Post post;
		try {
			post = this.store.create(request.getAuthorId(), request.getTitle(), request.getBody(), idempotencyKey);
		}
		catch (IdempotencyKeyReusedException ex) {
			invalid(responses, ex.getMessage());
			return;
		}
		respond(responses, post);
	}

	/** What is wrong with a create request, or {@code null} if nothing is. */
	private static String problemWith(CreatePostRequest request, String idempotencyKey) {
		if (request.getAuthorId().isEmpty()) {
			return "the author's id must be given";
		}
		if (request.getTitle().isBlank()) {
			return "the title must not be blank";
		}
		int titleLength = length(request.getTitle());
		if (titleLength > MAX_TITLE_LENGTH) {
			return "the title must be at most " + MAX_TITLE_LENGTH + " characters, was " + titleLength;
		}
		int bodyLength = length(request.getBody());
		if (bodyLength > MAX_BODY_LENGTH) {
			return "the body must be at most " + MAX_BODY_LENGTH + " characters, was " + bodyLength;
		}
		if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > IdempotencyKeys.MAX_KEY_LENGTH)) {
			return "the " + BackendContract.IDEMPOTENCY_KEY + " must be 1 to " + IdempotencyKeys.MAX_KEY_LENGTH + " characters long";
		}
		return null;
	}

	/** Length in characters as people count them (code points), not UTF-16 units. */
	private static int length(String text) {
		return text.codePointCount(0, text.length());
	}

	private static void invalid(StreamObserver<?> responses, String description) {
		responses.onError(Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException());
	}

	private static void denied(StreamObserver<?> responses, String description) {
		responses.onError(Status.PERMISSION_DENIED.withDescription(description).asRuntimeException());
	}

	private static <T> void respond(StreamObserver<T> responses, T response) {
		responses.onNext(response);
		responses.onCompleted();
	}

}

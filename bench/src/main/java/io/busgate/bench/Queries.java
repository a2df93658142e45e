package io.busgate.bench;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The requests the scenarios send, each with what counts as its answer: single-field queries over
 * each protocol (HTTP {@code getUser}, gRPC {@code post}, Thrift {@code message} with a token),
 * the N+1 query, and the user service called directly.
 */
final class Queries {

	static final String GET_USER = "query($id: ID!) { getUser(id: $id) { id name } }";

	static final String POST = "{ post(id: \"1\") { id title body } }";

	/** Only its sender and its recipient may read a message: sent by {@link #READER} first. */
	static final String MESSAGE = "query($id: ID!) { message(id: $id) { id body } }";

	static final String SEND_MESSAGE = "mutation($key: String!) { sendMessage(input: {toUserId: \"2\","
			+ " body: \"benchmark\", idempotencyKey: $key}) { id } }";

	static final String N_PLUS_ONE = "query($n: Int!) { getUsers(pageSize: $n) { id friends(pageSize: 1) { id } } }";

	/** The user whose token reads the benchmark's message, its sender. */
	static final String READER = "1";

	private static final int USERS = 10_000;

	private static final Pattern FRIENDS = Pattern.compile("\"friends\":");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final SystemUnderTest stack;

	private final HttpLoad http;

	private final int nPlusOneItems;

	Queries(SystemUnderTest stack, HttpLoad http, int nPlusOneItems) {
		this.stack = stack;
		this.http = http;
		this.nPlusOneItems = nPlusOneItems;
	}

	/** {@code getUser} of a random user, over the http-bridge. */
	HttpLoad.Call getUser() {
		return graphQl(GET_USER, () -> "{\"id\":\"" + ThreadLocalRandom.current().nextInt(1, USERS + 1) + "\"}", null,
				(response) -> answered(response, "getUser"));
	}

	/** {@code post}, over the grpc-bridge. */
	HttpLoad.Call post() {
		return graphQl(POST, () -> "{}", null, (response) -> answered(response, "post"));
	}

	/**
	 * {@code message} with its sender's token, over the thrift-bridge; sends the message first
	 * ({@code sendMessage}), so that there is one this user may read.
	 */
	HttpLoad.Call message() {
		String bearer = this.stack.bearer(READER);
		HttpLoad.Response sent = this.http.exchange(HttpLoad.Request.postJson(this.stack.graphQl(),
				body(SEND_MESSAGE, "{\"key\":\"bench-" + UUID.randomUUID() + "\"}"), bearer));
		JsonNode id = (sent.status() == 200) ? JSON.readTree(sent.body()).path("data").path("sendMessage").path("id")
				: null;
		if (id == null || !id.isString()) {
			throw new IllegalStateException("sendMessage was not answered with a message id: " + HttpLoad.describe(sent));
		}
		return graphQl(MESSAGE, () -> "{\"id\":\"" + id.asString() + "\"}", bearer,
				(response) -> answered(response, "message"));
	}

	/** The N+1 query: the friends of each of {@code nPlusOneItems} users. */
	HttpLoad.Call nPlusOne() {
		return graphQl(N_PLUS_ONE, () -> "{\"n\":" + this.nPlusOneItems + "}", null, (response) -> {
			if (response.status() != 200 || response.body().contains("\"errors\"")) {
				return HttpLoad.describe(response);
			}
			long lists = FRIENDS.matcher(response.body()).results().count();
			return (lists == this.nPlusOneItems) ? null
					: "expected the friends of " + this.nPlusOneItems + " users, got " + lists;
		});
	}

	/** The user service's own API, a random user, with no bus in between. */
	HttpLoad.Call direct() {
		return new HttpLoad.Call() {

			@Override
			public HttpLoad.Request next() {
				return HttpLoad.Request.get(resolve(Queries.this.stack.userService(),
						"/user?ids=" + ThreadLocalRandom.current().nextInt(1, USERS + 1)));
			}

			@Override
			public String failure(HttpLoad.Response response) {
				return (response.status() == 200 && response.body().startsWith("[{")) ? null
						: HttpLoad.describe(response);
			}

		};
	}

	/** The user service's slowdown drill: every call of its user API takes {@code delay} longer. */
	void slowDownUserService(Duration delay) {
		URI drill = resolve(this.stack.userService(), "/drill/slowdown?ms=" + delay.toMillis());
		HttpLoad.Response response = this.http.exchange(HttpLoad.Request.put(drill));
		if (response.status() != 200) {
			throw new IllegalStateException("PUT " + drill + " failed (" + HttpLoad.describe(response)
					+ "): is the user service's slowdown drill on (busgate.user-service.drills=true)?");
		}
	}

	private HttpLoad.Call graphQl(String query, Supplier<String> variables, String bearer,
			Function<HttpLoad.Response, String> failure) {
		URI endpoint = this.stack.graphQl();
		return new HttpLoad.Call() {

			@Override
			public HttpLoad.Request next() {
				return HttpLoad.Request.postJson(endpoint, body(query, variables.get()), bearer);
			}

			@Override
			public String failure(HttpLoad.Response response) {
				return failure.apply(response);
			}

		};
	}

	private static String body(String query, String variables) {
		return "{\"query\":\"" + query.replace("\"", "\\\"") + "\",\"variables\":" + variables + "}";
	}

	/** Answered: the field is an object (not null) and there is no error. */
	private static String answered(HttpLoad.Response response, String field) {
		String body = response.body();
		return (response.status() == 200 && body.contains("\"" + field + "\":{") && !body.contains("\"errors\"")) ? null
				: HttpLoad.describe(response);
	}

	private static URI resolve(URI base, String pathAndQuery) {
		return URI.create(base.toString().replaceAll("/$", "") + pathAndQuery);
	}

}

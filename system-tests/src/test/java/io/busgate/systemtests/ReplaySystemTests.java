package io.busgate.systemtests;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;


import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.busgate.replay.BusReplay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN traffic recorded on the topics of the running stack; WHEN the replay tool sends it again
 * (to the same bridges, or to a canary bridge in front of a changed service); THEN it tells what
 * is answered the same and what changed, selects by time and trace, and replays mutations only
 * when asked, without acting twice.
 */
class ReplaySystemTests extends SystemTestSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String CANARY_TOPIC = "user.requests.canary";

	@Test
	void twoHundredRecordedQueriesReplayTheSame() {
		Instant since = Instant.now();
		for (int i = 0; i < 200; i++) {
			// As the user whose inbox the query may read.
			graphQlAs(Integer.toString(userOf(i))).document(mixedQuery(i)).execute().errors().verify();
		}
		Instant until = Instant.now();

		Result listed = replayTool("list", "--since", since.toString(), "--until", until.toString(), "--json");
		assertThat(listed.status()).isZero();
		List<JsonNode> recorded = elements(listed.json().get("requests"));
		assertThat(recorded).hasSizeGreaterThanOrEqualTo(200)
			.allSatisfy((request) -> assertThat(request.at("/original/status").asString()).isEqualTo("ok"));
		assertThat(recorded).extracting((request) -> request.get("operation").asString())
			.contains("user.getUsers", "user.listUsers", "user.getFriends", "post.listByAuthor", "message.inbox");

		Result replayed = replayTool("replay", "--since", since.toString(), "--until", until.toString(), "--rate", "500",
				"--json");
		assertThat(replayed.status()).as(replayed.out()).isZero();
		assertThat(replayed.json().at("/summary/replayed").asInt()).isEqualTo(recorded.size());
		assertThat(replayed.json().at("/summary/same").asInt()).isEqualTo(recorded.size());
		assertThat(replayed.err()).contains("[replay] sent " + recorded.size() + "/" + recorded.size());
	}

	@Test
	void canaryWithOneUserRenamedChangesExactlyTheRequestsTouchingThatUser() throws Exception {
		try (AutoCloseable canary = stack.startUserCanary(CANARY_TOPIC, Map.of("7", "Grace Canary"))) {
			Instant since = Instant.now();
			for (int first = 1; first <= 30; first++) {
				graphQl().document("{ users(ids: [\"" + first + "\", \"" + (first + 1) + "\"]) { id name } }")
					.execute()
					.errors()
					.verify();
			}
			Instant until = Instant.now();

			Result replayed = replayTool("replay", "--operation", "user.getUsers", "--since", since.toString(), "--until",
					until.toString(), "--to-topic", CANARY_TOPIC, "--json");

			assertThat(replayed.status()).isEqualTo(1);
			List<JsonNode> results = elements(replayed.json().get("results"));
			assertThat(results).hasSize(30).allSatisfy((result) -> {
				List<String> keys = elements(result.at("/original/keys")).stream().map(JsonNode::asString).toList();
				assertThat(result.at("/replay/topic").asString()).isEqualTo(CANARY_TOPIC);
				if (keys.contains("7")) {
					assertThat(result.get("outcome").asString()).isEqualTo("changed");
					assertThat(elements(result.get("differences"))).singleElement().satisfies((difference) -> {
						assertThat(difference.get("path").asString())
							.isEqualTo("items[" + keys.indexOf("7") + "].name");
						assertThat(difference.get("after").asString()).isEqualTo("Grace Canary");
					});
				}
				else {
					assertThat(result.get("outcome").asString()).as(result.toString()).isEqualTo("same");
				}
			});
			assertThat(replayed.json().at("/summary/changed").asInt()).isEqualTo(2);
		}
	}

	@Test
	void selectingATraceReplaysExactlyItsRecords() {
		// Each query is one trace with two records on user.requests: getUsers, then getFriends.
		List<String> traces = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			traces.add(traceIdOf(postQuery("{ getUser(id: \"" + (100 + i) + "\") { name friends(pageSize: 2) { name } } }",
					Map.of(), "1")));
		}
		await().untilAsserted(() -> assertThat(elements(
				replayTool("list", "--topic", "user.requests", "--trace-id", traces.get(1), "--json").json().get("requests")))
			.extracting((request) -> request.at("/operation").asString())
			.containsExactlyInAnyOrder("user.getUsers", "user.getFriends"));

		Result replayed = replayTool("replay", "--topic", "user.requests", "--trace-id", traces.get(1), "--json");

		assertThat(replayed.status()).isZero();
		assertThat(elements(replayed.json().get("results"))).hasSize(2)
			.allSatisfy((result) -> assertThat(result.at("/original/traceId").asString()).isEqualTo(traces.get(1)));
	}

	@Test
	void mutationsAreSkippedUnlessAskedForAndThenActOnce() {
		String author = "4321";
		int postsBefore = postCount(author);
		Instant since = Instant.now();
		List<String> created = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			created.add(graphQlAs(author).documentName("createPost")
				.variable("input", Map.of("authorId", author, "title", "Replayed " + i, "body", "Once only",
						"idempotencyKey", "replay-" + UUID.randomUUID()))
				.execute()
				.path("createPost.id")
				.entity(String.class)
				.get());
		}
		created.forEach((id) -> graphQl().documentName("postById").variable("id", id).execute().errors().verify());
		Instant until = Instant.now();
		assertThat(postCount(author)).isEqualTo(postsBefore + 3);

		Result queriesOnly = replayTool("replay", "--topic", "post.requests", "--since", since.toString(), "--until",
				until.toString(), "--json");
		assertThat(queriesOnly.status()).isZero();
		assertThat(elements(queriesOnly.json().get("results"))).hasSize(3)
			.allSatisfy((result) -> assertThat(result.at("/original/operation").asString()).isEqualTo("post.getPosts"));
		assertThat(queriesOnly.json().at("/summary/skippedMutations").asInt()).isEqualTo(3);
		assertThat(queriesOnly.err()).contains("3 mutations skipped");

		Result withMutations = replayTool("replay", "--topic", "post.requests", "--since", since.toString(), "--until",
				until.toString(), "--include-mutations", "--json");
		assertThat(withMutations.status()).as(withMutations.out()).isZero();
		assertThat(elements(withMutations.json().get("results"))).hasSize(6)
			.allSatisfy((result) -> assertThat(result.get("outcome").asString()).isEqualTo("same"));
		assertThat(elements(withMutations.json().get("results")))
			.filteredOn((result) -> result.at("/original/operation").asString().equals("post.createPost"))
			.hasSize(3);
		assertThat(postCount(author)).isEqualTo(postsBefore + 3);
	}

	private static int userOf(int i) {
		return 1 + (i * 37) % 500;
	}

	private static String mixedQuery(int i) {
		int id = userOf(i);
		return switch (i % 4) {
			case 0 -> "{ getUser(id: \"" + id + "\") { id name friends(pageSize: 3) { id name } } }";
			case 1 -> "{ users(ids: [\"" + id + "\", \"" + (id + 1) + "\"]) { id name posts(first: 2) { title } } }";
			case 2 -> "{ getUsers(start: " + id + ", pageSize: 3) { name } getUser(id: \"" + id
					+ "\") { inbox(first: 2) { body from { name } } } }";
			default -> "{ getUser(id: \"99999\") { id } }";
		};
	}

	private int postCount(String author) {
		return graphQlAs(author).documentName("postAndInboxCounts")
			.variable("id", author)
			.execute()
			.path("getUser.posts")
			.entityList(Object.class)
			.get()
			.size();
	}


	private static List<JsonNode> elements(JsonNode array) {
		return array.valueStream().toList();
	}

	private static Result replayTool(String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.add(1, "--bootstrap-servers=" + stack.brokers());
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int status = BusReplay.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
		return new Result(status, out.toString(), err.toString());
	}

	private record Result(int status, String out, String err) {

		JsonNode json() {
			return JSON.readTree(this.out);
		}

	}

}

package io.busgate.systemtests;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

import io.busgate.bus.BusTopics;
import io.busgate.examples.message.thrift.Message;
import io.busgate.examples.message.thrift.MessageService;
import io.busgate.examples.post.v1.ListPostsByAuthorRequest;
import io.busgate.examples.post.v1.Post;
import io.busgate.examples.post.v1.PostServiceGrpc;
import io.busgate.observability.thrift.ThriftClientTracing;
import io.busgate.observability.thrift.ThriftPrincipal;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN a second bridge of the post (gRPC) or message (Thrift) group in a process of its own,
 * whose backend's answers stop reaching it ({@link SilencedBackend}); WHEN it is killed with
 * SIGKILL once the backend has applied every mutation sent, the child holding its share of them
 * and of the queries sent after them unanswered; THEN the group's other bridge (the stack's)
 * takes the child's partitions over after its session timeout and serves their requests again:
 * every request is answered with data, and each mutation is applied once, the backend answering a
 * redelivered one with what its idempotency key first created. The same fault, with more load, is
 * compose/chaos/run.sh's faults 2 and 2b.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BridgeKillSystemTests extends SystemTestSupport {

	private static final int MUTATIONS = 12;

	private static final int QUERIES = 12;

	/** What the child serves, from its gauge of requests taken and not answered. */
	private static final String IN_FLIGHT = "busgate.bridge.in.flight";

	/** Marks this run's posts and messages apart from any other test's. */
	private static final String RUN = "kill-" + UUID.randomUUID();

	private static final List<AutoCloseable> started = Collections.synchronizedList(new ArrayList<>());

	private static WebClient gateway;

	private static SilencedBackend postBackend;

	private static SilencedBackend messageBackend;

	private static ChildApp grpcBridge;

	private static ChildApp thriftBridge;

	/** Both children start at once, each test waiting for its own: starting takes most of the time. */
	@BeforeAll
	static void startBridges() {
		postBackend = closedAfterAll(new SilencedBackend(stack.postGrpcPort()));
		grpcBridge = closedAfterAll(
				ChildApp.grpcBridge("grpc-bridge-killed", stack.brokers(), "127.0.0.1:" + postBackend.port()));
		messageBackend = closedAfterAll(new SilencedBackend(stack.messageThriftPort()));
		thriftBridge = closedAfterAll(
				ChildApp.thriftBridge("thrift-bridge-killed", stack.brokers(), messageBackend.port()));
	}

	@BeforeAll
	static void startGateway() {
		// Its own gateway: a reply timeout well past the bridges' session timeout (6 s) and the
		// rebalance after it, so that the requests redelivered are answered in time; and requests
		// spread over the partitions in turn, so that the child takes its share even of a load of
		// tens (the default partitioner puts consecutive small records on one partition).
		ConfigurableApplicationContext app = stack.startGateway("bridge-kill-tests",
				"--busgate.gateway.reply-timeout=20s",
				"--spring.kafka.producer.properties.partitioner.class=" + RoundRobinPartitioner.class.getName());
		started.add(app);
		gateway = WebClient.create(BusgateStack.url(app));
		await().atMost(Duration.ofSeconds(30)).until(() -> isReady(gateway));
	}

	@AfterAll
	static void stopWhatWasStarted() throws Exception {
		List<AutoCloseable> reversed = new ArrayList<>(started);
		Collections.reverse(reversed);
		for (AutoCloseable each : reversed) {
			each.close();
		}
	}

	@Test
	void aGrpcBridgeKilledUnderLoadLosesNoRequestAndAppliesNoMutationTwice() throws Exception {
		List<String> authors = users(9000, MUTATIONS);
		List<Request> mutations = IntStream.range(0, MUTATIONS)
			.mapToObj((i) -> new Request(authors.get(i),
					"mutation($input: CreatePostInput!) { createPost(input: $input) { id title } }",
					Map.of("input", Map.of("title", RUN + "-post-" + i, "body", "Sent under a bridge kill",
							"idempotencyKey", RUN + "-post-" + i))))
			.toList();
		List<Request> queries = IntStream.range(0, QUERIES)
			.mapToObj((i) -> new Request(authors.get(i), "query($id: ID!) { post(id: $id) { id title } }",
					Map.of("id", String.valueOf(100 + i))))
			.toList();

		killUnderLoad("post", grpcBridge, postBackend, mutations, queries, () -> postsOfThisRun(authors));
	}

	@Test
	void aThriftBridgeKilledUnderLoadLosesNoRequestAndAppliesNoMutationTwice() throws Exception {
		List<String> senders = users(9100, MUTATIONS);
		List<String> recipients = users(9200, 3);
		List<Request> mutations = IntStream.range(0, MUTATIONS)
			.mapToObj((i) -> new Request(senders.get(i),
					"mutation($input: SendMessageInput!) { sendMessage(input: $input) { id body } }",
					Map.of("input", Map.of("toUserId", recipients.get(i % recipients.size()), "body",
							RUN + "-message-" + i, "idempotencyKey", RUN + "-message-" + i))))
			.toList();
		List<Request> queries = IntStream.range(0, QUERIES)
			.mapToObj((i) -> new Request(senders.get(i),
					"query($id: ID!) { user(id: $id) { id inbox(first: 5) { id } } }", Map.of("id", senders.get(i))))
			.toList();

		killUnderLoad("message", thriftBridge, messageBackend, mutations, queries, () -> messagesOfThisRun(recipients));
	}

	/**
	 * @param applied how many times the backend stored each of this run's mutations, by its
	 * unique title or body, read from the backend itself
	 */
	private void killUnderLoad(String service, ChildApp child, SilencedBackend backend, List<Request> mutations,
			List<Request> queries, Callable<Map<String, Long>> applied) throws Exception {
		String group = BusTopics.bridgeGroup(service);
		child.awaitReady();
		await().atMost(Duration.ofSeconds(60)).until(() -> membersWithPartitions(group) == 2);

		backend.silence();
		List<CompletableFuture<Map<String, Object>>> answers = new ArrayList<>(send(mutations));
		// The stack's bridge answers its share; the child applies its share and waits for answers.
		await().atMost(Duration.ofSeconds(30)).until(() -> applied.call().size() == mutations.size());
		await().atMost(Duration.ofSeconds(30))
			.until(() -> answered(answers) + child.gauge(IN_FLIGHT) == mutations.size());
		long held = mutations.size() - answered(answers);
		assertThat(held).as("mutations applied that the child never answered").isPositive();
		answers.addAll(send(queries));
		await().atMost(Duration.ofSeconds(30)).until(() -> child.gauge(IN_FLIGHT) > held);

		child.kill();

		assertThat(CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)))
			.succeedsWithin(Duration.ofSeconds(60));
		assertThat(answers).extracting(CompletableFuture::join).allSatisfy((response) -> {
			assertThat(response).doesNotContainKey("errors");
			assertThat(response).extractingByKey("data", as(InstanceOfAssertFactories.MAP)).doesNotContainValue(null);
		});
		assertThat(applied.call()).as("times each mutation was applied")
			.hasSize(mutations.size())
			.allSatisfy((mutation, times) -> assertThat(times).as(mutation).isOne());
		assertThat(membersWithPartitions(group)).isOne();
	}

	private static List<CompletableFuture<Map<String, Object>>> send(List<Request> requests) {
		return requests.stream()
			.map((request) -> gateway.post()
				.uri("/graphql")
				.header(HttpHeaders.AUTHORIZATION, BusgateStack.bearer(request.userId()))
				.bodyValue(Map.of("query", request.document(), "variables", request.variables()))
				.retrieve()
				.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
				})
				.toFuture())
			.toList();
	}

	private static long answered(List<CompletableFuture<Map<String, Object>>> answers) {
		return answers.stream().filter(CompletableFuture::isDone).count();
	}

	/** This run's posts in post-service, straight from its gRPC API, counted by title. */
	private static Map<String, Long> postsOfThisRun(List<String> authors) {
		ManagedChannel channel = Grpc
			.newChannelBuilderForAddress("127.0.0.1", stack.postGrpcPort(), InsecureChannelCredentials.create())
			.build();
		try {
			return PostServiceGrpc.newBlockingStub(channel)
				.withDeadlineAfter(5, TimeUnit.SECONDS)
				.listPostsByAuthor(ListPostsByAuthorRequest.newBuilder().addAllAuthorIds(authors).setFirst(100).build())
				.getAuthorsList()
				.stream()
				.flatMap((author) -> author.getPostsList().stream())
				.map(Post::getTitle)
				.filter((title) -> title.startsWith(RUN))
				.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		}
		finally {
			channel.shutdownNow();
		}
	}

	/** This run's messages in message-service, straight from each recipient's inbox, counted by body. */
	private static Map<String, Long> messagesOfThisRun(List<String> recipients) throws Exception {
		int port = stack.messageThriftPort();
		try (TTransport transport = new TFramedTransport(new TSocket("127.0.0.1", port, 5000))) {
			transport.open();
			MessageService.Client client = new MessageService.Client(
					new ThriftClientTracing(OpenTelemetry.noop(), "MessageService", "127.0.0.1:" + port)
						.protocol(new TBinaryProtocol(transport)));
			List<Message> messages = new ArrayList<>();
			for (String recipient : recipients) {
				ThriftPrincipal.callAs(recipient, () -> client.inbox(List.of(recipient), 100))
					.forEach((inbox) -> messages.addAll(inbox.getMessages()));
			}
			return messages.stream()
				.map(Message::getBody)
				.filter((body) -> body.startsWith(RUN))
				.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		}
	}

	private static List<String> users(int first, int count) {
		return IntStream.range(first, first + count).mapToObj(String::valueOf).toList();
	}

	private static <T extends AutoCloseable> T closedAfterAll(T resource) {
		started.add(resource);
		return resource;
	}

	/** A GraphQL request made as a user. */
	private record Request(String userId, String document, Map<String, Object> variables) {
	}

}

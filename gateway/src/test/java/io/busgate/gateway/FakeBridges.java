package io.busgate.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.utils.ContainerTestUtils;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;

import static org.awaitility.Awaitility.await;

/**
 * Stands in for the bridges and their services: answers {@code user.requests} from 50 generated
 * users and {@code post.requests}' createPost by echoing its input, over the real broker by the
 * bus contract, and records what it was asked. The gateway under test cannot tell it from the
 * real thing.
 */
public class FakeBridges {

	/** user.requests and post.requests, as @EmbeddedKafka creates them: 2 partitions each. */
	private static final int PARTITIONS = 4;

	static final int USERS = 50;

	private final KafkaTemplate<String, byte[]> template;

	private final BusCodec codec = new BusCodec();

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "fake-bridges-timer");
		thread.setDaemon(true);
		return thread;
	});

	public final List<BusRequest> requests = new CopyOnWriteArrayList<>();

	/** Operations that get no reply at all. */
	public final Set<String> silent = ConcurrentHashMap.newKeySet();

	/** Operations answered only after the given delay. */
	public final Map<String, Duration> delayed = new ConcurrentHashMap<>();

	/** Operations answered with an error reply of the given status. */
	final Map<String, BusStatus> failing = new ConcurrentHashMap<>();

	public FakeBridges(KafkaTemplate<String, byte[]> template) {
		this.template = template;
	}

	/** Waits until the fake bridges hold their partitions, so no request waits for a rebalance. */
	public static void awaitAssigned(KafkaListenerEndpointRegistry registry) {
		registry.getListenerContainers()
			.forEach((container) -> ContainerTestUtils.waitForAssignment(container, PARTITIONS));
	}

	/**
	 * Waits until the gateway is ready, i.e. holds its reply partitions: a request sent before
	 * that could miss its reply and time out.
	 */
	public static void awaitGatewayReady(WebTestClient web) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> web.get()
				.uri("/actuator/health/readiness")
				.exchange()
				.returnResult(String.class)
				.getStatus()
				.is2xxSuccessful());
	}

	public void reset() {
		this.requests.clear();
		this.silent.clear();
		this.delayed.clear();
		this.failing.clear();
	}

	List<BusRequest> requestsFor(String operation) {
		return this.requests.stream().filter((request) -> request.headers().operation().equals(operation)).toList();
	}

	@KafkaListener(topics = { "user.requests", "post.requests" }, groupId = "fake-bridges",
			properties = "auto.offset.reset=earliest")
	void onRequest(ConsumerRecord<String, byte[]> record) {
		BusRequest request = this.codec.readRequest(record);
		this.requests.add(request);
		String operation = request.headers().operation();
		if (this.silent.contains(operation)) {
			return;
		}
		String correlationId = request.headers().correlationId();
		BusStatus failure = this.failing.get(operation);
		BusReply reply = (failure != null) ? BusReply.error(correlationId, failure, operation + " failed on purpose")
				: BusReply.ok(correlationId, answer(request));
		Duration delay = this.delayed.getOrDefault(operation, Duration.ZERO);
		// Delayed on a timer, not by sleeping, so other requests are answered meanwhile.
		this.timer.schedule(() -> this.template.send(this.codec.replyRecord(request.headers(), reply)), delay.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	@SuppressWarnings("unchecked")
	private static List<Object> answer(BusRequest request) {
		return switch (request.headers().operation()) {
			case "user.getUsers" -> request.keys().stream().map((key) -> user(Integer.parseInt(key.toString()))).toList();
			case "user.getFriends" -> request.keys()
				.stream()
				.map((key) -> (Object) friendsOf(key, (Integer) request.args().get("pageSize")))
				.toList();
			case "user.listUsers" -> {
				int start = (Integer) request.args().get("start");
				int pageSize = (Integer) request.args().get("pageSize");
				yield List.of(IntStream.range(start + 1, start + 1 + pageSize).mapToObj(FakeBridges::user).toList());
			}
			case "post.createPost" -> {
				Map<String, Object> post = new HashMap<>((Map<String, Object>) request.args().get("input"));
				post.put("id", "p-1");
				post.put("createdAt", "2026-01-01T00:00:00Z");
				yield List.of(post);
			}
			default -> throw new IllegalArgumentException(request.headers().operation());
		};
	}

	private static Object user(int id) {
		return (id >= 1 && id <= USERS) ? Map.of("id", Integer.toString(id), "name", "User " + id) : null;
	}

	private static List<Object> friendsOf(Object key, int pageSize) {
		int id = Integer.parseInt(key.toString());
		List<Object> friends = new ArrayList<>();
		for (int i = 1; i <= pageSize; i++) {
			friends.add(user((id + i - 1) % USERS + 1));
		}
		return friends;
	}

}

package io.busgate.gateway.limits;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * A graphql-transport-ws client over Reactor Netty that sends what it is told and keeps every
 * message it receives, so tests can count answers. Connects from a loopback address of the
 * test's choosing, which is the client's address to the gateway.
 */
final class TransportWsClient implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();

	private final List<Map<String, Object>> received = new CopyOnWriteArrayList<>();

	private final Disposable connection;

	private TransportWsClient(int port, String fromAddress) {
		this.connection = HttpClient.create()
			.bindAddress(() -> new InetSocketAddress(fromAddress, 0))
			.websocket(WebsocketClientSpec.builder().protocols("graphql-transport-ws").build())
			.uri("ws://127.0.0.1:" + port + "/graphql")
			.handle((in, out) -> Mono.when(out.sendString(this.outbound.asFlux()),
					in.receive().asString().doOnNext((text) -> this.received.add(JSON.readValue(text, Map.class)))))
			.subscribe();
	}

	/**
	 * Connects and initializes the connection.
	 * @param authorization the {@code Authorization} value for the {@code connection_init}
	 * payload, or {@code null} for an anonymous connection
	 */
	static TransportWsClient connect(int port, String fromAddress, String authorization) {
		TransportWsClient client = new TransportWsClient(port, fromAddress);
		client.send(Map.of("type", "connection_init", "payload",
				(authorization != null) ? Map.of("Authorization", authorization) : Map.of()));
		await().atMost(Duration.ofSeconds(10)).until(() -> !client.ofType("connection_ack").isEmpty());
		return client;
	}

	void subscribe(String id, String query) {
		send(Map.of("id", id, "type", "subscribe", "payload", Map.of("query", query)));
	}

	void complete(String id) {
		send(Map.of("id", id, "type", "complete"));
	}

	/** The messages of a type received so far, in order. */
	List<Map<String, Object>> ofType(String type) {
		return this.received.stream().filter((message) -> type.equals(message.get("type"))).toList();
	}

	/** The messages about one operation received so far, in order. */
	List<Map<String, Object>> about(String id) {
		return this.received.stream().filter((message) -> id.equals(message.get("id"))).toList();
	}

	@Override
	public void close() {
		this.outbound.tryEmitComplete();
		this.connection.dispose();
	}

	private void send(Map<String, Object> message) {
		this.outbound.emitNext(JSON.writeValueAsString(message), Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
	}

}

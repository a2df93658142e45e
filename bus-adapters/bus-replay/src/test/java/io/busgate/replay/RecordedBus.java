package io.busgate.replay;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;

/**
 * A real broker with recorded traffic written straight to it (requests on {@code user.requests},
 * their replies on a gateway's reply topic), and the tool run against it.
 */
final class RecordedBus implements AutoCloseable {

	static final String REQUESTS = BusTopics.requests("user");

	static final String REPLIES = BusTopics.replies("gw");

	private final EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1, REQUESTS, REPLIES);

	private final BusCodec codec = new BusCodec();

	private final KafkaProducer<String, byte[]> producer;

	RecordedBus() {
		this.broker.afterPropertiesSet();
		Map<String, Object> config = new HashMap<>(BusClientDefaults.producer());
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
		this.producer = new KafkaProducer<>(config);
	}

	String brokers() {
		return this.broker.getBrokersAsString();
	}

	/** Records requests for the given users, each answered with the user, and returns their correlation ids. */
	List<String> record(String... userIds) {
		return recordFor(null, userIds);
	}

	/** The same, made for a principal ({@code null}: an anonymous caller). */
	List<String> recordFor(String principal, String... userIds) {
		List<String> correlationIds = new ArrayList<>();
		for (String userId : userIds) {
			RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), "user.getUsers", REPLIES,
					Instant.now().plusSeconds(10), null, principal);
			this.producer.send(this.codec.requestRecord(new BusRequest(headers, List.of(userId), Map.of())));
			this.producer.send(this.codec.replyRecord(headers,
					BusReply.ok(headers.correlationId(), List.of(Map.of("id", userId, "name", "User " + userId)))));
			correlationIds.add(headers.correlationId());
		}
		this.producer.flush();
		return correlationIds;
	}

	Result run(String command, String... args) {
		List<String> all = new ArrayList<>(List.of(command, "--bootstrap-servers=" + brokers()));
		all.addAll(List.of(args));
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int status = BusReplay.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
		return new Result(status, out.toString(), err.toString());
	}

	@Override
	public void close() {
		this.producer.close();
		this.broker.destroy();
	}

	record Result(int status, String out, String err) {

		private static final JsonMapper JSON = JsonMapper.builder().build();

		JsonNode json() {
			return JSON.readTree(this.out);
		}

		List<JsonNode> elements(String pointer) {
			return json().at(pointer).valueStream().toList();
		}

	}

}

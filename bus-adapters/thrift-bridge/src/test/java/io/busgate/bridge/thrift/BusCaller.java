package io.busgate.bridge.thrift;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.test.TopicTail;

import static org.awaitility.Awaitility.await;

/**
 * Sends request records as the gateway does and collects their replies from a reply topic, for
 * tests that run a whole bridge against a broker.
 */
final class BusCaller implements AutoCloseable {

	private final BusCodec codec = new BusCodec();

	private final String replyTopic;

	private final KafkaProducer<String, byte[]> producer;

	private final TopicTail replies;

	private final Map<String, BusReply> received = new HashMap<>();

	/** Follows the reply topic of gateway {@code gatewayId} from its end on. */
	BusCaller(String bootstrapServers, String gatewayId) {
		this.replyTopic = BusTopics.replies(gatewayId);
		Map<String, Object> config = new HashMap<>(BusClientDefaults.producer());
		config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		this.producer = new KafkaProducer<>(config);
		this.replies = TopicTail.atEnd(bootstrapServers, this.replyTopic);
	}

	/**
	 * Sends a request with 30 s to live.
	 * @return its correlation id
	 */
	String send(String operation, List<Object> keys, Map<String, Object> args, String idempotencyKey,
			String principal) throws Exception {
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), operation, this.replyTopic,
				Instant.now().plusSeconds(30), idempotencyKey, principal);
		ProducerRecord<String, byte[]> record = this.codec.requestRecord(new BusRequest(headers, keys, args));
		this.producer.send(record).get();
		return new String(record.headers().lastHeader(BusHeaders.CORRELATION_ID).value(), StandardCharsets.UTF_8);
	}

	/** The replies to these requests, once all have come. */
	Map<String, BusReply> awaitReplies(List<String> correlationIds) {
		await().atMost(Duration.ofSeconds(45)).until(() -> {
			this.replies.poll(Duration.ofMillis(200)).forEach((record) -> {
				BusReply reply = this.codec.readReply(record);
				this.received.put(reply.correlationId(), reply);
			});
			return this.received.keySet().containsAll(correlationIds);
		});
		return Map.copyOf(this.received);
	}

	@Override
	public void close() {
		this.replies.close();
		this.producer.close(Duration.ofSeconds(5));
	}

}

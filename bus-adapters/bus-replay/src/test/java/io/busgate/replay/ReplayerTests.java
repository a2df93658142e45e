package io.busgate.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.busgate.bus.BusHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/** What a replayed request carries over from the recorded one, read off a real broker. */
class ReplayerTests {

	@Test
	void replayRepeatsTheRecordedPrincipalAndAnAnonymousRequestStaysAnonymous() {
		try (RecordedBus bus = new RecordedBus()) {
			String known = bus.recordFor("user-3", "3").get(0);
			String anonymous = bus.record("4").get(0);

			assertThat(bus.run("replay", "--timeout", "500ms").err()).contains("[replay] sent 2/2");

			Map<String, String> principalByOriginal = replayedPrincipals(bus, 2);
			assertThat(principalByOriginal).containsEntry(known, "user-3").containsEntry(anonymous, "-");
		}
	}

	/** The {@code bus-principal} of each replayed request ({@code "-"} for none), by the id it replays. */
	private static Map<String, String> replayedPrincipals(RecordedBus bus, int expected) {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bus.brokers());
		Map<String, String> principals = new HashMap<>();
		try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new ByteArrayDeserializer())) {
			TopicPartition partition = new TopicPartition(RecordedBus.REQUESTS, 0);
			consumer.assign(List.of(partition));
			consumer.seekToBeginning(List.of(partition));
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (principals.size() < expected && System.nanoTime() < deadline) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
					String replayOf = value(record.headers().lastHeader(BusHeaders.REPLAY_OF));
					if (replayOf != null) {
						String principal = value(record.headers().lastHeader(BusHeaders.PRINCIPAL));
						principals.put(replayOf, (principal != null) ? principal : "-");
					}
				}
			}
		}
		return principals;
	}

	private static String value(Header header) {
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}

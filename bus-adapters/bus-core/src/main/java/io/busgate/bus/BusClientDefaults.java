package io.busgate.bus;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka client settings every participant of the bus uses, applied on top of anything
 * configured, because the contract's guarantees depend on them.
 */
public final class BusClientDefaults {

	private BusClientDefaults() {
	}

	/**
	 * Producer settings: no acknowledged record is lost ({@code acks=all}), retries do not
	 * duplicate ({@code enable.idempotence}), and no record waits for a batch to fill
	 * ({@code linger.ms=0}; Kafka 4 defaults to 5 ms, which would be paid on every hop).
	 */
	public static Map<String, Object> producer() {
		return Map.of(ProducerConfig.ACKS_CONFIG, "all",
				ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
				ProducerConfig.LINGER_MS_CONFIG, 0,
				ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
	}

	/**
	 * Consumer settings: values stay bytes so that a broken value reaches the application (and
	 * the dead-letter topic) instead of failing inside the client, and offsets are committed by
	 * the application once a record is answered.
	 */
	public static Map<String, Object> consumer() {
		return Map.of(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
				ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
	}

}

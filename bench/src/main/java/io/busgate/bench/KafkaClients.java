package io.busgate.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;

import io.busgate.bus.BusClientDefaults;

/**
 * Settings of the benchmark's own Kafka clients (the bus's, for the stack's broker), and waiting
 * for their answers. The asking side of request/reply is bus-core's {@code BusRequestClient}.
 */
final class KafkaClients {

	private KafkaClients() {
	}

	/** Where the broker is: what every client of the benchmark starts from. */
	static Map<String, Object> brokers(String bootstrapServers) {
		return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
	}

	/** The bus's producer settings, for this broker. */
	static Map<String, Object> producerConfig(String bootstrapServers) {
		Map<String, Object> config = new HashMap<>(BusClientDefaults.producer());
		config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		return config;
	}

	/** The bus's consumer settings, for this broker, with {@code extra} added. */
	static Map<String, Object> consumerConfig(String bootstrapServers, Map<String, Object> extra) {
		Map<String, Object> config = new HashMap<>(BusClientDefaults.consumer());
		config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
		config.putAll(extra);
		return config;
	}

	/** Waits for a Kafka client's answer, at most {@code timeout}. */
	static <T> T await(Future<T> future, Duration timeout) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Kafka did not answer within " + timeout.toMillis() + " ms", ex);
		}
	}

}

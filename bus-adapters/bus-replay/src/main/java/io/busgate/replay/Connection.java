package io.busgate.replay;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.CommonClientConfigs;

import picocli.CommandLine.Option;

/**
 * How the tool reaches the brokers: where they are and, like Kafka's own tools, a file of client
 * properties for a secured cluster (SASL, TLS) that every client of the tool is made with.
 */
final class Connection {

	@Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT",
			description = "Kafka brokers (default: ${DEFAULT-VALUE}).")
	String bootstrapServers;

	@Option(names = "--command-config", paramLabel = "FILE",
			description = "Kafka client properties for every client of the tool, e.g. security.protocol=SASL_SSL,"
					+ " sasl.mechanism, sasl.jaas.config, ssl.truststore.location (as for Kafka's own tools);"
					+ " --bootstrap-servers wins over a bootstrap.servers there.")
	Path commandConfig;

	/** The properties every client starts from: those of the file, and the brokers. */
	Map<String, Object> clientProperties() {
		Map<String, Object> properties = new HashMap<>();
		if (this.commandConfig != null) {
			Properties file = new Properties();
			try (Reader reader = Files.newBufferedReader(this.commandConfig)) {
				file.load(reader);
			}
			catch (IOException ex) {
				throw new IllegalArgumentException("--command-config " + this.commandConfig + " cannot be read: " + ex);
			}
			file.stringPropertyNames().forEach((name) -> properties.put(name, file.getProperty(name)));
		}
		properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers);
		return properties;
	}

}

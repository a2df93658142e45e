package io.busgate.bridge.thrift;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.util.unit.DataSize;

/** The bridge's shipped configuration files, bound as the application binds them, and the tests' IDLs. */
final class ShippedConfiguration {

	/** message-service's IDL, from this module's directory (where tests run). */
	static final String MESSAGE_IDL = "../../message-service/src/main/thrift/message_service.thrift";

	/** The test IDL of every field kind and the Catalog service. */
	static final String MAPPING_IDL = "src/test/thrift/mapping_test.thrift";

	private ShippedConfiguration() {
	}

	/** {@code busgate.bridge.thrift.*} of thrift-bridge.yml and thrift-bridge-message.yml. */
	static ThriftBridgeProperties messageRoutes() {
		try {
			YamlPropertySourceLoader loader = new YamlPropertySourceLoader();
			List<PropertySource<?>> sources = new ArrayList<>();
			sources.addAll(loader.load("message", new ClassPathResource("thrift-bridge-message.yml")));
			sources.addAll(loader.load("base", new ClassPathResource("thrift-bridge.yml")));
			return new Binder(ConfigurationPropertySources.from(sources))
				.bind("busgate.bridge.thrift", ThriftBridgeProperties.class)
				.get();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The same with message-service's IDL as seen from here, another port and limits. */
	static ThriftBridgeProperties messageRoutes(int port, int maxConnections, int maxQueuedCalls) {
		ThriftBridgeProperties shipped = messageRoutes();
		return new ThriftBridgeProperties(shipped.host(), port, MESSAGE_IDL, shipped.service(),
				shipped.connectTimeout(), maxConnections, maxQueuedCalls, shipped.maxMessageSize(),
				shipped.idleTimeout(), shipped.exceptionStatuses(), shipped.routes());
	}

	/** Other routes, to the test IDL's Catalog service. */
	static ThriftBridgeProperties catalog(int port, Map<String, ThriftBridgeProperties.Route> routes) {
		return new ThriftBridgeProperties("127.0.0.1", port, MAPPING_IDL, "Catalog", Duration.ofSeconds(1), 4, 10,
				DataSize.ofMegabytes(1), Duration.ofSeconds(60), null, routes);
	}

	/** An IDL file read, relative to this module's directory. */
	static ThriftIdl idl(String path) {
		return ThriftIdlReader.read(new FileSystemResource(path));
	}

}

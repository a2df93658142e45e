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
import org.springframework.util.unit.DataSize;

/** The bridge's shipped configuration files, bound as the application binds them. */
final class ShippedConfiguration {

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

	/** The same with another port and limits. */
	static ThriftBridgeProperties messageRoutes(int port, int maxConnections, int maxQueuedCalls) {
		ThriftBridgeProperties shipped = messageRoutes();
		return new ThriftBridgeProperties(shipped.host(), port, shipped.serviceClass(), shipped.connectTimeout(),
				maxConnections, maxQueuedCalls, shipped.maxMessageSize(), shipped.idleTimeout(),
				shipped.exceptionStatuses(), shipped.routes());
	}

	/** Other routes, to the test IDL's Catalog service. */
	static ThriftBridgeProperties catalog(int port, Map<String, ThriftBridgeProperties.Route> routes) {
		return new ThriftBridgeProperties("127.0.0.1", port, "io.busgate.bridge.thrift.test.Catalog",
				Duration.ofSeconds(1), 4, 10, DataSize.ofMegabytes(1), Duration.ofSeconds(60),
				null, routes);
	}

}

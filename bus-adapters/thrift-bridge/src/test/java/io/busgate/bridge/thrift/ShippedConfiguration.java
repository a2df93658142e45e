package io.busgate.bridge.thrift;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.util.unit.DataSize;

import io.busgate.bridge.BridgeProperties;
import io.busgate.bus.BusStatus;
import io.busgate.thrift.idl.ThriftIdl;
import io.busgate.thrift.idl.ThriftIdlReader;

/**
 * The configuration the tests run the bridge with, bound as the application binds it: the
 * example message service's routes file (which lives with the example's deployment, not in the
 * bridge), and the tests' own IDLs and routes.
 */
final class ShippedConfiguration {

	/** The example's routes, as the local stack passes them with {@code --spring.config.import}. */
	static final Path MESSAGE_ROUTES = Path.of("../../compose/routes/message.yml").toAbsolutePath().normalize();

	/** message-service's IDL, from this module's directory (where tests run). */
	static final String MESSAGE_IDL = "../../message-service/src/main/thrift/message_service.thrift";

	/** The test IDL of every field kind and the Catalog service. */
	static final String MAPPING_IDL = "src/test/thrift/mapping_test.thrift";

	/** The test IDL of the Inventory service ({@link InventoryServer}). */
	static final String INVENTORY_IDL = "src/test/thrift/inventory.thrift";

	/** The inventory's routes: a keyed lookup, one field of each item, and a mutation. */
	static final Map<String, BridgeProperties.Route> INVENTORY_ROUTES = Map.of(
			"inventory.items", new BridgeProperties.Route("getItems", "skus", null, null, "sku", null, null),
			"inventory.prices", new BridgeProperties.Route("getItems", "skus", null, null, "sku", "price", null),
			"inventory.adjust", new BridgeProperties.Route("adjust", null, "adjustment", null, null, null, "requestId"));

	/** The inventory's exceptions that are not conventionally named. */
	static final Map<String, BusStatus> INVENTORY_EXCEPTION_STATUSES = Map.of("UnknownSku", BusStatus.NOT_FOUND,
			"OutOfStock", BusStatus.INVALID_ARGUMENT);

	private ShippedConfiguration() {
	}

	/** The example's routes file over the bridge's thrift-bridge.yml. */
	static Binder messageRoutesFile() {
		try {
			YamlPropertySourceLoader loader = new YamlPropertySourceLoader();
			List<PropertySource<?>> sources = new ArrayList<>();
			sources.addAll(loader.load("message.yml", new FileSystemResource(MESSAGE_ROUTES)));
			sources.addAll(loader.load("thrift-bridge.yml", new ClassPathResource("thrift-bridge.yml")));
			return new Binder(ConfigurationPropertySources.from(sources));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** {@code busgate.bridge.thrift.*} of the example's routes file. */
	static ThriftBridgeProperties messageProperties() {
		return messageRoutesFile().bind("busgate.bridge.thrift", ThriftBridgeProperties.class).get();
	}

	/** {@code busgate.bridge.*} of the example's routes file, checked as bridge-core checks them. */
	static BridgeProperties messageBridge() {
		return messageRoutesFile().bind("busgate.bridge", BridgeProperties.class).get();
	}

	/** The example's routes. */
	static Map<String, BridgeProperties.Route> messageRoutes() {
		return messageRoutesFile()
			.bind("busgate.bridge.routes", Bindable.mapOf(String.class, BridgeProperties.Route.class))
			.get();
	}

	/** The Inventory service of the test IDL on this port, with these limits. */
	static ThriftBridgeProperties inventory(int port, int maxConnections, int maxQueuedCalls, DataSize maxMessageSize) {
		return new ThriftBridgeProperties("127.0.0.1", port, INVENTORY_IDL, "Inventory", Duration.ofSeconds(1),
				maxConnections, maxQueuedCalls, maxMessageSize, Duration.ofSeconds(60), INVENTORY_EXCEPTION_STATUSES);
	}

	/** The test IDL's Catalog service on this port. */
	static ThriftBridgeProperties catalog(int port) {
		return new ThriftBridgeProperties("127.0.0.1", port, MAPPING_IDL, "Catalog", Duration.ofSeconds(1), 4, 10,
				DataSize.ofMegabytes(1), Duration.ofSeconds(60), null);
	}

	/** An IDL file read, relative to this module's directory. */
	static ThriftIdl idl(String path) {
		return ThriftIdlReader.read(Path.of(path));
	}

}

package io.busgate.bridge.thrift;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import io.busgate.bridge.BridgeProperties;
import io.busgate.bus.BusStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThriftBridgePropertiesTests {

	@Test
	void exampleRoutesFileBindsInTheCommonRouteFormat() {
		ThriftBridgeProperties properties = ShippedConfiguration.messageProperties();
		BridgeProperties bridge = ShippedConfiguration.messageBridge();

		assertThat(properties.host()).isEqualTo("127.0.0.1");
		assertThat(properties.port()).isEqualTo(9095);
		assertThat(properties.idl()).isEqualTo("message-service/src/main/thrift/message_service.thrift");
		// Relative to the repository root, where the bridge runs from in development.
		assertThat(Path.of("../..", properties.idl())).isRegularFile();
		assertThat(properties.service()).isEqualTo("MessageService");
		assertThat(properties.maxMessageSize()).isEqualTo(DataSize.ofMegabytes(1));
		assertThat(bridge.service()).isEqualTo("message");
		assertThat(bridge.routes()).isEqualTo(ShippedConfiguration.messageRoutes())
			.containsOnlyKeys("message.getMessages", "message.inbox", "message.sendMessage");
		assertThat(bridge.routes().get("message.getMessages"))
			.isEqualTo(new BridgeProperties.Route("getMessages", "ids", null, null, "id", null, null));
		assertThat(bridge.routes().get("message.inbox"))
			.isEqualTo(new BridgeProperties.Route("inbox", "userIds", null, null, "userId", "messages", null));
		assertThat(bridge.routes().get("message.sendMessage"))
			.isEqualTo(new BridgeProperties.Route("sendMessage", null, "input", null, null, null, "idempotencyKey"));
		// message-service's exceptions are all conventional: PermissionDenied included.
		assertThat(properties.exceptionStatuses()).containsAllEntriesOf(
				ThriftBridgeProperties.CONVENTIONAL_EXCEPTION_STATUSES)
			.containsEntry("PermissionDenied", BusStatus.PERMISSION_DENIED)
			.hasSize(ThriftBridgeProperties.CONVENTIONAL_EXCEPTION_STATUSES.size());
	}

	@Test
	void exampleRoutesFitMessageServicesIdl() {
		ThriftBridgeProperties shipped = ShippedConfiguration.messageProperties();
		ThriftBridgeProperties fromHere = new ThriftBridgeProperties(shipped.host(), shipped.port(),
				ShippedConfiguration.MESSAGE_IDL, shipped.service(), shipped.connectTimeout(), shipped.maxConnections(),
				shipped.maxQueuedCalls(), shipped.maxMessageSize(), shipped.idleTimeout(), shipped.exceptionStatuses());

		// Compiles every route against the IDL, as the bridge does at start; connects to nothing.
		assertThatCode(() -> new ThriftBackendClient(fromHere, ShippedConfiguration.messageRoutes(),
				ShippedConfiguration.idl(fromHere.idl()), Clock.systemUTC(), OpenTelemetry.noop()).close())
			.doesNotThrowAnyException();
		Map<String, BridgeProperties.Route> misspelt = Map.of("message.inbox",
				new BridgeProperties.Route("inbox", "userIds", null, null, "userId", "message", null));
		assertThatThrownBy(() -> new ThriftBackendClient(fromHere, misspelt, ShippedConfiguration.idl(fromHere.idl()),
				Clock.systemUTC(), OpenTelemetry.noop()))
			.hasMessageStartingWith("route message.inbox: item-value-field 'message' is no field of Inbox");
	}

	@Test
	void exceptionStatusesKeepTheClassNamesCaseAndDefaultsApply() {
		ThriftBridgeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
				"busgate.bridge.thrift.host", "backend", "busgate.bridge.thrift.port", "7000",
				"busgate.bridge.thrift.idl", "/srv/idl/service.thrift",
				"busgate.bridge.thrift.exception-statuses.AlreadyExists", "invalid-argument",
				"busgate.bridge.thrift.exception-statuses.[Busy]", "UNAVAILABLE")))
			.bind("busgate.bridge.thrift", ThriftBridgeProperties.class)
			.get();

		assertThat(properties.exceptionStatuses()).containsEntry("AlreadyExists", BusStatus.INVALID_ARGUMENT)
			.containsEntry("Busy", BusStatus.UNAVAILABLE)
			.containsEntry("NotFound", BusStatus.NOT_FOUND);
		assertThat(properties.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.maxConnections()).isEqualTo(32);
		assertThat(properties.service()).isNull();
	}

	@Test
	void idlMustBeSet() {
		assertThatThrownBy(() -> new Binder(new MapConfigurationPropertySource(Map.of("busgate.bridge.thrift.host",
				"backend", "busgate.bridge.thrift.port", "7000")))
			.bind("busgate.bridge.thrift", ThriftBridgeProperties.class))
			.rootCause()
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageStartingWith("busgate.bridge.thrift.idl must name the service's Thrift IDL file");
	}

}

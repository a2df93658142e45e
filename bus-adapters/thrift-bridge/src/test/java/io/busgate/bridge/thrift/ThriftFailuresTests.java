package io.busgate.bridge.thrift;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

import org.apache.thrift.TApplicationException;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.transport.TTransportException;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bus.BusStatus;
import io.busgate.thrift.idl.ThriftIdl;

import static org.assertj.core.api.Assertions.assertThat;

class ThriftFailuresTests {

	private final ThriftFailures failures = new ThriftFailures(ShippedConfiguration.catalog(1).exceptionStatuses());

	private final ThriftFailures configured = new ThriftFailures(new ThriftBridgeProperties("127.0.0.1", 1,
			"x.thrift", null, Duration.ofSeconds(1), 1, 0, DataSize.ofMegabytes(1), Duration.ofSeconds(60),
			Map.of("Conflict", BusStatus.INVALID_ARGUMENT, "NotFound", BusStatus.INTERNAL))
		.exceptionStatuses());

	private final ThriftIdl catalog = ShippedConfiguration.idl(ShippedConfiguration.MAPPING_IDL);

	private final ThriftRoute route = new ThriftRoute("cat.touch", BridgeProperties.Route.of("touch"), this.catalog,
			this.catalog.service("Catalog"));

	@Test
	void declaredExceptionsMapByTheirSimpleNameAndKeepTheirMessage() {
		assertThat(this.failures.declared("NotFound", Map.of("message", "No user with id '9'")))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.NOT_FOUND))
			.hasMessage("No user with id '9'");
		assertThat(this.failures.declared("InvalidArgument", Map.of("message", "first must be between 1 and 100, was 0"))
			.status())
			.isEqualTo(BusStatus.INVALID_ARGUMENT);
		assertThat(this.failures.declared("Gone", Map.of("message", "gone")))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.INTERNAL))
			.hasMessage("gone");
	}

	@Test
	void configuredStatusesAddToAndOverrideTheConvention() {
		assertThat(this.configured.declared("Conflict", Map.of("reason", "taken")))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.INVALID_ARGUMENT))
			// Conflict has no field called message: its fields are shown instead.
			.hasMessage("Conflict(reason:taken)");
		Map<String, Object> blank = new LinkedHashMap<>();
		blank.put("message", " ");
		blank.put("code", null);
		assertThat(this.failures.declared("Gone", blank)).hasMessage("Gone(message: , code:null)");
		assertThat(this.configured.declared("NotFound", Map.of("message", "x")).status()).isEqualTo(BusStatus.INTERNAL);
		assertThat(this.configured.declared("InvalidArgument", Map.of("message", "x")).status())
			.isEqualTo(BusStatus.INVALID_ARGUMENT);
	}

	@Test
	void callFailuresMapByKind() {
		assertThat(failed(new TTransportException(TTransportException.NOT_OPEN, new ConnectException("Connection refused"))))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.UNAVAILABLE))
			.hasMessage("touch (cat.touch): host:1 unreachable: Connection refused");
		assertThat(failed(new TTransportException(TTransportException.END_OF_FILE, "Socket is closed by peer.")).status())
			.isEqualTo(BusStatus.UNAVAILABLE);
		assertThat(failed(new TTransportException(TTransportException.TIMED_OUT, new SocketTimeoutException())))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.DEADLINE_EXCEEDED))
			.hasMessage("touch (cat.touch): no answer from host:1 before the deadline");
		assertThat(failed(new TTransportException(TTransportException.CORRUPTED_DATA,
				"Frame size (20000000) larger than max length (16777216)!")).status())
			.isEqualTo(BusStatus.RESPONSE_TOO_LARGE);
		assertThat(failed(new TTransportException(TTransportException.END_OF_FILE, "MaxMessageSize reached")).status())
			.isEqualTo(BusStatus.RESPONSE_TOO_LARGE);
		assertThat(failed(new NoSuchElementException("Timeout waiting for idle object")).status())
			.isEqualTo(BusStatus.DEADLINE_EXCEEDED);
		assertThat(failed(new TApplicationException(TApplicationException.INTERNAL_ERROR, "Internal error processing touch")))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.INTERNAL))
			.hasMessage("touch (cat.touch) failed in the backend: Internal error processing touch");
		assertThat(failed(new TProtocolException("bad")).status()).isEqualTo(BusStatus.INTERNAL);
		assertThat(failed(new IllegalStateException("boom")).status()).isEqualTo(BusStatus.INTERNAL);
	}

	private BackendException failed(Throwable failure) {
		return this.failures.failed(this.route, "host:1", failure);
	}

}

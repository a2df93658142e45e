package io.busgate.bridge.thrift;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.busgate.backend.BackendContract;
import io.busgate.bus.BusStatus;

/**
 * How the Thrift bridge reaches its backend and reads its IDL. The routes are bridge-core's
 * ({@code busgate.bridge.routes}), each {@code call} a method of {@code service}.
 *
 * <p>The backend speaks {@code TFramedTransport} with {@code TBinaryProtocol} (what Thrift's
 * non-blocking servers require). Calls are synchronous Thrift calls on a pool of
 * {@code max-connections} threads, each holding at most one pooled connection, so that number is
 * the bridge's limit of calls in flight to the backend.
 *
 * @param host the backend's host, e.g. {@code 127.0.0.1}
 * @param port the backend's Thrift port
 * @param idl the service's Thrift IDL file, read at start (with the files it includes, relative
 * to it): a file path, relative to the working directory, or a resource location such as
 * {@code file:/srv/idl/message_service.thrift} or {@code classpath:idl/message_service.thrift}.
 * The bridge needs no generated classes of the service
 * @param service the service of the IDL to call, e.g. {@code MessageService} (a service of an
 * included file by its qualified name, {@code shared.Base}); may be left out when the IDL
 * declares exactly one service
 * @param connectTimeout how long to wait for a TCP connection. A call's reads are bounded by its
 * request's deadline, and the reply goes out at the deadline at the latest; a connection attempt
 * can keep its worker busy this long past it
 * @param maxConnections calls in flight to the backend at most: worker threads and pooled
 * connections
 * @param maxQueuedCalls calls waiting for a worker at most; beyond, a request is answered
 * {@code UNAVAILABLE} at once. A queued call whose deadline passes is not made
 * @param maxMessageSize the largest reply (frame and message) accepted; a larger one fails the
 * call with {@code RESPONSE_TOO_LARGE}. As large as a reply record
 * ({@code busgate.bridge.max-reply-size}): a larger answer could not be replied anyway; and far
 * below Thrift's default of 100 MB, so that one reply cannot claim unbounded memory
 * @param idleTimeout pooled connections idle longer than this are closed
 * @param exceptionStatuses the bus status of a declared Thrift exception, by the exception's
 * name in the IDL, on top of the convention {@code NotFound -> NOT_FOUND},
 * {@code InvalidArgument -> INVALID_ARGUMENT} and {@code PermissionDenied -> PERMISSION_DENIED}.
 * Other declared exceptions are {@code INTERNAL}. The reply's error message is the exception's
 * message
 */
@ConfigurationProperties("busgate.bridge.thrift")
public record ThriftBridgeProperties(String host, int port, String idl, String service,
		@DefaultValue("1s") Duration connectTimeout, @DefaultValue("32") int maxConnections,
		@DefaultValue("1000") int maxQueuedCalls, @DefaultValue("1MB") DataSize maxMessageSize,
		@DefaultValue("60s") Duration idleTimeout, Map<String, BusStatus> exceptionStatuses) {

	/** The statuses of declared exceptions that apply unless configured otherwise. */
	static final Map<String, BusStatus> CONVENTIONAL_EXCEPTION_STATUSES = BackendContract.THRIFT_EXCEPTION_STATUSES
		.entrySet()
		.stream()
		.collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, (entry) -> BusStatus.valueOf(entry.getValue())));

	public ThriftBridgeProperties {
		if (host == null || host.isBlank()) {
			throw new IllegalArgumentException("busgate.bridge.thrift.host must be set");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("busgate.bridge.thrift.port must be 1..65535, was " + port);
		}
		if (idl == null || idl.isBlank()) {
			throw new IllegalArgumentException("busgate.bridge.thrift.idl must name the service's Thrift IDL file,"
					+ " e.g. /srv/idl/message_service.thrift");
		}
		Objects.requireNonNull(connectTimeout, "connectTimeout");
		Objects.requireNonNull(maxMessageSize, "maxMessageSize");
		Objects.requireNonNull(idleTimeout, "idleTimeout");
		if (maxConnections < 1 || maxQueuedCalls < 0) {
			throw new IllegalArgumentException("max-connections must be at least 1 and max-queued-calls at least 0");
		}
		if (maxMessageSize.toBytes() < 1024 || maxMessageSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("max-message-size must be between 1KB and 2GB, was " + maxMessageSize);
		}
		Map<String, BusStatus> statuses = new LinkedHashMap<>(CONVENTIONAL_EXCEPTION_STATUSES);
		if (exceptionStatuses != null) {
			exceptionStatuses.forEach((name, status) -> {
				if (status == BusStatus.OK) {
					throw new IllegalArgumentException("exception-statuses: " + name + " must map to an error status");
				}
				statuses.put(name, status);
			});
		}
		exceptionStatuses = Map.copyOf(statuses);
	}

}

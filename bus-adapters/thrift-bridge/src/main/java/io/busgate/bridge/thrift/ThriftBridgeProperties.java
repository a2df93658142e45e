package io.busgate.bridge.thrift;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import io.busgate.bus.BusStatus;

/**
 * How the Thrift bridge reaches its backend and maps operations to Thrift calls.
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
 * {@code InvalidArgument -> INVALID_ARGUMENT} and {@code PermissionDenied -> PERMISSION_DENIED}. Other declared exceptions are {@code INTERNAL}.
 * The reply's error message is the exception's message
 * @param routes the call for each operation, by operation name
 */
@ConfigurationProperties("busgate.bridge.thrift")
public record ThriftBridgeProperties(String host, int port, String idl, String service,
		@DefaultValue("1s") Duration connectTimeout, @DefaultValue("32") int maxConnections,
		@DefaultValue("1000") int maxQueuedCalls, @DefaultValue("1MB") DataSize maxMessageSize,
		@DefaultValue("60s") Duration idleTimeout, Map<String, BusStatus> exceptionStatuses,
		Map<String, Route> routes) {

	/** The statuses of declared exceptions that apply unless configured otherwise. */
	static final Map<String, BusStatus> CONVENTIONAL_EXCEPTION_STATUSES = Map.of("NotFound", BusStatus.NOT_FOUND,
			"InvalidArgument", BusStatus.INVALID_ARGUMENT, "PermissionDenied", BusStatus.PERMISSION_DENIED);

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
		routes = (routes != null) ? Map.copyOf(routes) : Map.of();
	}

	/**
	 * One operation as a call of a Thrift service method.
	 *
	 * <p>Request: the method's arguments (its {@code <method>_args} struct) are built from the
	 * request's keys and {@code args} object, converted as the IDL declares their types. A request argument that no field takes is rejected ({@code INVALID_ARGUMENT}).
	 *
	 * <p>Reply: the method's result R (a keyed route's R must be a list or set):
	 * <ol>
	 * <li>with {@code items-field}, R becomes that field of R (R must be a struct);</li>
	 * <li>a keyless request answers one item, R;</li>
	 * <li>a keyed request answers one item per key: with {@code item-key-field}, the element of R
	 * whose field equals the key (compared as text; {@code null} when there is none), else R's
	 * elements one per key in key order (a count mismatch is {@code INTERNAL});</li>
	 * <li>with {@code item-value-field}, each non-null item becomes that field of itself.</li>
	 * </ol>
	 * Items are JSON objects named by the IDL's field names; unset fields are {@code null},
	 * enums their names, binaries base64 text.
	 *
	 * @param method the service method, e.g. {@code getMessages}
	 * @param keysField the method argument that receives the request's keys as a list; the route
	 * then serves keyed requests only. Keys that are strings holding an integer are accepted for
	 * integer elements, since GraphQL IDs are strings. Absent: a keyless call, and a request with
	 * keys is rejected
	 * @param argsField the request argument whose value, an object, becomes the method's single
	 * struct argument (the one besides {@code keys-field}); no other request argument is
	 * accepted. Absent: each request argument is the method argument of the same name
	 * @param itemsField the field of a struct result that holds the items
	 * @param itemKeyField the field of an item that matches it to its key
	 * @param itemValueField the field of an item that is answered instead of the item
	 * @param idempotencyKeyField the string field that receives the request's
	 * {@code bus-idempotency-key}, when it has one: a field of the {@code args-field} struct if
	 * that is set, otherwise a method argument
	 */
	public record Route(String method, String keysField, String argsField, String itemsField, String itemKeyField,
			String itemValueField, String idempotencyKeyField) {

		public Route {
			if (method == null || method.isBlank()) {
				throw new IllegalArgumentException("a route needs a method");
			}
		}

		/** A route of the given method with no other setting. */
		static Route of(String method) {
			return new Route(method, null, null, null, null, null, null);
		}

	}

}

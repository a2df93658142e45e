package io.busgate.bridge.thrift;

import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.StringJoiner;
import java.util.NoSuchElementException;

import org.apache.thrift.TApplicationException;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.transport.TTransportException;

import io.busgate.bridge.BackendException;
import io.busgate.bus.BusStatus;

/**
 * Maps what a Thrift call throws to the bus status the caller sees.
 *
 * <ul>
 * <li>A declared exception (an exception struct of the IDL): the status configured for its
 * name in the IDL (by convention {@code NotFound -> NOT_FOUND},
 * {@code InvalidArgument -> INVALID_ARGUMENT}, {@code PermissionDenied -> PERMISSION_DENIED}), else
 * {@code INTERNAL}; the message is its string field {@code message}, meant for users, or
 * without one its fields, as generated code shows them: {@code Conflict(reason:taken)}.</li>
 * <li>A read that timed out: {@code DEADLINE_EXCEEDED}.</li>
 * <li>A reply larger than the message size limit: {@code RESPONSE_TOO_LARGE}.</li>
 * <li>Any other transport failure (refused, reset, closed): {@code UNAVAILABLE}.</li>
 * <li>{@link TApplicationException} (the server failed undeclared, or does not know the
 * method), protocol errors, anything else: {@code INTERNAL}.</li>
 * </ul>
 */
final class ThriftFailures {

	private final Map<String, BusStatus> exceptionStatuses;

	ThriftFailures(Map<String, BusStatus> exceptionStatuses) {
		this.exceptionStatuses = Map.copyOf(exceptionStatuses);
	}

	/**
	 * The failure of a call that the backend answered with a declared exception.
	 * @param name the exception's name in the IDL, without its program
	 * @param fields its fields as JSON, by name
	 */
	BackendException declared(String name, Map<String, Object> fields) {
		BusStatus status = this.exceptionStatuses.getOrDefault(name, BusStatus.INTERNAL);
		if (fields.get("message") instanceof String message && !message.isBlank()) {
			return new BackendException(status, message);
		}
		StringJoiner shown = new StringJoiner(", ", name + "(", ")");
		fields.forEach((field, value) -> shown.add(field + ":" + value));
		return new BackendException(status, shown.toString());
	}

	/** The failure of a call that did not complete. */
	BackendException failed(ThriftRoute route, String address, Throwable failure) {
		if (failure instanceof BackendException backend) {
			return backend;
		}
		if (failure instanceof TTransportException transport) {
			if (isTimeout(transport)) {
				return new BackendException(BusStatus.DEADLINE_EXCEEDED,
						route.describe() + ": no answer from " + address + " before the deadline", failure);
			}
			if (isSizeLimit(transport)) {
				return new BackendException(BusStatus.RESPONSE_TOO_LARGE,
						route.describe() + ": the answer is larger than max-message-size (" + transport.getMessage() + ")",
						failure);
			}
			return new BackendException(BusStatus.UNAVAILABLE,
					route.describe() + ": " + address + " unreachable: " + reason(transport), failure);
		}
		if (failure instanceof NoSuchElementException) {
			return new BackendException(BusStatus.DEADLINE_EXCEEDED,
					route.describe() + ": no connection to " + address + " was free before the deadline", failure);
		}
		if (failure instanceof TApplicationException application) {
			return new BackendException(BusStatus.INTERNAL,
					route.describe() + " failed in the backend: " + application.getMessage(), failure);
		}
		if (failure instanceof TProtocolException protocol) {
			return new BackendException(BusStatus.INTERNAL,
					route.describe() + ": unreadable answer from " + address + ": " + protocol.getMessage(), failure);
		}
		return new BackendException(BusStatus.INTERNAL,
				route.describe() + " failed in the bridge: " + failure.getClass().getSimpleName() + ": "
						+ failure.getMessage(), failure);
	}

	static boolean isTimeout(TTransportException ex) {
		return ex.getType() == TTransportException.TIMED_OUT || ex.getCause() instanceof SocketTimeoutException;
	}

	static boolean isSizeLimit(TTransportException ex) {
		String message = ex.getMessage();
		return ex.getType() == TTransportException.CORRUPTED_DATA
				|| (message != null && message.contains("MaxMessageSize"));
	}

	private static String reason(TTransportException ex) {
		Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
		return (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
	}

}

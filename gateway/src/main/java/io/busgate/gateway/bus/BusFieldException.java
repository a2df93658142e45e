package io.busgate.gateway.bus;

import java.time.Duration;

import io.busgate.bus.BusStatus;

/**
 * A bus-bound field could not be fetched. Its {@link #code()} becomes the GraphQL error's
 * {@code extensions.code}: {@value #UPSTREAM_TIMEOUT} when no reply came in time, otherwise
 * the {@code bus-status} of the error reply, or {@code UNAVAILABLE} when the request could not be
 * sent at all.
 */
public class BusFieldException extends RuntimeException {

	/** The code of a field whose reply did not arrive within the reply timeout. */
	public static final String UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT";

	private final String code;

	BusFieldException(String code, String message, Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	static BusFieldException timeout(String operation, Duration timeout) {
		return new BusFieldException(UPSTREAM_TIMEOUT, operation + " did not answer within " + timeout.toMillis() + " ms",
				null);
	}

	static BusFieldException of(BusStatus status, String message) {
		return new BusFieldException(status.code(), message, null);
	}

	static BusFieldException unavailable(String operation, Throwable cause) {
		return new BusFieldException(BusStatus.UNAVAILABLE.code(),
				"the request for " + operation + " could not be sent to the bus (is the broker reachable?)", cause);
	}

	public String code() {
		return this.code;
	}

}

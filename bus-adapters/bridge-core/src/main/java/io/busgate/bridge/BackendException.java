package io.busgate.bridge;

import io.busgate.bus.BusStatus;

/**
 * A backend call failed in a way that maps to a bus status, e.g. the backend was unreachable
 * ({@link BusStatus#UNAVAILABLE}) or rejected the arguments ({@link BusStatus#INVALID_ARGUMENT}).
 */
public class BackendException extends RuntimeException {

	private final BusStatus status;

	public BackendException(BusStatus status, String message) {
		this(status, message, null);
	}

	public BackendException(BusStatus status, String message, Throwable cause) {
		super(message, cause);
		if (status == BusStatus.OK) {
			throw new IllegalArgumentException("a backend failure needs an error status");
		}
		this.status = status;
	}

	public BusStatus status() {
		return this.status;
	}

}

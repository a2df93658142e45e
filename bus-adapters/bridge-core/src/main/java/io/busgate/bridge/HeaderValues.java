package io.busgate.bridge;

import io.busgate.bus.BusStatus;

/**
 * Request values a bridge passes to its backend as an HTTP header or gRPC metadata (the
 * idempotency key, the principal). Both carry printable ASCII only: other characters would be
 * refused or, worse, silently changed into another value (one principal read as another).
 */
public final class HeaderValues {

	private HeaderValues() {
	}

	/**
	 * Checks that a value can travel as a header unchanged.
	 * @param what what the value is, for the error message (e.g. {@code principal})
	 * @param value the value, or {@code null}
	 * @return the value
	 * @throws BackendException {@code INVALID_ARGUMENT} if it holds anything but printable ASCII
	 */
	public static String printableAscii(String what, String value) {
		if (value != null && !value.chars().allMatch((c) -> c >= 0x20 && c < 0x7f)) {
			throw new BackendException(BusStatus.INVALID_ARGUMENT,
					"the " + what + " must be printable ASCII to travel as a header to the backend");
		}
		return value;
	}

}

package io.busgate.bus;

/**
 * A record does not follow the bus contract: a header is missing or malformed, or the value is
 * not the JSON the contract prescribes. The message says which and where.
 */
public class BusContractException extends RuntimeException {

	public BusContractException(String message) {
		super(message);
	}

	public BusContractException(String message, Throwable cause) {
		super(message, cause);
	}

}

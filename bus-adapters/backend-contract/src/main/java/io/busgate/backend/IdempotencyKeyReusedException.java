package io.busgate.backend;

/**
 * An idempotency key its caller already used for another request of the same operation:
 * answering what that request made would tell the caller that something was done which was not.
 */
public final class IdempotencyKeyReusedException extends RuntimeException {

	private final String idempotencyKey;

	IdempotencyKeyReusedException(String idempotencyKey) {
		super("idempotency key '" + idempotencyKey + "' was used for a different request");
		this.idempotencyKey = idempotencyKey;
	}

	/** The key that was reused. */
	public String idempotencyKey() {
		return this.idempotencyKey;
	}

}

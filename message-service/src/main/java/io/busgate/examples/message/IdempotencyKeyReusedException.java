package io.busgate.examples.message;

/**
 * An idempotency key its sender already used for another send: answering that send's message
 * would tell the caller that a message was sent which was not.
 */
final class IdempotencyKeyReusedException extends RuntimeException {

	IdempotencyKeyReusedException(String idempotencyKey) {
		super("idempotency key '" + idempotencyKey + "' was used for a different request");
	}

}

package io.busgate.examples.post;

/**
 * An idempotency key its author already used for another post: answering that post would tell
 * the caller that a post was created which was not.
 */
final class IdempotencyKeyReusedException extends RuntimeException {

	IdempotencyKeyReusedException(String idempotencyKey) {
		super("idempotency key '" + idempotencyKey + "' was used for a different request");
	}

}

package io.busgate.bus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The headers of a request record: enough to route, bound and answer it even when its value
 * cannot be decoded.
 *
 * @param correlationId copied into the reply so the requester can match it
 * @param operation what is asked for, {@code <service>.<name>}
 * @param replyTo the topic the reply goes to
 * @param deadline when the requester stops waiting
 * @param idempotencyKey set on mutations only, otherwise {@code null}
 * @param principal who the request is made for, as the gateway verified it (the subject of the
 * caller's token), or {@code null} for an anonymous caller
 */
public record RequestHeaders(String correlationId, String operation, String replyTo, Instant deadline,
		String idempotencyKey, String principal) {

	public RequestHeaders {
		Objects.requireNonNull(correlationId, "correlationId");
		Objects.requireNonNull(operation, "operation");
		Objects.requireNonNull(replyTo, "replyTo");
		Objects.requireNonNull(deadline, "deadline");
	}

	/** The headers of a request made for an anonymous caller. */
	public RequestHeaders(String correlationId, String operation, String replyTo, Instant deadline,
			String idempotencyKey) {
		this(correlationId, operation, replyTo, deadline, idempotencyKey, null);
	}

	/** Whether the request is a mutation, i.e. carries an idempotency key. */
	public boolean isMutation() {
		return this.idempotencyKey != null;
	}

	/** Time left until the deadline; zero or negative once it has passed. */
	public Duration remaining(Clock clock) {
		return Duration.between(clock.instant(), this.deadline);
	}

	/** Whether the deadline has passed, so nobody waits for the reply any more. */
	public boolean isExpired(Clock clock) {
		return !clock.instant().isBefore(this.deadline);
	}

}

package io.busgate.bus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A reply: {@code {"items":[...]}} when the status is {@link BusStatus#OK}, otherwise
 * {@code {"error":{"message":"..."}}}.
 *
 * @param correlationId the correlation id of the request answered
 * @param status the outcome
 * @param items one item per requested key in key order ({@code null} where not found), or
 * {@code null} for an error reply
 * @param errorMessage what went wrong, or {@code null} for an OK reply
 */
public record BusReply(String correlationId, BusStatus status, List<Object> items, String errorMessage) {

	public BusReply {
		Objects.requireNonNull(correlationId, "correlationId");
		Objects.requireNonNull(status, "status");
		if (status == BusStatus.OK) {
			Objects.requireNonNull(items, "items of an ok reply");
			// Items are null where an entity was not found, which List.copyOf rejects.
			items = Collections.unmodifiableList(new ArrayList<>(items));
		}
		else {
			Objects.requireNonNull(errorMessage, "errorMessage of an error reply");
			items = null;
		}
	}

	public static BusReply ok(String correlationId, List<Object> items) {
		return new BusReply(correlationId, BusStatus.OK, items, null);
	}

	public static BusReply error(String correlationId, BusStatus status, String message) {
		if (status == BusStatus.OK) {
			throw new IllegalArgumentException("an error reply needs an error status");
		}
		return new BusReply(correlationId, status, null, message);
	}

	public boolean isOk() {
		return this.status == BusStatus.OK;
	}

}

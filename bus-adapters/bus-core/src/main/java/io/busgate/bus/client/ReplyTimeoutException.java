package io.busgate.bus.client;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** No reply came for a request before its waiting time was over. */
public class ReplyTimeoutException extends TimeoutException {

	private final String correlationId;

	private final Duration timeout;

	public ReplyTimeoutException(String correlationId, Duration timeout) {
		super("no reply to request " + correlationId + " within " + timeout.toMillis() + " ms");
		this.correlationId = correlationId;
		this.timeout = timeout;
	}

	/** The correlation id of the request nobody answered in time. */
	public String correlationId() {
		return this.correlationId;
	}

	/** How long the request waited. */
	public Duration timeout() {
		return this.timeout;
	}

}

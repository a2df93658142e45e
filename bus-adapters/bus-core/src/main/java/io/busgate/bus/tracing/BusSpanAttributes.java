package io.busgate.bus.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attributes of the spans gateways and bridges make for bus requests, so that a request can
 * be found in a tracing UI by its operation or correlation id, wherever it was served.
 */
public final class BusSpanAttributes {

	/** The operation asked for, e.g. {@code user.getUsers}. */
	public static final AttributeKey<String> OPERATION = AttributeKey.stringKey("bus.operation");

	/** The request's correlation id ({@code bus-correlation-id}). */
	public static final AttributeKey<String> CORRELATION_ID = AttributeKey.stringKey("bus.correlation_id");

	/** The outcome: {@code ok} or an error code. */
	public static final AttributeKey<String> STATUS = AttributeKey.stringKey("bus.status");

	/** How many keys the request asked for (0 for a keyless call). */
	public static final AttributeKey<Long> KEYS = AttributeKey.longKey("bus.keys");

	/** The topic, as OpenTelemetry's messaging conventions name it. */
	public static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");

	private BusSpanAttributes() {
	}

}

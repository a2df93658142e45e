package io.busgate.bus;

import io.busgate.backend.BackendContract;

/**
 * Record header names of bus contract v1. These names are defined here and nowhere else.
 *
 * <p>All header values are UTF-8 strings.
 */
public final class BusHeaders {

	/** Correlates a reply with its request; a fresh random id per request record. */
	public static final String CORRELATION_ID = "bus-correlation-id";

	/** The topic the reply to a request must be written to. */
	public static final String REPLY_TO = "bus-reply-to";

	/** The operation a request asks for, {@code <service>.<name>}, e.g. {@code user.getUsers}. */
	public static final String OPERATION = "bus-operation";

	/** When the requester stops waiting, in epoch milliseconds; bridges skip expired requests. */
	public static final String DEADLINE = "bus-deadline";

	/**
	 * Carried by mutations; a redelivered mutation with a key already served must not act twice.
	 * Events carry the key of the mutation that caused them, so consumers can drop repeats.
	 */
	public static final String IDEMPOTENCY_KEY = "bus-idempotency-key";

	/**
	 * On requests: who the request is made for, the subject of the token the gateway verified;
	 * absent for anonymous callers. Only a gateway sets it, and only from a verified token (a
	 * value a client sends is never copied here). Bridges pass it to the backend (an HTTP header
	 * and gRPC metadata of the same name, a reserved field of a Thrift call) so that backends can
	 * enforce access themselves (names in {@link BackendContract}, where this one is defined: the
	 * bus header and the backends' HTTP header and gRPC metadata are one name). It names the caller
	 * and is never a credential.
	 */
	public static final String PRINCIPAL = BackendContract.PRINCIPAL;

	/** The outcome of a request, on replies: {@code ok} or a {@link BusStatus} code. */
	public static final String STATUS = "bus-status";

	/** Media type of the value; always {@value #JSON} in v1. */
	public static final String CONTENT_TYPE = "content-type";

	/** W3C trace context. */
	public static final String TRACEPARENT = "traceparent";

	/** W3C trace context, vendor part. */
	public static final String TRACESTATE = "tracestate";

	/**
	 * On events: what happened, named after the operation that caused it, e.g.
	 * {@code message.sendMessage}.
	 */
	public static final String EVENT_TYPE = "bus-event-type";

	/**
	 * On replayed requests: the correlation id of the recorded request this one repeats. Tells
	 * replays apart from recorded traffic, so they are never replayed themselves, and keeps
	 * bridges from publishing events for them a second time.
	 */
	public static final String REPLAY_OF = "bus-replay-of";

	/** On dead letters: why the record could not be processed. */
	public static final String DLT_REASON = "bus-dlt-reason";

	/** On dead letters: where the record was read from ({@code topic-partition@offset}). */
	public static final String DLT_ORIGIN = "bus-dlt-origin";

	/** The only content type of v1. */
	public static final String JSON = "application/json";

	private BusHeaders() {
	}

}

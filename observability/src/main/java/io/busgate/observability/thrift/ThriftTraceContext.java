package io.busgate.observability.thrift;

import java.util.Map;

import io.busgate.backend.BackendContract;

/**
 * How W3C trace context travels on a Thrift call. Thrift's Java library has no header protocol,
 * so the client writes the context as two extra string fields at the end of the call's
 * arguments struct (after the declared fields, before the stop marker):
 *
 * <table>
 * <caption>Trace context fields of a call's {@code <method>_args} struct</caption>
 * <tr><th>field id</th><th>type</th><th>value</th></tr>
 * <tr><td>{@value #TRACEPARENT_FIELD}</td><td>string</td><td>W3C {@code traceparent}</td></tr>
 * <tr><td>{@value #TRACESTATE_FIELD}</td><td>string</td><td>W3C {@code tracestate}, when
 * there is one</td></tr>
 * <tr><td>{@value #PRINCIPAL_FIELD}</td><td>string</td><td>the caller the call is made for
 * ({@link ThriftPrincipal}), when there is one</td></tr>
 * </table>
 *
 * <p>Generated Thrift code skips fields it does not know, so a server without
 * {@link ThriftServerTracing} serves traced calls unchanged, and a server with it serves
 * untraced clients (each call then starts a trace of its own). No IDL may declare these ids.
 */
public final class ThriftTraceContext {

	/** The field id of {@code traceparent}: the highest a Thrift field can have. */
	public static final short TRACEPARENT_FIELD = Short.MAX_VALUE;

	/** The field id of {@code tracestate}. */
	public static final short TRACESTATE_FIELD = Short.MAX_VALUE - 1;

	/**
	 * The field id of the principal, the caller a call is made for
	 * ({@link BackendContract#THRIFT_PRINCIPAL_FIELD}); reserved next to the trace context so that
	 * one decorator carries all of a call's context.
	 */
	public static final short PRINCIPAL_FIELD = BackendContract.THRIFT_PRINCIPAL_FIELD;

	static final Map<Short, String> FIELD_NAMES = Map.of(TRACEPARENT_FIELD, "traceparent", TRACESTATE_FIELD,
			"tracestate");

	private ThriftTraceContext() {
	}

}

package io.busgate.observability.thrift;

import java.util.concurrent.Callable;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;

/**
 * The caller a Thrift call is made for, carried in the reserved field
 * {@link ThriftTraceContext#PRINCIPAL_FIELD} of the call's arguments struct. It names the caller
 * (the bus's principal, the subject of the token the gateway verified); it is never a
 * credential, and a server can trust it only as far as it trusts its clients (the bridge), like
 * the HTTP header and gRPC metadata {@value io.busgate.backend.BackendContract#PRINCIPAL}.
 *
 * <p>Clients: {@link #callAs} around the call, on a protocol from
 * {@link ThriftClientTracing#protocol}. Servers: protocols and processor from
 * {@link ThriftServerTracing}, then {@link #current()} in the handler. A server without them
 * skips the field, like any field it does not know.
 */
public final class ThriftPrincipal {

	/** Server side: the principal of the call being served, in the call's context. */
	static final ContextKey<String> SERVED = ContextKey.named("busgate-thrift-principal");

	/**
	 * Client side: the principal of the calls this thread writes. A thread-local, not the
	 * context, so that a call made for no one clears whatever an outer call set.
	 */
	private static final ThreadLocal<String> CALLING = new ThreadLocal<>();

	private ThriftPrincipal() {
	}

	/**
	 * Runs Thrift calls made for a principal: every call this thread writes while {@code call}
	 * runs carries it.
	 * @param principal who the calls are made for, or {@code null} for an anonymous caller (no
	 * field is sent)
	 * @param call the calls
	 * @return what {@code call} returns
	 */
	public static <T> T callAs(String principal, Callable<T> call) throws Exception {
		String outer = CALLING.get();
		CALLING.set(principal);
		try {
			return call.call();
		}
		finally {
			if (outer != null) {
				CALLING.set(outer);
			}
			else {
				CALLING.remove();
			}
		}
	}

	/**
	 * The principal the call being served is made for, for a handler to enforce access with.
	 * @return the principal, or {@code null} when the client sent none (an anonymous caller or a
	 * client without this field) or outside a call
	 */
	public static String current() {
		return Context.current().get(SERVED);
	}

	/** The principal of the calls the current thread writes, or {@code null}. */
	static String calling() {
		return CALLING.get();
	}

}

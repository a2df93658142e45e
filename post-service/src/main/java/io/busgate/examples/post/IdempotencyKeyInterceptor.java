package io.busgate.examples.post;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Moves the {@code idempotency-key} request metadata into the gRPC {@link Context}, where the
 * service reads it as {@link #KEY}: transport metadata stays out of the request messages, and
 * the service needs no access to headers.
 */
final class IdempotencyKeyInterceptor implements ServerInterceptor {

	/** The request metadata carrying the key, as the grpc-bridge sends it. */
	static final Metadata.Key<String> HEADER = Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);

	/** The key of the current call, {@code null} when the call has none. */
	static final Context.Key<String> KEY = Context.key("idempotency-key");

	@Override
	public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
			ServerCallHandler<Q, A> next) {
		String key = headers.get(HEADER);
		if (key == null) {
			return next.startCall(call, headers);
		}
		return Contexts.interceptCall(Context.current().withValue(KEY, key), call, headers, next);
	}

}

package io.busgate.examples.post;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

import io.busgate.backend.BackendContract;

/**
 * Moves the request metadata the grpc-bridge sends into the gRPC {@link Context}, where the
 * service reads it: {@link BackendContract#IDEMPOTENCY_KEY} as {@link #IDEMPOTENCY_KEY}, and
 * {@link BackendContract#PRINCIPAL} (the caller a call is made for, as the gateway verified it) as
 * {@link #PRINCIPAL}, to enforce access. Transport metadata stays out of the request messages,
 * and the service needs no access to headers. The principal is trusted as sent: only the
 * grpc-bridge may reach this server.
 */
final class CallMetadataInterceptor implements ServerInterceptor {

	static final Metadata.Key<String> IDEMPOTENCY_KEY_HEADER = Metadata.Key.of(BackendContract.IDEMPOTENCY_KEY,
			Metadata.ASCII_STRING_MARSHALLER);

	/** The idempotency key of the current call, {@code null} when the call has none. */
	static final Context.Key<String> IDEMPOTENCY_KEY = Context.key(BackendContract.IDEMPOTENCY_KEY);

	static final Metadata.Key<String> PRINCIPAL_HEADER = Metadata.Key.of(BackendContract.PRINCIPAL,
			Metadata.ASCII_STRING_MARSHALLER);

	/** The principal of the current call, {@code null} for an anonymous caller. */
	static final Context.Key<String> PRINCIPAL = Context.key(BackendContract.PRINCIPAL);

	@Override
	public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
			ServerCallHandler<Q, A> next) {
		Context context = Context.current()
			.withValue(IDEMPOTENCY_KEY, headers.get(IDEMPOTENCY_KEY_HEADER))
			.withValue(PRINCIPAL, headers.get(PRINCIPAL_HEADER));
		return Contexts.interceptCall(context, call, headers, next);
	}

}

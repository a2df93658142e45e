package io.busgate.examples.post;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Moves the {@code bus-principal} request metadata, the caller a call is made for as the
 * gateway verified it, into the gRPC {@link Context}, where the service reads it as
 * {@link #PRINCIPAL} to enforce access. The service trusts it as sent: only the grpc-bridge may
 * reach this server.
 */
final class PrincipalInterceptor implements ServerInterceptor {

	/** The request metadata carrying the principal, as the grpc-bridge sends it. */
	static final Metadata.Key<String> HEADER = Metadata.Key.of("bus-principal", Metadata.ASCII_STRING_MARSHALLER);

	/** The principal of the current call, {@code null} for an anonymous caller. */
	static final Context.Key<String> PRINCIPAL = Context.key("bus-principal");

	@Override
	public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
			ServerCallHandler<Q, A> next) {
		String principal = headers.get(HEADER);
		if (principal == null) {
			return next.startCall(call, headers);
		}
		return Contexts.interceptCall(Context.current().withValue(PRINCIPAL, principal), call, headers, next);
	}

}

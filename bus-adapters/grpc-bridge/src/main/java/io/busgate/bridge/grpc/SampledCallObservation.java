package io.busgate.bridge.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcClientInterceptor;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;

/**
 * The gRPC client observation for calls whose trace is sampled, and only for them. A sampled
 * call is observed as before: a client span, the {@code grpc.client} meters, and that span's
 * W3C context in the call's metadata. Any other call skips the observation, which would record
 * nothing to export yet costs about as much as the call itself; it still carries the caller's
 * trace context (unsampled) in its metadata, so the backend continues the same trace and makes
 * the same sampling decision.
 */
final class SampledCallObservation implements ClientInterceptor {

	private static final TextMapSetter<Metadata> METADATA = (metadata, name, value) -> metadata
		.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);

	private final ClientInterceptor observation;

	private final TextMapPropagator propagator;

	SampledCallObservation(ObservationRegistry observations, TextMapPropagator propagator) {
		this.observation = new ObservationGrpcClientInterceptor(observations);
		this.propagator = propagator;
	}

	@Override
	public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
		Context context = Context.current();
		SpanContext span = Span.fromContext(context).getSpanContext();
		if (span.isSampled()) {
			return this.observation.interceptCall(method, options, next);
		}
		ClientCall<Q, A> call = next.newCall(method, options);
		if (!span.isValid()) {
			return call;
		}
		return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {

			@Override
			public void start(Listener<A> listener, Metadata headers) {
				SampledCallObservation.this.propagator.inject(context, headers, METADATA);
				super.start(listener, headers);
			}

		};
	}

}

package io.busgate.observability.thrift;

import java.util.concurrent.Callable;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.thrift.protocol.TProtocol;

/**
 * Client spans for calls to a Thrift service: {@link #call} makes a {@code CLIENT} span current
 * around a call, and protocols from {@link #protocol} send that context to the server
 * ({@link ThriftTraceContext}).
 */
public final class ThriftClientTracing {

	static final String INSTRUMENTATION = "io.busgate.thrift";

	static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");

	static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");

	static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");

	static final String THRIFT = "apache_thrift";

	private static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");

	private final Tracer tracer;

	private final TextMapPropagator propagator;

	private final String service;

	private final String serverAddress;

	/**
	 * @param service the Thrift service's name, e.g. {@code MessageService}; spans are named
	 * {@code <service>/<method>}
	 * @param serverAddress {@code host:port} of the server
	 */
	public ThriftClientTracing(OpenTelemetry openTelemetry, String service, String serverAddress) {
		this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
		this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
		this.service = service;
		this.serverAddress = serverAddress;
	}

	/** A protocol that sends the current trace context with every call it writes. */
	public TProtocol protocol(TProtocol protocol) {
		return new ContextWritingProtocol(protocol, this.propagator);
	}

	/** Runs a call as a client span of {@code method}, current while the call runs. */
	public <T> T call(String method, Callable<T> call) throws Exception {
		Span span = this.tracer.spanBuilder(this.service + "/" + method)
			.setSpanKind(SpanKind.CLIENT)
			.setAttribute(RPC_SYSTEM, THRIFT)
			.setAttribute(RPC_SERVICE, this.service)
			.setAttribute(RPC_METHOD, method)
			.setAttribute(SERVER_ADDRESS, this.serverAddress)
			.startSpan();
		try (Scope scope = span.makeCurrent()) {
			return call.call();
		}
		catch (Exception ex) {
			span.recordException(ex);
			span.setStatus(StatusCode.ERROR);
			throw ex;
		}
		finally {
			span.end();
		}
	}

}

package io.busgate.observability.thrift;

import java.util.Map;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.thrift.TException;
import org.apache.thrift.TProcessor;
import org.apache.thrift.protocol.TProtocolFactory;

/**
 * Server spans for a Thrift service: each call becomes a {@code SERVER} span, child of the trace
 * context the client sent ({@link ThriftTraceContext}), current while the handler runs, and the
 * principal the client sent is {@link ThriftPrincipal#current()} meanwhile. Use both
 * {@link #protocolFactory} and {@link #processor} on the same server.
 */
public final class ThriftServerTracing {

	private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {

		@Override
		public Iterable<String> keys(Map<String, String> carrier) {
			return carrier.keySet();
		}

		@Override
		public String get(Map<String, String> carrier, String key) {
			return (carrier != null) ? carrier.get(key) : null;
		}

	};

	private final Tracer tracer;

	private final TextMapPropagator propagator;

	private final String service;

	/**
	 * @param service the Thrift service's name, e.g. {@code MessageService}; spans are named
	 * {@code <service>/<method>}
	 */
	public ThriftServerTracing(OpenTelemetry openTelemetry, String service) {
		this.tracer = openTelemetry.getTracer(ThriftClientTracing.INSTRUMENTATION);
		this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
		this.service = service;
	}

	/** Protocols that read the trace context of each call. */
	public TProtocolFactory protocolFactory(TProtocolFactory protocols) {
		return (transport) -> new ContextReadingProtocol(protocols.getProtocol(transport), new ServerSpan());
	}

	/** A processor that ends each call's span once its reply is written. */
	public TProcessor processor(TProcessor processor) {
		return (in, out) -> {
			ServerSpan span = (in instanceof ContextReadingProtocol reading) ? (ServerSpan) reading.listener() : null;
			try {
				processor.process(in, out);
			}
			catch (TException | RuntimeException ex) {
				if (span != null) {
					span.failed(ex);
				}
				throw ex;
			}
			finally {
				if (span != null) {
					span.end();
				}
			}
		};
	}

	/** The span of the call being served on one protocol instance. */
	private final class ServerSpan implements ContextReadingProtocol.CallListener {

		private Span span;

		private Scope scope;

		@Override
		public void callRead(String method, Map<String, String> traceContext, String principal) {
			Context parent = ThriftServerTracing.this.propagator.extract(Context.root(), traceContext, GETTER);
			this.span = ThriftServerTracing.this.tracer
				.spanBuilder(ThriftServerTracing.this.service + "/" + method)
				.setParent(parent)
				.setSpanKind(SpanKind.SERVER)
				.setAttribute(ThriftClientTracing.RPC_SYSTEM, ThriftClientTracing.THRIFT)
				.setAttribute(ThriftClientTracing.RPC_SERVICE, ThriftServerTracing.this.service)
				.setAttribute(ThriftClientTracing.RPC_METHOD, method)
				.startSpan();
			Context served = Context.current().with(this.span);
			this.scope = ((principal != null) ? served.with(ThriftPrincipal.SERVED, principal) : served).makeCurrent();
		}

		void failed(Exception ex) {
			if (this.span != null) {
				this.span.recordException(ex);
				this.span.setStatus(StatusCode.ERROR);
			}
		}

		void end() {
			if (this.span != null) {
				this.scope.close();
				this.span.end();
				this.span = null;
				this.scope = null;
			}
		}

	}

}

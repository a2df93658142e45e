package io.busgate.bus.autoconfigure;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.instrumentation.kafkaclients.v2_6.KafkaTelemetry;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * OpenTelemetry's Kafka producer instrumentation, paid for only by records whose trace is
 * recorded. A record sent under a span that is not sampled gets that span's context in its
 * headers, so that its consumer continues the same (unsampled) trace and its log lines carry the
 * same trace id, but no {@code PRODUCER} span: the instrumentation would start one that no
 * exporter ever sees, extracting its attributes (the producer's bootstrap servers among them) for
 * every record. Records sent under a sampled span, or with no span at all (a trace starts there),
 * go through the instrumentation as before.
 */
final class SampledProducerTracing implements InvocationHandler {

	private static final TextMapSetter<Headers> REPLACING_SETTER = (headers, key, value) -> {
		// One traceparent per record, as the instrumentation writes it: a copied record names its new producer.
		headers.remove(key);
		headers.add(key, value.getBytes(StandardCharsets.UTF_8));
	};

	private final Producer<?, ?> producer;

	private final Producer<?, ?> instrumented;

	private final TextMapPropagator propagator;

	private SampledProducerTracing(Producer<?, ?> producer, Producer<?, ?> instrumented,
			TextMapPropagator propagator) {
		this.producer = producer;
		this.instrumented = instrumented;
		this.propagator = propagator;
	}

	@SuppressWarnings("unchecked")
	static <K, V> Producer<K, V> wrap(Producer<K, V> producer, KafkaTelemetry telemetry,
			TextMapPropagator propagator) {
		return (Producer<K, V>) Proxy.newProxyInstance(SampledProducerTracing.class.getClassLoader(),
				new Class<?>[] { Producer.class },
				new SampledProducerTracing(producer, telemetry.wrap(producer), propagator));
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		Producer<?, ?> target = this.instrumented;
		if (isSend(method, args) && isUnsampled(Span.current().getSpanContext())) {
			this.propagator.inject(Context.current(), ((ProducerRecord<?, ?>) args[0]).headers(), REPLACING_SETTER);
			target = this.producer;
		}
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private static boolean isSend(Method method, Object[] args) {
		return "send".equals(method.getName()) && args != null && args.length > 0
				&& args[0] instanceof ProducerRecord<?, ?>;
	}

	private static boolean isUnsampled(SpanContext span) {
		return span.isValid() && !span.isSampled();
	}

}

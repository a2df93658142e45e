package io.busgate.gateway.bus;

import java.util.List;

import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.MDC;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchMessageListener;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusContractException;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusStatus;
import io.busgate.bus.client.PendingReplies;
import io.busgate.bus.tracing.RecordTraceContext;
import io.busgate.observability.ObservabilityDefaults;

/**
 * Reads this gateway's reply topic and completes the waiting requests. Replies that nobody waits
 * for any more are dropped; undecodable replies fail their request (when their correlation id is
 * readable) and go to the reply topic's dead-letter topic.
 */
final class ReplyListener implements BatchMessageListener<String, byte[]> {

	private static final Log logger = LogFactory.getLog(ReplyListener.class);

	private final PendingReplies<BusReply> pending;

	private final BusCodec codec;

	private final KafkaTemplate<String, byte[]> template;

	private final BusMetrics metrics;

	private final TextMapPropagator propagator;

	ReplyListener(PendingReplies<BusReply> pending, BusCodec codec, KafkaTemplate<String, byte[]> template,
			BusMetrics metrics, TextMapPropagator propagator) {
		this.pending = pending;
		this.codec = codec;
		this.template = template;
		this.metrics = metrics;
		this.propagator = propagator;
	}

	@Override
	public void onMessage(List<ConsumerRecord<String, byte[]>> records) {
		for (ConsumerRecord<String, byte[]> record : records) {
			// Log lines and dead letters about a reply belong to its request's trace.
			try (Scope scope = RecordTraceContext.of(record, this.propagator).makeCurrent();
					MDC.MDCCloseable correlation = MDC.putCloseable(ObservabilityDefaults.CORRELATION_ID, record.key())) {
				complete(record);
			}
		}
	}

	private void complete(ConsumerRecord<String, byte[]> record) {
		try {
			BusReply reply = this.codec.readReply(record);
			if (!this.pending.complete(reply.correlationId(), reply) && logger.isDebugEnabled()) {
				logger.debug("Dropping a reply nobody waits for (late or duplicate): " + record.key());
			}
		}
		catch (BusContractException ex) {
			undecodable(record, ex);
		}
	}

	private void undecodable(ConsumerRecord<String, byte[]> record, BusContractException ex) {
		logger.warn("Dead-lettering an undecodable reply: " + ex.getMessage());
		ProducerRecord<String, byte[]> deadLetter = this.codec.deadLetterRecord(record, ex.getMessage());
		this.metrics.deadLettered(deadLetter.topic());
		this.template.send(deadLetter);
		try {
			this.pending.fail(this.codec.readCorrelationId(record),
					BusFieldException.of(BusStatus.INTERNAL, "the reply could not be decoded: " + ex.getMessage()));
		}
		catch (BusContractException noCorrelationId) {
			// Nothing to fail: the request it belonged to, if any, times out.
		}
	}

}

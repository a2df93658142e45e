package io.busgate.replay;

import java.time.Instant;

import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;

/**
 * A request as recorded on its topic, with the reply it got then.
 *
 * @param topic the topic it was read from
 * @param partition its partition
 * @param offset its offset
 * @param time when it was written
 * @param request the decoded request; its headers are the recorded ones
 * @param traceId its W3C trace id, or {@code null}
 * @param original the recorded reply, or {@code null} when none was found
 * @param originalTime when the recorded reply was written, or {@code null}
 * @param originalMissing why there is no recorded reply, or {@code null} when there is one
 */
record RecordedRequest(String topic, int partition, long offset, Instant time, BusRequest request, String traceId,
		BusReply original, Instant originalTime, String originalMissing) {

	String where() {
		return this.topic + "-" + this.partition + "@" + this.offset;
	}

	String correlationId() {
		return this.request.headers().correlationId();
	}

	String operation() {
		return this.request.headers().operation();
	}

	boolean isMutation() {
		return this.request.headers().isMutation();
	}

	RecordedRequest withOriginal(BusReply reply, Instant replyTime, String missing) {
		return new RecordedRequest(this.topic, this.partition, this.offset, this.time, this.request, this.traceId, reply,
				replyTime, missing);
	}

}

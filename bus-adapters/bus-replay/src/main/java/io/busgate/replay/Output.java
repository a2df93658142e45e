package io.busgate.replay;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

import io.busgate.replay.JsonDiff.Difference;

/** How requests, replies and differences are written, for people and (with --json) for programs. */
final class Output {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Output() {
	}

	static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

	static String prettyJson(Object value) {
		return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
	}

	/** The request's coordinates and content, as written in a line and in JSON. */
	static Map<String, Object> request(RecordedRequest recorded) {
		Map<String, Object> request = new LinkedHashMap<>();
		request.put("time", recorded.time().toString());
		request.put("topic", recorded.topic());
		request.put("partition", recorded.partition());
		request.put("offset", recorded.offset());
		request.put("operation", recorded.operation());
		request.put("keys", recorded.request().keys());
		request.put("args", recorded.request().args());
		request.put("correlationId", recorded.correlationId());
		request.put("idempotencyKey", recorded.request().headers().idempotencyKey());
		request.put("traceId", recorded.traceId());
		return request;
	}

	static Map<String, Object> original(RecordedRequest recorded) {
		Map<String, Object> original = new LinkedHashMap<>();
		if (recorded.original() == null) {
			original.put("missing", recorded.originalMissing());
			return original;
		}
		original.put("status", recorded.original().status().code());
		original.put("latencyMs", recorded.originalTime().toEpochMilli() - recorded.time().toEpochMilli());
		return original;
	}

	/** {@code status latency}, or why there is no recorded reply. */
	static String originalInWords(RecordedRequest recorded) {
		if (recorded.original() == null) {
			return "no recorded reply (" + recorded.originalMissing() + ")";
		}
		return recorded.original().status().code() + " "
				+ (recorded.originalTime().toEpochMilli() - recorded.time().toEpochMilli()) + "ms";
	}

	/** {@code operation keys=[...] args={...}}, the part a person recognises a request by. */
	static String what(RecordedRequest recorded) {
		StringBuilder text = new StringBuilder(recorded.operation());
		if (recorded.request().isKeyed()) {
			text.append(" keys=").append(json(recorded.request().keys()));
		}
		if (!recorded.request().args().isEmpty()) {
			text.append(" args=").append(json(recorded.request().args()));
		}
		if (recorded.isMutation()) {
			text.append(" idempotency-key=").append(recorded.request().headers().idempotencyKey());
		}
		return text.toString();
	}

	static List<Map<String, Object>> differences(List<Difference> differences) {
		return differences.stream().map((difference) -> {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("path", difference.path());
			if (difference.before() != JsonDiff.ABSENT) {
				entry.put("before", difference.before());
			}
			if (difference.after() != JsonDiff.ABSENT) {
				entry.put("after", difference.after());
			}
			return entry;
		}).toList();
	}

	/** {@code path: before -> after}, values as JSON. */
	static String inWords(Difference difference) {
		return difference.path() + ": " + valueInWords(difference.before()) + " -> " + valueInWords(difference.after());
	}

	private static String valueInWords(Object value) {
		return (value == JsonDiff.ABSENT) ? "(absent)" : json(value);
	}

}

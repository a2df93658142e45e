package io.busgate.bus;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes and decodes the records of bus contract v1. Keys are strings, values UTF-8 JSON
 * bytes. Every decoding failure is a {@link BusContractException} that names the record and
 * what is wrong with it.
 *
 * <p>Thread-safe.
 */
public final class BusCodec {

	private static final int MAX_QUOTED_VALUE = 120;

	private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

	private static final String INVALID_TRACE_ID = "0".repeat(32);

	private final JsonMapper mapper;

	public BusCodec() {
		this(JsonMapper.builder().build());
	}

	public BusCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	// ---- requests

	/** A request record for the operation's service topic, {@code <service>.requests}. */
	public ProducerRecord<String, byte[]> requestRecord(BusRequest request) {
		return requestRecord(request, BusTopics.requests(BusTopics.serviceOf(request.headers().operation())));
	}

	/** A request record for the given topic, e.g. a canary copy of a service's request topic. */
	public ProducerRecord<String, byte[]> requestRecord(BusRequest request, String topic) {
		RequestHeaders h = request.headers();
		Headers headers = new RecordHeaders();
		put(headers, BusHeaders.CORRELATION_ID, h.correlationId());
		put(headers, BusHeaders.REPLY_TO, h.replyTo());
		put(headers, BusHeaders.OPERATION, h.operation());
		put(headers, BusHeaders.DEADLINE, Long.toString(h.deadline().toEpochMilli()));
		if (h.idempotencyKey() != null) {
			put(headers, BusHeaders.IDEMPOTENCY_KEY, h.idempotencyKey());
		}
		if (h.principal() != null) {
			put(headers, BusHeaders.PRINCIPAL, h.principal());
		}
		put(headers, BusHeaders.CONTENT_TYPE, BusHeaders.JSON);
		Map<String, Object> value = new LinkedHashMap<>();
		if (request.isKeyed()) {
			value.put("keys", request.keys());
		}
		value.put("args", request.args());
		return new ProducerRecord<>(topic, null, request.recordKey(), this.mapper.writeValueAsBytes(value), headers);
	}

	/**
	 * A replay of a recorded request for the given topic: the request (with a new correlation id,
	 * reply topic and deadline) marked with {@link BusHeaders#REPLAY_OF} naming the original.
	 */
	public ProducerRecord<String, byte[]> replayRecord(BusRequest request, String topic, String replayOf) {
		ProducerRecord<String, byte[]> record = requestRecord(request, topic);
		put(record.headers(), BusHeaders.REPLAY_OF, replayOf);
		return record;
	}

	/**
	 * The correlation id of the recorded request a replayed request repeats, or {@code null} for
	 * a request that is not a replay.
	 */
	public String readReplayOf(ConsumerRecord<?, ?> record) {
		return optional(record.headers(), BusHeaders.REPLAY_OF);
	}

	/**
	 * The W3C trace id (32 lowercase hex digits) of the record's {@code traceparent} header, or
	 * {@code null} when the record carries no valid trace context.
	 */
	public String readTraceId(ConsumerRecord<?, ?> record) {
		String traceparent = optional(record.headers(), BusHeaders.TRACEPARENT);
		if (traceparent == null) {
			return null;
		}
		String[] parts = traceparent.split("-");
		return (parts.length >= 4 && TRACE_ID.matcher(parts[1]).matches() && !parts[1].equals(INVALID_TRACE_ID))
				? parts[1] : null;
	}

	/**
	 * Reads the headers of a request record.
	 * @throws BusContractException if a required header is missing or malformed
	 */
	public RequestHeaders readRequestHeaders(ConsumerRecord<?, ?> record) {
		Headers headers = record.headers();
		String correlationId = required(record, BusHeaders.CORRELATION_ID);
		String replyTo = required(record, BusHeaders.REPLY_TO);
		if (!BusTopics.isReplyTopic(replyTo)) {
			throw new BusContractException(where(record) + ": header " + BusHeaders.REPLY_TO + " is not a reply topic: "
					+ quote(replyTo));
		}
		String operation = required(record, BusHeaders.OPERATION);
		String deadline = required(record, BusHeaders.DEADLINE);
		Instant deadlineInstant;
		try {
			deadlineInstant = Instant.ofEpochMilli(Long.parseLong(deadline));
		}
		catch (NumberFormatException ex) {
			throw new BusContractException(
					where(record) + ": header " + BusHeaders.DEADLINE + " is not epoch milliseconds: " + quote(deadline));
		}
		return new RequestHeaders(correlationId, operation, replyTo, deadlineInstant,
				optional(headers, BusHeaders.IDEMPOTENCY_KEY), optional(headers, BusHeaders.PRINCIPAL));
	}

	/**
	 * Reads a whole request record.
	 * @throws BusContractException if a header is missing or malformed, or the value is not a
	 * request object
	 */
	public BusRequest readRequest(ConsumerRecord<String, byte[]> record) {
		RequestHeaders headers = readRequestHeaders(record);
		Map<String, Object> value = readObject(record);
		Object keys = value.get("keys");
		if (keys != null && !(keys instanceof List<?> list && !list.isEmpty())) {
			throw new BusContractException(where(record) + ": 'keys' must be a non-empty array (or absent for a"
					+ " keyless call), was " + quote(json(keys)));
		}
		Object args = value.get("args");
		if (args != null && !(args instanceof Map<?, ?>)) {
			throw new BusContractException(where(record) + ": 'args' must be an object, was " + quote(json(args)));
		}
		@SuppressWarnings("unchecked")
		List<Object> keyList = (List<Object>) keys;
		@SuppressWarnings("unchecked")
		Map<String, Object> argMap = (args != null) ? (Map<String, Object>) args : Map.of();
		return new BusRequest(headers, keyList, argMap);
	}

	// ---- replies

	/** The reply record answering a request, on the request's reply topic. */
	public ProducerRecord<String, byte[]> replyRecord(RequestHeaders request, BusReply reply) {
		Headers headers = new RecordHeaders();
		put(headers, BusHeaders.CORRELATION_ID, reply.correlationId());
		put(headers, BusHeaders.STATUS, reply.status().code());
		put(headers, BusHeaders.CONTENT_TYPE, BusHeaders.JSON);
		Object value = reply.isOk() ? Map.of("items", reply.items())
				: Map.of("error", Map.of("message", reply.errorMessage()));
		return new ProducerRecord<>(request.replyTo(), null, reply.correlationId(), this.mapper.writeValueAsBytes(value),
				headers);
	}

	/**
	 * Reads the correlation id of a reply record, so that a reply whose value is broken can still
	 * fail its request instead of leaving it to time out.
	 * @throws BusContractException if the header is missing
	 */
	public String readCorrelationId(ConsumerRecord<?, ?> record) {
		return required(record, BusHeaders.CORRELATION_ID);
	}

	/**
	 * Reads a reply record.
	 * @throws BusContractException if a header is missing or malformed or the value does not
	 * match the status
	 */
	public BusReply readReply(ConsumerRecord<String, byte[]> record) {
		String correlationId = required(record, BusHeaders.CORRELATION_ID);
		BusStatus status;
		try {
			status = BusStatus.fromCode(required(record, BusHeaders.STATUS));
		}
		catch (BusContractException ex) {
			throw new BusContractException(where(record) + ": " + ex.getMessage());
		}
		Map<String, Object> value = readObject(record);
		if (status == BusStatus.OK) {
			if (!(value.get("items") instanceof List<?> items)) {
				throw new BusContractException(where(record) + ": an ok reply needs an 'items' array, value was "
						+ quote(json(value)));
			}
			@SuppressWarnings("unchecked")
			List<Object> itemList = (List<Object>) items;
			return BusReply.ok(correlationId, itemList);
		}
		Object message = (value.get("error") instanceof Map<?, ?> error) ? error.get("message") : null;
		String text = (message instanceof String string) ? string : "no error message (" + status.code() + ")";
		return BusReply.error(correlationId, status, text);
	}

	// ---- events

	/** The record of an event, on {@code <service>.events}, keyed by its entity. */
	public ProducerRecord<String, byte[]> eventRecord(BusEvent event) {
		Headers headers = new RecordHeaders();
		put(headers, BusHeaders.EVENT_TYPE, event.type());
		if (event.idempotencyKey() != null) {
			put(headers, BusHeaders.IDEMPOTENCY_KEY, event.idempotencyKey());
		}
		put(headers, BusHeaders.CONTENT_TYPE, BusHeaders.JSON);
		return new ProducerRecord<>(event.topic(), null, event.key(), this.mapper.writeValueAsBytes(event.payload()),
				headers);
	}

	/**
	 * Reads an event record.
	 * @throws BusContractException if the type header or the key is missing, or the value is not
	 * a JSON object
	 */
	public BusEvent readEvent(ConsumerRecord<String, byte[]> record) {
		String type = required(record, BusHeaders.EVENT_TYPE);
		if (record.key() == null || record.key().isEmpty()) {
			throw new BusContractException(where(record) + ": an event needs the key of its entity");
		}
		Map<String, Object> payload = readObject(record);
		try {
			return new BusEvent(type, record.key(), payload,
					optional(record.headers(), BusHeaders.IDEMPOTENCY_KEY));
		}
		catch (IllegalArgumentException ex) {
			throw new BusContractException(where(record) + ": " + ex.getMessage(), ex);
		}
	}

	// ---- dead letters

	/**
	 * A copy of a record that could not be processed, for its dead-letter topic: same key, value
	 * and headers, plus the reason and where it came from.
	 */
	public ProducerRecord<String, byte[]> deadLetterRecord(ConsumerRecord<String, byte[]> record, String reason) {
		Headers headers = new RecordHeaders(record.headers().toArray());
		headers.remove(BusHeaders.DLT_REASON);
		headers.remove(BusHeaders.DLT_ORIGIN);
		put(headers, BusHeaders.DLT_REASON, reason);
		put(headers, BusHeaders.DLT_ORIGIN, record.topic() + "-" + record.partition() + "@" + record.offset());
		return new ProducerRecord<>(BusTopics.deadLetter(record.topic()), null, record.key(), record.value(), headers);
	}

	// ---- helpers

	/**
	 * The record's value as plain maps and lists, parsed once: no tree to convert afterwards on a
	 * path every request and reply takes.
	 */
	private Map<String, Object> readObject(ConsumerRecord<String, byte[]> record) {
		byte[] bytes = record.value();
		if (bytes == null || bytes.length == 0) {
			throw new BusContractException(where(record) + ": value is empty, expected a JSON object");
		}
		Object value;
		try {
			value = this.mapper.readValue(bytes, Object.class);
		}
		catch (JacksonException ex) {
			throw new BusContractException(where(record) + ": value is not valid JSON: " + ex.getOriginalMessage(), ex);
		}
		if (!(value instanceof Map<?, ?>)) {
			throw new BusContractException(where(record) + ": value must be a JSON object, was "
					+ quote(new String(bytes, StandardCharsets.UTF_8)));
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> object = (Map<String, Object>) value;
		return object;
	}

	/** A decoded value as JSON again, for an error message. */
	private String json(Object value) {
		return this.mapper.writeValueAsString(value);
	}

	private static String required(ConsumerRecord<?, ?> record, String name) {
		String value = optional(record.headers(), name);
		if (value == null || value.isEmpty()) {
			throw new BusContractException(where(record) + ": missing header " + name);
		}
		return value;
	}

	private static String optional(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private static void put(Headers headers, String name, String value) {
		headers.add(name, value.getBytes(StandardCharsets.UTF_8));
	}

	private static String where(ConsumerRecord<?, ?> record) {
		return "record " + record.topic() + "-" + record.partition() + "@" + record.offset();
	}

	private static String quote(String value) {
		String shown = (value.length() > MAX_QUOTED_VALUE) ? value.substring(0, MAX_QUOTED_VALUE) + "..." : value;
		return "'" + shown + "'";
	}

}

package io.busgate.bus;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class BusCodecTests {

	private static final Instant DEADLINE = Instant.ofEpochMilli(1_800_000_000_000L);

	private final BusCodec codec = new BusCodec();

	@Test
	void requestRoundTripsThroughARecord() {
		BusRequest request = new BusRequest(headers(null), Arrays.asList("1", 2, null), Map.of("pageSize", 3));

		ProducerRecord<String, byte[]> record = this.codec.requestRecord(request);
		BusRequest decoded = this.codec.readRequest(consumed(record));

		assertThat(record.topic()).isEqualTo("user.requests");
		assertThat(record.key()).isEqualTo("c-1");
		assertThat(header(record.headers(), BusHeaders.DEADLINE)).isEqualTo("1800000000000");
		assertThat(header(record.headers(), BusHeaders.CONTENT_TYPE)).isEqualTo(BusHeaders.JSON);
		assertThat(decoded).isEqualTo(request);
	}

	@Test
	void keylessRequestHasNoKeysMember() {
		BusRequest request = new BusRequest(headers(null), null, Map.of("start", 0));

		ProducerRecord<String, byte[]> record = this.codec.requestRecord(request);

		assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"args\":{\"start\":0}}");
		assertThat(this.codec.readRequest(consumed(record)).isKeyed()).isFalse();
	}

	@Test
	void mutationIsKeyedByItsEntityAndCarriesItsIdempotencyKey() {
		BusRequest request = new BusRequest(headers("idem-1"), List.of(42), Map.of("text", "hi"));

		ProducerRecord<String, byte[]> record = this.codec.requestRecord(request, "user.requests.canary");

		assertThat(record.topic()).isEqualTo("user.requests.canary");
		assertThat(record.key()).isEqualTo("42");
		assertThat(this.codec.readRequest(consumed(record)).headers().idempotencyKey()).isEqualTo("idem-1");
	}

	@Test
	void principalTravelsOnlyWhenTheCallerIsKnown() {
		RequestHeaders anonymous = headers(null);
		RequestHeaders known = new RequestHeaders(anonymous.correlationId(), anonymous.operation(), anonymous.replyTo(),
				anonymous.deadline(), null, "user-7");

		ProducerRecord<String, byte[]> knownRecord = this.codec.requestRecord(new BusRequest(known, List.of("1"), Map.of()));
		ProducerRecord<String, byte[]> anonymousRecord = this.codec
			.requestRecord(new BusRequest(anonymous, List.of("1"), Map.of()));

		assertThat(header(knownRecord.headers(), BusHeaders.PRINCIPAL)).isEqualTo("user-7");
		assertThat(this.codec.readRequestHeaders(consumed(knownRecord)).principal()).isEqualTo("user-7");
		assertThat(anonymousRecord.headers().lastHeader(BusHeaders.PRINCIPAL)).isNull();
		assertThat(this.codec.readRequestHeaders(consumed(anonymousRecord)).principal()).isNull();
	}

	@Test
	void replayNamesItsOriginalAndPlainRequestsDoNot() {
		BusRequest request = new BusRequest(headers(null), List.of("1"), Map.of());

		ConsumerRecord<String, byte[]> replay = consumed(this.codec.replayRecord(request, "user.requests", "c-0"));

		assertThat(this.codec.readReplayOf(replay)).isEqualTo("c-0");
		assertThat(this.codec.readRequest(replay)).isEqualTo(request);
		assertThat(this.codec.readReplayOf(consumed(this.codec.requestRecord(request)))).isNull();
	}

	@Test
	void traceIdComesFromAValidTraceparentOnly() {
		ConsumerRecord<String, byte[]> record = consumed(this.codec.requestRecord(
				new BusRequest(headers(null), List.of("1"), Map.of())));
		assertThat(this.codec.readTraceId(record)).isNull();

		record.headers().add(BusHeaders.TRACEPARENT,
				"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
		assertThat(this.codec.readTraceId(record)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

		record.headers().add(BusHeaders.TRACEPARENT,
				"00-00000000000000000000000000000000-00f067aa0ba902b7-01".getBytes(StandardCharsets.UTF_8));
		assertThat(this.codec.readTraceId(record)).isNull();
		record.headers().add(BusHeaders.TRACEPARENT, "garbage".getBytes(StandardCharsets.UTF_8));
		assertThat(this.codec.readTraceId(record)).isNull();
	}

	@Test
	void missingHeaderIsNamed() {
		ConsumerRecord<String, byte[]> record = consumed(this.codec.requestRecord(
				new BusRequest(headers(null), List.of("1"), Map.of())));
		record.headers().remove(BusHeaders.REPLY_TO);

		assertThatExceptionOfType(BusContractException.class).isThrownBy(() -> this.codec.readRequest(record))
			.withMessage("record user.requests-0@7: missing header bus-reply-to");
	}

	@Test
	void deadlineThatIsNotANumberIsRejected() {
		ConsumerRecord<String, byte[]> record = consumed(this.codec.requestRecord(
				new BusRequest(headers(null), List.of("1"), Map.of())));
		record.headers().remove(BusHeaders.DEADLINE);
		record.headers().add(BusHeaders.DEADLINE, "tomorrow".getBytes(StandardCharsets.UTF_8));

		assertThatExceptionOfType(BusContractException.class).isThrownBy(() -> this.codec.readRequestHeaders(record))
			.withMessageContaining("bus-deadline is not epoch milliseconds: 'tomorrow'");
	}

	@Test
	void replyToThatIsNotAReplyTopicIsRejected() {
		ConsumerRecord<String, byte[]> record = consumed(this.codec.requestRecord(
				new BusRequest(headers(null), List.of("1"), Map.of())));
		record.headers().remove(BusHeaders.REPLY_TO);
		record.headers().add(BusHeaders.REPLY_TO, "user.requests".getBytes(StandardCharsets.UTF_8));

		assertThatExceptionOfType(BusContractException.class).isThrownBy(() -> this.codec.readRequestHeaders(record))
			.withMessageContaining("bus-reply-to is not a reply topic: 'user.requests'");
	}

	@Test
	void valueThatIsNotJsonIsRejectedButHeadersStayReadable() {
		ConsumerRecord<String, byte[]> record = withValue("not json at all");

		assertThatExceptionOfType(BusContractException.class).isThrownBy(() -> this.codec.readRequest(record))
			.withMessageStartingWith("record user.requests-0@7: value is not valid JSON");
		assertThat(this.codec.readRequestHeaders(record).correlationId()).isEqualTo("c-1");
	}

	@Test
	void valueOfWrongShapeIsRejected() {
		assertThatExceptionOfType(BusContractException.class)
			.isThrownBy(() -> this.codec.readRequest(withValue("[1,2]")))
			.withMessageContaining("value must be a JSON object, was '[1,2]'");
		assertThatExceptionOfType(BusContractException.class)
			.isThrownBy(() -> this.codec.readRequest(withValue("{\"keys\":\"1\"}")))
			.withMessageContaining("'keys' must be a non-empty array");
		assertThatExceptionOfType(BusContractException.class)
			.isThrownBy(() -> this.codec.readRequest(withValue("{\"keys\":[]}")))
			.withMessageContaining("'keys' must be a non-empty array");
		assertThatExceptionOfType(BusContractException.class)
			.isThrownBy(() -> this.codec.readRequest(withValue("{\"keys\":[1],\"args\":[]}")))
			.withMessageContaining("'args' must be an object, was '[]'");
		assertThatExceptionOfType(BusContractException.class)
			.isThrownBy(() -> this.codec.readRequest(withValue("")))
			.withMessageContaining("value is empty");
	}

	@Test
	void okReplyRoundTripsWithNullItems() {
		RequestHeaders request = headers(null);
		ProducerRecord<String, byte[]> record = this.codec.replyRecord(request,
				BusReply.ok("c-1", Arrays.asList(Map.of("id", "1"), null)));

		BusReply reply = this.codec.readReply(consumed(record));

		assertThat(record.topic()).isEqualTo("gateway.replies.gw-1");
		assertThat(header(record.headers(), BusHeaders.STATUS)).isEqualTo("ok");
		assertThat(reply.isOk()).isTrue();
		assertThat(reply.items()).containsExactly(Map.of("id", "1"), null);
	}

	@Test
	void errorReplyRoundTrips() {
		ProducerRecord<String, byte[]> record = this.codec.replyRecord(headers(null),
				BusReply.error("c-1", BusStatus.UNAVAILABLE, "connection refused"));

		BusReply reply = this.codec.readReply(consumed(record));

		assertThat(reply.status()).isEqualTo(BusStatus.UNAVAILABLE);
		assertThat(reply.errorMessage()).isEqualTo("connection refused");
		assertThat(reply.items()).isNull();
	}

	@Test
	void malformedRepliesAreRejected() {
		ConsumerRecord<String, byte[]> noItems = consumed(this.codec.replyRecord(headers(null),
				BusReply.ok("c-1", List.of())));
		ConsumerRecord<String, byte[]> broken = new ConsumerRecord<>(noItems.topic(), 0, 3, 0L, TimestampType.CREATE_TIME,
				0, 0, "c-1", "{\"itemz\":[]}".getBytes(StandardCharsets.UTF_8), noItems.headers(), Optional.empty());
		assertThatExceptionOfType(BusContractException.class).isThrownBy(() -> this.codec.readReply(broken))
			.withMessageContaining("an ok reply needs an 'items' array");
		assertThat(this.codec.readCorrelationId(broken)).isEqualTo("c-1");

		broken.headers().remove(BusHeaders.STATUS);
		broken.headers().add(BusHeaders.STATUS, "MAYBE".getBytes(StandardCharsets.UTF_8));
		assertThatExceptionOfType(BusContractException.class).isThrownBy(() -> this.codec.readReply(broken))
			.withMessageContaining("unknown bus-status 'MAYBE'");
	}

	@Test
	void eventRoundTripsKeyedByItsEntity() {
		BusEvent event = new BusEvent("message.sendMessage", "m-7", Map.of("id", "m-7", "toUserId", "2"), "idem-9");

		ProducerRecord<String, byte[]> record = this.codec.eventRecord(event);

		assertThat(record.topic()).isEqualTo("message.events");
		assertThat(record.key()).isEqualTo("m-7");
		assertThat(header(record.headers(), BusHeaders.EVENT_TYPE)).isEqualTo("message.sendMessage");
		assertThat(this.codec.readEvent(consumed(record))).isEqualTo(event);
	}

	@Test
	void malformedEventsAreRejected() {
		ProducerRecord<String, byte[]> record = this.codec
			.eventRecord(new BusEvent("post.createPost", "p-1", Map.of("id", "p-1"), null));
		ConsumerRecord<String, byte[]> noType = consumed(record);
		noType.headers().remove(BusHeaders.EVENT_TYPE);
		ConsumerRecord<String, byte[]> badType = consumed(record);
		badType.headers().remove(BusHeaders.EVENT_TYPE);
		badType.headers().add(BusHeaders.EVENT_TYPE, "created".getBytes(StandardCharsets.UTF_8));
		ConsumerRecord<String, byte[]> noKey = consumed(new ProducerRecord<>(record.topic(), null, (String) null, record.value(),
				record.headers()));

		assertThatExceptionOfType(BusContractException.class).isThrownBy(() -> this.codec.readEvent(noType))
			.withMessageContaining("missing header bus-event-type");
		assertThatExceptionOfType(BusContractException.class).isThrownBy(() -> this.codec.readEvent(badType))
			.withMessageContaining("not of the form <service>.<name>");
		assertThatExceptionOfType(BusContractException.class).isThrownBy(() -> this.codec.readEvent(noKey))
			.withMessageContaining("needs the key of its entity");
	}

	@Test
	void deadLetterKeepsTheRecordAndSaysWhy() {
		ConsumerRecord<String, byte[]> record = withValue("not json");

		ProducerRecord<String, byte[]> deadLetter = this.codec.deadLetterRecord(record, "value is not valid JSON");

		assertThat(deadLetter.topic()).isEqualTo("user.requests-dlt");
		assertThat(deadLetter.value()).isEqualTo(record.value());
		assertThat(deadLetter.key()).isEqualTo(record.key());
		assertThat(header(deadLetter.headers(), BusHeaders.CORRELATION_ID)).isEqualTo("c-1");
		assertThat(header(deadLetter.headers(), BusHeaders.DLT_REASON)).isEqualTo("value is not valid JSON");
		assertThat(header(deadLetter.headers(), BusHeaders.DLT_ORIGIN)).isEqualTo("user.requests-0@7");
	}

	private static RequestHeaders headers(String idempotencyKey) {
		return new RequestHeaders("c-1", "user.getUsers", "gateway.replies.gw-1", DEADLINE, idempotencyKey);
	}

	private ConsumerRecord<String, byte[]> withValue(String value) {
		ConsumerRecord<String, byte[]> template = consumed(this.codec.requestRecord(
				new BusRequest(headers(null), List.of("1"), Map.of())));
		return new ConsumerRecord<>(template.topic(), 0, 7, 0L, TimestampType.CREATE_TIME, 0, 0, template.key(),
				value.getBytes(StandardCharsets.UTF_8), template.headers(), Optional.empty());
	}

	private static ConsumerRecord<String, byte[]> consumed(ProducerRecord<String, byte[]> record) {
		return new ConsumerRecord<>(record.topic(), 0, 7, 0L, TimestampType.CREATE_TIME, 0, 0, record.key(),
				record.value(), new RecordHeaders(record.headers().toArray()), Optional.empty());
	}

	private static String header(Headers headers, String name) {
		return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
	}

}

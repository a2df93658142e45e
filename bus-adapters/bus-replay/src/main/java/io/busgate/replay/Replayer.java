package io.busgate.replay;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;
import io.busgate.bus.BusContractException;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;

/**
 * Sends recorded requests again, at a bounded rate, each with a new correlation id, a deadline
 * of its own and {@code bus-replay-of} naming the original, and collects their replies on a
 * reply topic private to this run (created for it, deleted after it), so the reply topics of the
 * recorded traffic are never written to.
 */
final class Replayer {

	/** Nobody needs the private reply topic after the run; should deleting it fail, it goes soon. */
	private static final Duration REPLY_RETENTION = Duration.ofHours(1);

	private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

	private final RecordedTraffic traffic;

	private final BusCodec codec;

	private final Duration timeout;

	private final double ratePerSecond;

	private final PrintWriter progress;

	private String lastProgress;

	/**
	 * @param timeout how long a replayed request may take; also its {@code bus-deadline}
	 * @param ratePerSecond most requests sent per second
	 * @param progress where progress lines go (stderr), so they stay out of the results
	 */
	Replayer(RecordedTraffic traffic, BusCodec codec, Duration timeout, double ratePerSecond, PrintWriter progress) {
		this.traffic = traffic;
		this.codec = codec;
		this.timeout = timeout;
		this.ratePerSecond = ratePerSecond;
		this.progress = progress;
	}

	/**
	 * A replayed request and what came of it.
	 *
	 * @param recorded the original
	 * @param correlationId the replay's correlation id
	 * @param topic where the replay was sent
	 * @param reply the new reply, or {@code null} when none came in time
	 * @param latency from sending to the reply, or {@code null}
	 * @param failure why the replay could not be sent, or {@code null}
	 */
	record Replayed(RecordedRequest recorded, String correlationId, String topic, BusReply reply, Duration latency,
			String failure) {
	}

	List<Replayed> replay(List<RecordedRequest> requests, Function<RecordedRequest, String> targetTopic) {
		String replyTopic = BusTopics.replayReplies("r" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
		RecordedTraffic.get(this.traffic.admin()
			.createTopics(List.of(new NewTopic(replyTopic, Optional.of(1), Optional.empty())
				.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(REPLY_RETENTION.toMillis())))))
			.all());
		try {
			return replay(requests, targetTopic, replyTopic);
		}
		finally {
			RecordedTraffic.get(this.traffic.admin().deleteTopics(List.of(replyTopic)).all());
		}
	}

	private List<Replayed> replay(List<RecordedRequest> requests, Function<RecordedRequest, String> targetTopic,
			String replyTopic) {
		Map<String, Pending> pending = new LinkedHashMap<>();
		try (KafkaConsumer<String, byte[]> replies = this.traffic.newConsumer();
				KafkaProducer<String, byte[]> producer = newProducer()) {
			TopicPartition partition = new TopicPartition(replyTopic, 0);
			replies.assign(List.of(partition));
			replies.seekToBeginning(List.of(partition));
			replies.position(partition);
			long interval = (long) (1_000_000_000L / this.ratePerSecond);
			long nextSend = System.nanoTime();
			Instant nextProgress = Instant.now().plus(PROGRESS_EVERY);
			for (RecordedRequest recorded : requests) {
				long wait;
				while ((wait = nextSend - System.nanoTime()) > 0) {
					collect(replies, pending, Duration.ofNanos(wait));
				}
				nextSend += interval;
				Pending sent = send(producer, recorded, targetTopic.apply(recorded), replyTopic);
				pending.put(sent.correlationId, sent);
				collect(replies, pending, Duration.ZERO);
				if (Instant.now().isAfter(nextProgress)) {
					report(pending, requests.size());
					nextProgress = Instant.now().plus(PROGRESS_EVERY);
				}
			}
			producer.flush();
			Instant deadline = Instant.now().plus(this.timeout);
			while (pending.values().stream().anyMatch(Pending::waiting) && Instant.now().isBefore(deadline)) {
				collect(replies, pending, Duration.ofMillis(200));
				if (Instant.now().isAfter(nextProgress)) {
					report(pending, requests.size());
					nextProgress = Instant.now().plus(PROGRESS_EVERY);
				}
			}
		}
		report(pending, requests.size());
		List<Replayed> replayed = new ArrayList<>();
		pending.values()
			.forEach((sent) -> replayed.add(new Replayed(sent.recorded, sent.correlationId, sent.topic, sent.reply,
					(sent.reply != null) ? Duration.ofNanos(sent.answeredAt - sent.sentAt) : null, sent.failure)));
		return replayed;
	}

	private Pending send(KafkaProducer<String, byte[]> producer, RecordedRequest recorded, String topic,
			String replyTopic) {
		RequestHeaders original = recorded.request().headers();
		// A mutation keeps its idempotency key, so a service that remembers keys does not act twice.
		// The principal is repeated: it names who the request was made for (never a credential),
		// so the backend answers the replay as it answered the original.
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), original.operation(), replyTopic,
				Instant.now().plus(this.timeout), original.idempotencyKey(), original.principal());
		BusRequest request = new BusRequest(headers, recorded.request().keys(), recorded.request().args());
		Pending sent = new Pending(recorded, headers.correlationId(), topic, System.nanoTime());
		producer.send(this.codec.replayRecord(request, topic, original.correlationId()), (metadata, failure) -> {
			if (failure != null) {
				sent.failure = "not sent: " + failure.getMessage();
			}
		});
		return sent;
	}

	private void collect(KafkaConsumer<String, byte[]> replies, Map<String, Pending> pending, Duration timeout) {
		for (ConsumerRecord<String, byte[]> record : replies.poll(timeout)) {
			Pending sent = pending.get(record.key());
			if (sent == null || sent.reply != null) {
				continue;
			}
			try {
				sent.reply = this.codec.readReply(record);
			}
			catch (BusContractException ex) {
				sent.failure = "undecodable reply: " + ex.getMessage();
			}
			sent.answeredAt = System.nanoTime();
		}
	}

	private void report(Map<String, Pending> pending, int total) {
		long answered = pending.values().stream().filter((sent) -> !sent.waiting()).count();
		String line = "[replay] sent " + pending.size() + "/" + total + ", answered " + answered;
		if (!line.equals(this.lastProgress)) {
			this.progress.println(line);
			this.progress.flush();
			this.lastProgress = line;
		}
	}

	private KafkaProducer<String, byte[]> newProducer() {
		Map<String, Object> config = new HashMap<>(this.traffic.clientProperties());
		config.putAll(BusClientDefaults.producer());
		config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
		return new KafkaProducer<>(config);
	}

	/** A replay on its way; written by the consumer loop and the producer's callback thread. */
	private static final class Pending {

		final RecordedRequest recorded;

		final String correlationId;

		final String topic;

		final long sentAt;

		volatile BusReply reply;

		volatile long answeredAt;

		volatile String failure;

		Pending(RecordedRequest recorded, String correlationId, String topic, long sentAt) {
			this.recorded = recorded;
			this.correlationId = correlationId;
			this.topic = topic;
			this.sentAt = sentAt;
		}

		boolean waiting() {
			return this.reply == null && this.failure == null;
		}

	}

}

package io.busgate.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusCodec;
import io.busgate.bus.BusContractException;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;

/**
 * Reads recorded requests from their topics, and finds the reply each got on its reply topic by
 * correlation id. Reads without a consumer group (nothing is committed) and only up to the end
 * each partition had when reading began.
 */
final class RecordedTraffic implements AutoCloseable {

	/** Replies are written after their requests; this covers clocks that disagree a little. */
	private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

	private static final Duration POLL = Duration.ofMillis(500);

	private final String bootstrapServers;

	private final Map<String, Object> clientProperties;

	private final Admin admin;

	private final BusCodec codec;

	RecordedTraffic(Connection connection, BusCodec codec) {
		this.bootstrapServers = connection.bootstrapServers;
		this.clientProperties = connection.clientProperties();
		Map<String, Object> config = new HashMap<>(this.clientProperties);
		config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
		config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
		this.admin = Admin.create(config);
		this.codec = codec;
	}

	/**
	 * What a selection found, oldest first, and what the person should know about it (records
	 * aged out, records skipped).
	 */
	record Found(List<RecordedRequest> requests, List<String> notes) {
	}

	/** Every topic on the broker. */
	Set<String> topics() {
		return get(this.admin.listTopics().names());
	}

	/** The selected requests with their recorded replies. */
	Found read(Selection selection) {
		Set<String> existing = topics();
		Set<String> requestTopics = selection.requestTopics(existing);
		if (requestTopics.isEmpty()) {
			throw new SelectionException("no <service>.requests topic on " + this.bootstrapServers);
		}
		for (String topic : requestTopics) {
			if (!existing.contains(topic)) {
				throw new SelectionException("no topic " + topic + " on " + this.bootstrapServers);
			}
		}
		List<String> notes = new ArrayList<>();
		List<RecordedRequest> found = new ArrayList<>();
		for (String topic : requestTopics) {
			readRequests(topic, selection, found, notes);
		}
		found.sort(Comparator.comparing(RecordedRequest::time).thenComparing(RecordedRequest::where));
		if (found.size() > selection.limit) {
			notes.add(found.size() + " requests match; only the oldest " + selection.limit + " are used (--limit)");
			found = new ArrayList<>(found.subList(0, selection.limit));
		}
		notMatched(selection.correlationIds, found.stream().map(RecordedRequest::correlationId).toList(),
				"correlation id", requestTopics, notes);
		notMatched(selection.traceIds, found.stream().map(RecordedRequest::traceId).toList(), "trace id", requestTopics,
				notes);
		return new Found(withOriginals(found, existing), notes);
	}

	private void notMatched(Set<String> wanted, List<String> seen, String what, Set<String> topics, List<String> notes) {
		Set<String> missing = new LinkedHashSet<>(wanted);
		seen.forEach((value) -> missing.removeIf((id) -> id.equalsIgnoreCase(value)));
		if (!missing.isEmpty()) {
			notes.add("no request with " + what + " " + String.join(", ", missing) + " in " + String.join(", ", topics)
					+ " (" + retentionOf(topics) + "): aged out, or never recorded");
		}
	}

	private void readRequests(String topic, Selection selection, List<RecordedRequest> found, List<String> notes) {
		AtomicInteger replays = new AtomicInteger();
		AtomicInteger undecodable = new AtomicInteger();
		Map<TopicPartition, Instant> earliest = scan(topic, selection.partition, selection.since, selection.fromOffset,
				selection.toOffset, notes, (record) -> {
					if (this.codec.readReplayOf(record) != null) {
						replays.incrementAndGet();
						return;
					}
					try {
						BusRequest request = this.codec.readRequest(record);
						RecordedRequest recorded = new RecordedRequest(record.topic(), record.partition(),
								record.offset(), Instant.ofEpochMilli(record.timestamp()), request,
								this.codec.readTraceId(record), null, null, null);
						if (selection.matches(recorded)) {
							found.add(recorded);
						}
					}
					catch (BusContractException ex) {
						undecodable.incrementAndGet();
					}
				});
		Instant agedOutBefore = earliest.values().stream().max(Comparator.naturalOrder()).orElse(null);
		if (agedOutBefore != null && (selection.since == null || selection.since.isBefore(agedOutBefore))) {
			notes.add("requests on " + topic + " written before " + agedOutBefore + " have aged out ("
					+ retentionOf(Set.of(topic)) + ")" + ((selection.since != null)
							? "; the selection starts at " + selection.since : ""));
		}
		if (replays.get() > 0) {
			notes.add(replays.get() + " replayed requests on " + topic + " skipped (they carry " + BusHeaders.REPLAY_OF
					+ ")");
		}
		if (undecodable.get() > 0) {
			notes.add(undecodable.get() + " undecodable records on " + topic + " skipped (see " + topic + "-dlt)");
		}
	}

	private List<RecordedRequest> withOriginals(List<RecordedRequest> requests, Set<String> existing) {
		Map<String, List<RecordedRequest>> byReplyTopic = requests.stream()
			.collect(Collectors.groupingBy((recorded) -> recorded.request().headers().replyTo(), LinkedHashMap::new,
					Collectors.toList()));
		Map<String, RecordedRequest> answered = new HashMap<>();
		for (Map.Entry<String, List<RecordedRequest>> entry : byReplyTopic.entrySet()) {
			String replyTopic = entry.getKey();
			List<RecordedRequest> asked = entry.getValue();
			if (!existing.contains(replyTopic)) {
				asked.forEach((recorded) -> answered.put(recorded.correlationId(),
						recorded.withOriginal(null, null, "its reply topic " + replyTopic + " no longer exists")));
				continue;
			}
			Map<String, RecordedRequest> byId = asked.stream()
				.collect(Collectors.toMap(RecordedRequest::correlationId, (recorded) -> recorded, (a, b) -> a));
			Instant oldest = asked.stream().map(RecordedRequest::time).min(Comparator.naturalOrder()).orElseThrow();
			Map<TopicPartition, Instant> earliest = scan(replyTopic, null, oldest.minus(CLOCK_SKEW), null, null,
					new ArrayList<>(), (record) -> {
						RecordedRequest recorded = byId.get(record.key());
						if (recorded == null || answered.containsKey(recorded.correlationId())) {
							return;
						}
						try {
							BusReply reply = this.codec.readReply(record);
							answered.put(recorded.correlationId(),
									recorded.withOriginal(reply, Instant.ofEpochMilli(record.timestamp()), null));
						}
						catch (BusContractException ex) {
							answered.put(recorded.correlationId(), recorded.withOriginal(null, null,
									"its recorded reply is undecodable: " + ex.getMessage()));
						}
					});
			Instant agedOutBefore = earliest.values().stream().max(Comparator.naturalOrder()).orElse(null);
			for (RecordedRequest recorded : asked) {
				if (!answered.containsKey(recorded.correlationId())) {
					// Not after: a reply written in the same millisecond as its request is common.
					String missing = (agedOutBefore != null && !recorded.time().isAfter(agedOutBefore))
							? "its reply aged out of " + replyTopic + " (" + retentionOf(Set.of(replyTopic)) + ")"
							: "no reply was recorded on " + replyTopic;
					answered.put(recorded.correlationId(), recorded.withOriginal(null, null, missing));
				}
			}
		}
		return requests.stream().map((recorded) -> answered.get(recorded.correlationId())).toList();
	}

	/**
	 * Hands every record of the topic in the range to the visitor, partition by partition up to
	 * the end each had when the scan began.
	 * @return for each partition that has lost records to retention and was read from its
	 * first remaining record: that record's time, before which everything has aged out
	 */
	private Map<TopicPartition, Instant> scan(String topic, Integer partition, Instant since, Long fromOffset,
			Long toOffset, List<String> notes, Consumer<ConsumerRecord<String, byte[]>> visitor) {
		try (KafkaConsumer<String, byte[]> consumer = newConsumer()) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.filter((info) -> partition == null || info.partition() == partition)
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			if (partitions.isEmpty()) {
				throw new SelectionException(topic + " has no partition " + partition);
			}
			// Assigned before asking for offsets: the client warns about offsets of partitions it does not hold.
			consumer.assign(partitions);
			Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
			Map<TopicPartition, OffsetAndTimestamp> atTime = (since != null) ? consumer.offsetsForTimes(
					partitions.stream().collect(Collectors.toMap((tp) -> tp, (tp) -> since.toEpochMilli())))
					: Map.of();
			Map<TopicPartition, Long> start = new HashMap<>();
			Map<TopicPartition, Long> stop = new HashMap<>();
			for (TopicPartition tp : partitions) {
				long first = beginning.get(tp);
				long from = first;
				if (since != null) {
					OffsetAndTimestamp offset = atTime.get(tp);
					from = (offset != null) ? Math.max(offset.offset(), first) : end.get(tp);
				}
				if (fromOffset != null) {
					if (fromOffset < first) {
						notes.add("offsets " + fromOffset + " to " + (first - 1) + " of " + tp + " have aged out ("
								+ retentionOf(Set.of(topic)) + ")");
					}
					from = Math.max(from, fromOffset);
				}
				long until = (toOffset != null) ? Math.min(end.get(tp), toOffset + 1) : end.get(tp);
				if (from < until) {
					start.put(tp, from);
					stop.put(tp, until);
				}
			}
			Map<TopicPartition, Instant> earliest = new HashMap<>();
			consumer.pause(partitions.stream().filter((tp) -> !start.containsKey(tp)).toList());
			start.forEach(consumer::seek);
			Set<TopicPartition> reading = new LinkedHashSet<>(start.keySet());
			while (!reading.isEmpty()) {
				for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
					TopicPartition tp = new TopicPartition(record.topic(), record.partition());
					if (record.offset() >= stop.get(tp)) {
						continue;
					}
					if (record.offset() == beginning.get(tp) && beginning.get(tp) > 0) {
						earliest.put(tp, Instant.ofEpochMilli(record.timestamp()));
					}
					visitor.accept(record);
				}
				Collection<TopicPartition> done = reading.stream()
					.filter((tp) -> consumer.position(tp) >= stop.get(tp))
					.toList();
				consumer.pause(done);
				reading.removeAll(done);
			}
			return earliest;
		}
	}

	/**
	 * How long the topics keep records, as their {@code retention.ms} says; only a note, so a
	 * principal without the DescribeConfigs ACL gets the note without it.
	 */
	String retentionOf(Set<String> topics) {
		List<ConfigResource> resources = topics.stream()
			.map((topic) -> new ConfigResource(ConfigResource.Type.TOPIC, topic))
			.toList();
		Map<ConfigResource, Config> configs;
		try {
			configs = this.admin.describeConfigs(resources).all().get();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof AuthorizationException) {
				return "retention unknown: not allowed to describe the topics' configs";
			}
			throw new SelectionException("Kafka (--bootstrap-servers) failed: " + ex.getCause().getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SelectionException("interrupted");
		}
		return configs.entrySet().stream().map((entry) -> {
			ConfigEntry retention = entry.getValue().get(TopicConfig.RETENTION_MS_CONFIG);
			String kept = (retention == null || retention.value() == null) ? "unknown"
					: Durations.describe(Long.parseLong(retention.value()));
			return entry.getKey().name() + " keeps records " + kept;
		}).sorted().collect(Collectors.joining(", "));
	}

	KafkaConsumer<String, byte[]> newConsumer() {
		Map<String, Object> config = new HashMap<>(this.clientProperties);
		config.putAll(BusClientDefaults.consumer());
		config.put(ConsumerConfig.CLIENT_ID_CONFIG, "bus-replay-" + UUID.randomUUID());
		config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
		return new KafkaConsumer<>(config);
	}

	/** What every client of the tool starts from: brokers and security ({@code --command-config}). */
	Map<String, Object> clientProperties() {
		return this.clientProperties;
	}

	Admin admin() {
		return this.admin;
	}

	static <T> T get(KafkaFuture<T> future) {
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SelectionException("interrupted");
		}
		catch (ExecutionException ex) {
			throw new SelectionException("Kafka (--bootstrap-servers) failed: " + ex.getCause().getMessage());
		}
	}

	@Override
	public void close() {
		this.admin.close(Duration.ofSeconds(5));
	}

}

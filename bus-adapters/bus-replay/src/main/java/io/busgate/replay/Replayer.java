package io.busgate.replay;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;

import io.busgate.bus.BusContractException;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.client.BusRequestClient;
import io.busgate.bus.client.ReplyTimeoutException;

/**
 * Sends recorded requests again, at a bounded rate, each with a new correlation id, a deadline
 * of its own and {@code bus-replay-of} naming the original, and collects their replies on a
 * reply topic private to this run (created for it, deleted after it), so the reply topics of the
 * recorded traffic are never written to. Sending and correlating is bus-core's
 * {@link BusRequestClient}; what is replayed, how fast, and what came of it is this class's.
 */
final class Replayer {

	/** Nobody needs the private reply topic after the run; should deleting it fail, it goes soon. */
	private static final Duration REPLY_RETENTION = Duration.ofHours(1);

	private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

	/** A send waits at most this long for the target topic's metadata. */
	private static final int MAX_BLOCK_MS = 10_000;

	private final RecordedTraffic traffic;

	private final Duration timeout;

	private final double ratePerSecond;

	private final PrintWriter progress;

	/** Replays with a reply or a failure; those that time out are not answered. */
	private final AtomicInteger answered = new AtomicInteger();

	private String lastProgress;

	/**
	 * @param timeout how long a replayed request may take; also its {@code bus-deadline}
	 * @param ratePerSecond most requests sent per second
	 * @param progress where progress lines go (stderr), so they stay out of the results
	 */
	Replayer(RecordedTraffic traffic, Duration timeout, double ratePerSecond, PrintWriter progress) {
		this.traffic = traffic;
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
	 * @param failure why the replay could not be sent or its reply not read, or {@code null}
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
		List<CompletableFuture<Replayed>> sent = new ArrayList<>(requests.size());
		Map<String, Object> config = new HashMap<>(this.traffic.clientProperties());
		config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
		try (BusRequestClient client = new BusRequestClient(config, replyTopic, requests.size())) {
			long interval = (long) (1_000_000_000L / this.ratePerSecond);
			long nextSend = System.nanoTime();
			Instant nextProgress = Instant.now().plus(PROGRESS_EVERY);
			for (RecordedRequest recorded : requests) {
				long wait;
				while ((wait = nextSend - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				nextSend += interval;
				sent.add(send(client, recorded, targetTopic.apply(recorded)));
				if (Instant.now().isAfter(nextProgress)) {
					report(sent.size(), requests.size());
					nextProgress = Instant.now().plus(PROGRESS_EVERY);
				}
			}
			// Each replay ends by its deadline at the latest, answered or not.
			CompletableFuture<Void> all = CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
			while (!awaited(all)) {
				report(sent.size(), requests.size());
			}
		}
		report(sent.size(), requests.size());
		return sent.stream().map(CompletableFuture::join).toList();
	}

	private CompletableFuture<Replayed> send(BusRequestClient client, RecordedRequest recorded, String topic) {
		RequestHeaders original = recorded.request().headers();
		// A mutation keeps its idempotency key, so a service that remembers keys does not act twice.
		// The principal is repeated: it names who the request was made for (never a credential),
		// so the backend answers the replay as it answered the original.
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), original.operation(), client.replyTopic(),
				Instant.now().plus(this.timeout), original.idempotencyKey(), original.principal());
		BusRequest request = new BusRequest(headers, recorded.request().keys(), recorded.request().args());
		String correlationId = headers.correlationId();
		long sentAt = System.nanoTime();
		return client.replay(request, topic, original.correlationId()).handle((reply, failure) -> {
			if (failure == null) {
				this.answered.incrementAndGet();
				return new Replayed(recorded, correlationId, topic, reply, Duration.ofNanos(System.nanoTime() - sentAt),
						null);
			}
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			if (cause instanceof ReplyTimeoutException) {
				return new Replayed(recorded, correlationId, topic, null, null, null);
			}
			this.answered.incrementAndGet();
			String why = (cause instanceof BusContractException) ? "undecodable reply: " : "not sent: ";
			return new Replayed(recorded, correlationId, topic, null, null, why + cause.getMessage());
		});
	}

	/** Whether all replays are done, after waiting at most until the next progress line. */
	private static boolean awaited(CompletableFuture<Void> all) {
		try {
			all.get(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SelectionException("interrupted");
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("a replay's outcome could not be recorded", ex.getCause());
		}
	}

	private void report(int sent, int total) {
		String line = "[replay] sent " + sent + "/" + total + ", answered " + this.answered.get();
		if (!line.equals(this.lastProgress)) {
			this.progress.println(line);
			this.progress.flush();
			this.lastProgress = line;
		}
	}

}

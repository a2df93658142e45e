package io.busgate.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import io.busgate.bus.BusClientDefaults;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.client.BusRequestClient;

/**
 * Scenario 1, the floor: request/reply over bare Kafka clients on the same broker, with the
 * bus's client settings ({@link BusClientDefaults}) and the bus's shape, and nothing else. A
 * responder in its own consumer group answers each poll's records and commits their offsets
 * once the replies are acknowledged, as a bridge does; the requester reads its reply topic by
 * assignment from the end, as a gateway does ({@link BusRequestClient}, given the records as they
 * are). Records carry the bus's headers and small JSON values, but nothing is encoded or decoded.
 */
final class KafkaFloor implements AutoCloseable {

	private static final int REQUEST_PARTITIONS = 6;

	private static final int MAX_POLL_RECORDS = 128;

	/** Not the bound: a scenario's window is. */
	private static final int MAX_PENDING = 1_000_000;

	private static final Duration POLL = Duration.ofMillis(100);

	private static final byte[] REQUEST_VALUE = "{\"keys\":[\"42\"]}".getBytes(StandardCharsets.UTF_8);

	private static final byte[] REPLY_VALUE = "{\"items\":[{\"id\":\"42\",\"name\":\"Grace Hopper\"}]}"
		.getBytes(StandardCharsets.UTF_8);

	private final String bootstrapServers;

	private final Duration timeout;

	private final String requestTopic;

	private final String replyTopic;

	private final Admin admin;

	private final BusRequestClient requester;

	private final AtomicLong correlationIds = new AtomicLong();

	private final KafkaConsumer<String, byte[]> responderConsumer;

	private final KafkaProducer<String, byte[]> responderProducer;

	private final Thread responderThread;

	private volatile boolean running = true;

	KafkaFloor(String bootstrapServers, Duration timeout) {
		this.bootstrapServers = bootstrapServers;
		this.timeout = timeout;
		String run = UUID.randomUUID().toString().substring(0, 8);
		this.requestTopic = "bench-floor-" + run + ".requests";
		this.replyTopic = "bench-floor-" + run + ".replies";
		this.admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
		KafkaClients.await(this.admin.createTopics(List.of(new NewTopic(this.requestTopic, REQUEST_PARTITIONS, (short) 1),
				new NewTopic(this.replyTopic, 1, (short) 1)))
			.all(), timeout);
		this.requester = new BusRequestClient(KafkaClients.brokers(bootstrapServers), this.replyTopic, MAX_PENDING);
		this.responderProducer = new KafkaProducer<>(KafkaClients.producerConfig(bootstrapServers));
		this.responderConsumer = new KafkaConsumer<>(KafkaClients.consumerConfig(bootstrapServers, Map.of(ConsumerConfig.GROUP_ID_CONFIG,
				"bench-floor-responder-" + run, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
				ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS)));
		CountDownLatch assigned = new CountDownLatch(1);
		this.responderConsumer.subscribe(List.of(this.requestTopic), new ConsumerRebalanceListener() {

			@Override
			public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			}

			@Override
			public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
				if (!partitions.isEmpty()) {
					assigned.countDown();
				}
			}

		});
		this.responderThread = new Thread(this::respond, "bench-floor-responder");
		this.responderThread.setDaemon(true);
		this.responderThread.start();
		await(assigned);
	}

	/** Round trips one at a time. */
	Figures sequential(String scenario, int warmup, int count, ProcessMeter meter) {
		LatencyRecorder ignored = new LatencyRecorder();
		for (int i = 0; i < warmup; i++) {
			roundTrip(ignored);
		}
		LatencyRecorder recorder = new LatencyRecorder();
		ProcessMeter.CpuWindow cpu = meter.start();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			roundTrip(recorder);
		}
		long elapsed = System.nanoTime() - start;
		return recorder.figures(scenario, Duration.ofNanos(elapsed), cpu.stop());
	}

	/** {@code count} round trips with up to {@code window} of them in flight at once. */
	Figures pipelined(String scenario, int count, int window, ProcessMeter meter) {
		LatencyRecorder recorder = new LatencyRecorder();
		Semaphore inFlight = new Semaphore(window);
		CountDownLatch done = new CountDownLatch(count);
		ProcessMeter.CpuWindow cpu = meter.start();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			acquire(inFlight);
			long sent = System.nanoTime();
			send().whenComplete((answered, ex) -> {
				if (ex == null) {
					recorder.answered(answered - sent);
				}
				else {
					recorder.failed("no reply within " + this.timeout.toMillis() + " ms: " + ex);
				}
				inFlight.release();
				done.countDown();
			});
		}
		await(done);
		long elapsed = System.nanoTime() - start;
		return recorder.figures(scenario, Duration.ofNanos(elapsed), cpu.stop());
	}

	private void roundTrip(LatencyRecorder recorder) {
		long sent = System.nanoTime();
		try {
			long answered = send().get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			recorder.answered(answered - sent);
		}
		catch (ExecutionException | TimeoutException ex) {
			recorder.failed("no reply within " + this.timeout.toMillis() + " ms: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while measuring", ex);
		}
	}

	/**
	 * Sends a request; completes with the {@link System#nanoTime()} its reply arrived at, or fails
	 * at its deadline. Neither the request nor the reply is encoded or decoded.
	 */
	private CompletableFuture<Long> send() {
		// A counter, not a random UUID: what is measured is Kafka, not the id generator.
		String correlationId = Long.toString(this.correlationIds.incrementAndGet());
		Instant deadline = Instant.now().plus(this.timeout);
		List<Header> headers = List.of(header(BusHeaders.CORRELATION_ID, correlationId),
				header(BusHeaders.REPLY_TO, this.replyTopic), header(BusHeaders.OPERATION, "floor.echo"),
				header(BusHeaders.DEADLINE, Long.toString(deadline.toEpochMilli())),
				header(BusHeaders.CONTENT_TYPE, BusHeaders.JSON));
		// Timed on the requester's reader thread, as the reply is read.
		return this.requester
			.send(new ProducerRecord<>(this.requestTopic, null, correlationId, REQUEST_VALUE, headers), deadline)
			.thenApply((reply) -> System.nanoTime());
	}

	/** What a bridge does, minus the backend: answer the poll's records, then commit them. */
	private void respond() {
		try {
			while (this.running) {
				ConsumerRecords<String, byte[]> records = this.responderConsumer.poll(POLL);
				if (records.isEmpty()) {
					continue;
				}
				List<Future<RecordMetadata>> sent = new ArrayList<>(records.count());
				for (ConsumerRecord<String, byte[]> record : records) {
					String correlationId = text(record, BusHeaders.CORRELATION_ID);
					List<Header> headers = List.of(header(BusHeaders.CORRELATION_ID, correlationId),
							header(BusHeaders.STATUS, "ok"), header(BusHeaders.CONTENT_TYPE, BusHeaders.JSON));
					sent.add(this.responderProducer.send(new ProducerRecord<>(text(record, BusHeaders.REPLY_TO), null,
							record.key(), REPLY_VALUE, headers)));
				}
				for (Future<RecordMetadata> reply : sent) {
					KafkaClients.await(reply, this.timeout);
				}
				this.responderConsumer.commitSync();
			}
		}
		catch (WakeupException ex) {
			// closing
		}
	}

	private static Header header(String name, String value) {
		return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
	}

	private static String text(ConsumerRecord<String, byte[]> record, String header) {
		Header found = record.headers().lastHeader(header);
		return (found != null) ? new String(found.value(), StandardCharsets.UTF_8) : "";
	}

	private void await(CountDownLatch latch) {
		try {
			if (!latch.await(this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("the floor's responder did not get its partitions or replies within "
						+ this.timeout.toMillis() + " ms");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	private static void acquire(Semaphore semaphore) {
		try {
			semaphore.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while measuring", ex);
		}
	}

	@Override
	public void close() {
		this.running = false;
		this.responderConsumer.wakeup();
		try {
			this.responderThread.join(this.timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.requester.close();
		this.responderConsumer.close(Duration.ofSeconds(1));
		this.responderProducer.close(Duration.ofSeconds(1));
		this.admin.deleteTopics(List.of(this.requestTopic, this.replyTopic));
		this.admin.close(Duration.ofSeconds(5));
	}

}

package io.busgate.gateway.bus;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.BatchMessageListener;

/**
 * Creates the topics a gateway owns (its reply topics, the event topics it reads) and tells
 * when they exist. While the broker is unreachable it keeps trying in the background, so a
 * gateway can start before its broker: it stays not ready, answers bus fields with
 * {@code UNAVAILABLE}, and becomes ready once the broker is there. Its {@link TopicReader}s
 * read them, every partition the broker describes, including partitions added later.
 */
public final class GatewayTopics implements DisposableBean {

	private static final Log logger = LogFactory.getLog(GatewayTopics.class);

	private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(30);

	private final KafkaAdmin admin;

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final Duration retryInterval;

	private final Duration refreshInterval;

	/**
	 * Describes the topics again and again; one client for the gateway's life, not one per
	 * call as {@link KafkaAdmin#describeTopics} makes (each logs its whole configuration).
	 */
	private volatile Admin describer;

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "busgate-topics");
		thread.setDaemon(true);
		return thread;
	});

	GatewayTopics(KafkaAdmin admin, ConsumerFactory<String, byte[]> consumerFactory, Duration retryInterval,
			Duration refreshInterval) {
		this.admin = admin;
		this.consumerFactory = consumerFactory;
		this.retryInterval = retryInterval;
		this.refreshInterval = refreshInterval;
	}

	/**
	 * A reader of one of the topics, started once the topic exists (with its description from
	 * {@link #create}).
	 * @param name the name of the reader's listener containers (and of their consumers' threads)
	 * @param topic the topic to read
	 * @param listener what to do with its records
	 */
	public TopicReader reader(String name, String topic, BatchMessageListener<String, byte[]> listener) {
		return new TopicReader(this, this.consumerFactory, name, topic, listener);
	}

	/**
	 * Creates whichever of the topics are missing (existing ones are left as they are) and
	 * describes them all.
	 * @param topics the topics to have
	 * @return completes with the topics' descriptions once they exist; retried until then
	 */
	public CompletableFuture<Map<String, TopicDescription>> create(List<NewTopic> topics) {
		CompletableFuture<Map<String, TopicDescription>> created = new CompletableFuture<>();
		this.scheduler.execute(() -> attempt(topics, created, 1));
		return created;
	}

	private void attempt(List<NewTopic> topics, CompletableFuture<Map<String, TopicDescription>> created,
			int attempt) {
		if (created.isDone()) {
			return;
		}
		String[] names = topics.stream().map(NewTopic::name).toArray(String[]::new);
		try {
			this.admin.createOrModifyTopics(topics.toArray(NewTopic[]::new));
			created.complete(this.admin.describeTopics(names));
			if (attempt > 1) {
				logger.info("Topics " + List.of(names) + " are there after " + attempt + " attempts");
			}
		}
		catch (KafkaException ex) {
			// The first failure and then one in ten: a broker that is down for minutes should not
			// fill the log.
			if (attempt % 10 == 1) {
				logger.warn("Could not create or describe topics " + List.of(names) + " (attempt " + attempt
						+ "; retrying every " + this.retryInterval.toMillis() + " ms): "
						+ NestedExceptionUtils.getMostSpecificCause(ex));
			}
			this.scheduler.schedule(() -> attempt(topics, created, attempt + 1), this.retryInterval.toMillis(),
					TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Describes a topic every refresh interval (the first time after one interval) until the
	 * returned future is cancelled. A failed attempt is logged and tried again at the next
	 * interval.
	 */
	ScheduledFuture<?> watch(String topic, Consumer<TopicDescription> described) {
		AtomicBoolean failing = new AtomicBoolean();
		long interval = this.refreshInterval.toMillis();
		return this.scheduler.scheduleWithFixedDelay(() -> {
			try {
				described.accept(describe(topic));
				failing.set(false);
			}
			catch (ExecutionException | TimeoutException | RuntimeException ex) {
				// Caught whatever it is, or the schedule would end. Logged once per run of failures:
				// while the broker is down, readiness says so already.
				if (!failing.getAndSet(true)) {
					logger.warn("Could not describe " + topic + " to look for new partitions (retrying every "
							+ interval + " ms): " + NestedExceptionUtils.getMostSpecificCause(ex));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, interval, interval, TimeUnit.MILLISECONDS);
	}

	private TopicDescription describe(String topic) throws ExecutionException, InterruptedException, TimeoutException {
		if (this.describer == null) {
			// Only ever made and used on the scheduler's one thread.
			Map<String, Object> config = new HashMap<>(this.admin.getConfigurationProperties());
			config.computeIfPresent(AdminClientConfig.CLIENT_ID_CONFIG, (name, clientId) -> clientId + "-topics");
			this.describer = Admin.create(config);
		}
		return this.describer.describeTopics(List.of(topic))
			.allTopicNames()
			.get(DESCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
			.get(topic);
	}

	@Override
	public void destroy() throws InterruptedException {
		this.scheduler.shutdownNow();
		this.scheduler.awaitTermination(DESCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		Admin describer = this.describer;
		if (describer != null) {
			describer.close(Duration.ofSeconds(1));
		}
	}

}

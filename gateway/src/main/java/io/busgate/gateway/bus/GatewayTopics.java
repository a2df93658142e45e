package io.busgate.gateway.bus;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Creates the topics a gateway owns (its reply topics, the event topics it reads) and tells
 * when they exist. While the broker is unreachable it keeps trying in the background, so a
 * gateway can start before its broker: it stays not ready, answers bus fields with
 * {@code UNAVAILABLE}, and becomes ready once the broker is there.
 */
public final class GatewayTopics implements DisposableBean {

	private static final Log logger = LogFactory.getLog(GatewayTopics.class);

	private final KafkaAdmin admin;

	private final Duration retryInterval;

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "busgate-topics");
		thread.setDaemon(true);
		return thread;
	});

	GatewayTopics(KafkaAdmin admin, Duration retryInterval) {
		this.admin = admin;
		this.retryInterval = retryInterval;
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

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

}

package io.busgate.gateway.bus;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Starts reading the reply topic once the reply topics exist, which may be long after start-up
 * when the broker is down; until then, and until its partitions are assigned, the gateway is
 * not ready. Every partition the topic has is read, whatever {@code reply-partitions} says,
 * and partitions added later too ({@link TopicReader}).
 */
final class ReplyConsumer implements SmartLifecycle {

	/**
	 * Stops after the web server's graceful shutdown, so the requests it lets finish still get
	 * their replies.
	 */
	static final int PHASE = WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1;

	private final GatewayTopics topics;

	private final List<NewTopic> replyTopics;

	private final TopicReader reader;

	private volatile CompletableFuture<Void> started;

	/**
	 * @param topics creates the reply topics
	 * @param replyTopics the reply topic and its dead-letter topic
	 * @param reader reads the reply topic
	 */
	ReplyConsumer(GatewayTopics topics, List<NewTopic> replyTopics, TopicReader reader) {
		this.topics = topics;
		this.replyTopics = replyTopics;
		this.reader = reader;
	}

	@Override
	public void start() {
		this.started = this.topics.create(this.replyTopics)
			.thenAccept((created) -> this.reader.start(created.get(this.reader.topic())));
	}

	@Override
	public void stop() {
		if (this.started != null) {
			this.started.cancel(false);
		}
		this.reader.stop();
	}

	/** Whether the reply partitions are held, so that no reply can be missed. */
	boolean isAssigned() {
		return this.reader.isAssigned();
	}

	@Override
	public boolean isRunning() {
		return this.started != null && !this.started.isCancelled();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}

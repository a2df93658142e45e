package io.busgate.gateway.bus;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Starts the reply consumer once the reply topics exist, which may be long after start-up
 * when the broker is down; until then the gateway is not ready.
 */
final class ReplyConsumer implements SmartLifecycle {

	/**
	 * Stops after the web server's graceful shutdown, so the requests it lets finish still get
	 * their replies.
	 */
	static final int PHASE = WebServerApplicationContext.START_STOP_LIFECYCLE_PHASE - 1;

	private final GatewayTopics topics;

	private final List<NewTopic> replyTopics;

	private final MessageListenerContainer container;

	private volatile CompletableFuture<Void> started;

	ReplyConsumer(GatewayTopics topics, List<NewTopic> replyTopics, MessageListenerContainer container) {
		this.topics = topics;
		this.replyTopics = replyTopics;
		this.container = container;
	}

	@Override
	public void start() {
		this.started = this.topics.create(this.replyTopics).thenRun(this.container::start);
	}

	@Override
	public void stop() {
		if (this.started != null) {
			this.started.cancel(false);
		}
		this.container.stop();
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

package io.busgate.bridge;

import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationListener;
import org.springframework.kafka.event.ConsumerRetryAuthEvent;
import org.springframework.kafka.event.ConsumerRetryAuthSuccessfulEvent;
import org.springframework.kafka.event.KafkaEvent;

/**
 * Health {@code busRequests}: down while the broker refuses the bridge's consumer (it may not
 * read the request topic or join the group: missing ACLs, or credentials of another service),
 * up otherwise. Part of the bridges' readiness, because a bridge the broker refuses serves
 * nothing although broker and backend both answer. The consumer keeps retrying
 * ({@code busgate.bridge.auth-retry-interval}), so ACLs granted later take effect without a
 * restart.
 */
final class RequestConsumerHealthIndicator implements HealthIndicator, ApplicationListener<KafkaEvent> {

	private final String topic;

	private final String groupId;

	private volatile ConsumerRetryAuthEvent.Reason refused;

	RequestConsumerHealthIndicator(String topic, String groupId) {
		this.topic = topic;
		this.groupId = groupId;
	}

	@Override
	public void onApplicationEvent(KafkaEvent event) {
		if (event instanceof ConsumerRetryAuthEvent retry) {
			this.refused = retry.getReason();
		}
		else if (event instanceof ConsumerRetryAuthSuccessfulEvent) {
			this.refused = null;
		}
	}

	@Override
	public Health health() {
		ConsumerRetryAuthEvent.Reason refused = this.refused;
		Health.Builder health = (refused != null) ? Health.down().withDetail("refused", refused.name()) : Health.up();
		return health.withDetails(Map.of("topic", this.topic, "group", this.groupId)).build();
	}

}

package io.busgate.bridge;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import io.busgate.bus.BusTopics;

/**
 * What a bridge serves and how much at once.
 *
 * @param service the service whose requests this bridge serves, e.g. {@code user}
 * @param requestTopic the topic to consume; defaults to {@code <service>.requests}. Point a
 * second bridge at a copy such as {@code user.requests.canary} to serve replayed traffic from
 * another backend version
 * @param groupId the consumer group; every bridge of a service joins the same one, so scaling
 * out is starting another. Defaults to {@code <service>-bridge}
 * @param partitions partitions of the request topic and its dead-letter topic when this bridge
 * creates them (an existing topic is left as it is). Caps how many bridge consumers share the
 * work, so it is set above the expected number of bridges
 * @param concurrency consumer threads in this process
 * @param maxInFlight requests worked on at once per consumer thread: the records of one poll
 * are all called concurrently, and the next poll waits until each is answered. This bounds the
 * load a bridge puts on its backend
 * @param retryBackoff wait before a batch is retried after its replies could not be produced
 * (the broker is unreachable); the batch is retried until it succeeds, skipping requests whose
 * deadline has passed meanwhile
 * @param eventKeyField every served mutation publishes each entity it returned as an event on
 * {@code <service>.events}, keyed by this field of the entity; empty to publish no events
 * @param sessionTimeout how long the group waits for a bridge that stopped heartbeating (killed,
 * hung, cut off) before its partitions move to the others; short, because requests on those
 * partitions wait meanwhile
 * @param heartbeatInterval how often a bridge tells the group it is alive; it is also how soon
 * the members notice a rebalance (a bridge joining or leaving), during which requests on the
 * partitions that move wait. Short, and at most a third of the session timeout
 * @param requestRetention how long the request topic keeps requests when this bridge creates it,
 * so that recorded traffic can be replayed; match the gateways' {@code busgate.gateway.reply-retention},
 * or replays find requests whose original replies are gone
 * @param authRetryInterval wait before the request consumer tries again after the broker refused
 * it (authentication failed, or no ACL to read the request topic or join the group); meanwhile the
 * bridge reports not ready ({@code busRequests}), and it serves once the ACLs are granted
 */
@ConfigurationProperties("busgate.bridge")
public record BridgeProperties(String service, String requestTopic, String groupId,
		@DefaultValue("6") int partitions, @DefaultValue("1") int concurrency, @DefaultValue("128") int maxInFlight,
		@DefaultValue("1s") Duration retryBackoff, @DefaultValue("id") String eventKeyField,
		@DefaultValue("6s") Duration sessionTimeout, @DefaultValue("500ms") Duration heartbeatInterval,
		@DefaultValue("24h") Duration requestRetention, @DefaultValue("10s") Duration authRetryInterval) {

	public BridgeProperties {
		if (service == null || service.isBlank()) {
			throw new IllegalArgumentException("busgate.bridge.service must name the service this bridge serves");
		}
		requestTopic = (requestTopic != null) ? requestTopic : BusTopics.requests(service);
		groupId = (groupId != null) ? groupId : BusTopics.bridgeGroup(service);
		eventKeyField = (eventKeyField == null || eventKeyField.isBlank()) ? null : eventKeyField;
		if (heartbeatInterval.multipliedBy(3).compareTo(sessionTimeout) > 0) {
			throw new IllegalArgumentException("busgate.bridge.heartbeat-interval (" + heartbeatInterval
					+ ") must be at most a third of busgate.bridge.session-timeout (" + sessionTimeout + ")");
		}
	}

}

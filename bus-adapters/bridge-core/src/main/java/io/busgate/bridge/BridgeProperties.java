package io.busgate.bridge;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
 * @param maxInFlight requests worked on at once per consumer thread, a sliding window: a record
 * is taken as soon as any request in flight is answered, whatever its partition or offset, so one
 * slow call holds up no other. This bounds the load a bridge puts on its backend
 * @param retryBackoff wait between two attempts to produce a reply, event or dead letter that
 * the producer gave up on (it retries on its own for {@code delivery.timeout.ms} first)
 * @param sendAttempts attempts to produce each reply, event or dead letter whose failure may be
 * transient (the broker unreachable, the reply topic unknown); after them a request whose reply
 * cannot be produced goes to the dead-letter topic, and one whose dead letter cannot be produced
 * either is logged and counted ({@code busgate.bridge.undelivered}): its offset is committed all
 * the same, so no partition waits for good
 * @param maxReplySize the largest reply record: the reply producer's {@code max.request.size}.
 * An answer too large for it is replied to with {@code RESPONSE_TOO_LARGE}. The brokers'
 * {@code message.max.bytes} (or the reply topics' {@code max.message.bytes}) must allow it, and
 * each bridge reads backend answers up to the same size (bridge-core README, "Message sizes")
 * @param drainTimeout how long a bridge whose partitions are revoked (a rebalance, or its own
 * stop) waits for the requests in flight on them, so that their offsets are committed before the
 * next owner starts; requests still in flight after it are redelivered to the next owner
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
 * @param coalescing how the records of one poll share backend calls
 */
@ConfigurationProperties("busgate.bridge")
public record BridgeProperties(String service, String requestTopic, String groupId,
		@DefaultValue("6") int partitions, @DefaultValue("1") int concurrency, @DefaultValue("128") int maxInFlight,
		@DefaultValue("1s") Duration retryBackoff, @DefaultValue("3") int sendAttempts,
		@DefaultValue("1MB") DataSize maxReplySize, @DefaultValue("10s") Duration drainTimeout,
		@DefaultValue("id") String eventKeyField, @DefaultValue("6s") Duration sessionTimeout,
		@DefaultValue("500ms") Duration heartbeatInterval, @DefaultValue("24h") Duration requestRetention,
		@DefaultValue("10s") Duration authRetryInterval, @DefaultValue Coalescing coalescing) {

	public BridgeProperties {
		if (service == null || service.isBlank()) {
			throw new IllegalArgumentException("busgate.bridge.service must name the service this bridge serves");
		}
		requestTopic = (requestTopic != null) ? requestTopic : BusTopics.requests(service);
		groupId = (groupId != null) ? groupId : BusTopics.bridgeGroup(service);
		if (maxInFlight < 1 || sendAttempts < 1) {
			throw new IllegalArgumentException("busgate.bridge.max-in-flight and send-attempts must be at least 1");
		}
		if (maxReplySize.toBytes() < 1024 || maxReplySize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("busgate.bridge.max-reply-size must be between 1KB and 2GB, was "
					+ maxReplySize);
		}
		eventKeyField = (eventKeyField == null || eventKeyField.isBlank()) ? null : eventKeyField;
		if (heartbeatInterval.multipliedBy(3).compareTo(sessionTimeout) > 0) {
			throw new IllegalArgumentException("busgate.bridge.heartbeat-interval (" + heartbeatInterval
					+ ") must be at most a third of busgate.bridge.session-timeout (" + sessionTimeout + ")");
		}
	}

	/**
	 * The records of one poll that ask the same operation with the same arguments for the same
	 * caller ({@code bus-principal}) are served by one backend call: their keys asked once each,
	 * the items split back into one reply per record. Only records of the same principal share a
	 * call, so no caller receives items fetched under another's identity; mutations never do.
	 *
	 * @param enabled whether records share calls; {@code false} calls the backend once per record
	 * @param maxKeys the most keys one shared call asks for; beyond them the records are split
	 * over several calls. A record with more keys than this is called alone, as it came
	 */
	public record Coalescing(@DefaultValue("true") boolean enabled, @DefaultValue("100") int maxKeys) {

		public Coalescing {
			if (maxKeys < 1) {
				throw new IllegalArgumentException("busgate.bridge.coalescing.max-keys must be at least 1");
			}
		}

	}

}

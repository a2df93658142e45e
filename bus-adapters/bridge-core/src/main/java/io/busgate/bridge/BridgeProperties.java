package io.busgate.bridge;

import java.time.Duration;
import java.util.Map;

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
 * @param routes the backend call of each operation, by operation name; every operation must be
 * of {@code service}. Operation names contain dots, so a YAML key is bracketed:
 * {@code "[user.getUsers]":}
 */
@ConfigurationProperties("busgate.bridge")
public record BridgeProperties(String service, String requestTopic, String groupId,
		@DefaultValue("6") int partitions, @DefaultValue("1") int concurrency, @DefaultValue("128") int maxInFlight,
		@DefaultValue("1s") Duration retryBackoff, @DefaultValue("3") int sendAttempts,
		@DefaultValue("1MB") DataSize maxReplySize, @DefaultValue("10s") Duration drainTimeout,
		@DefaultValue("id") String eventKeyField, @DefaultValue("6s") Duration sessionTimeout,
		@DefaultValue("500ms") Duration heartbeatInterval, @DefaultValue("24h") Duration requestRetention,
		@DefaultValue("10s") Duration authRetryInterval, @DefaultValue Coalescing coalescing,
		Map<String, Route> routes) {

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
		routes = (routes != null) ? Map.copyOf(routes) : Map.of();
		routes.keySet().forEach((operation) -> {
			if (!BusTopics.serviceOf(operation).equals(service)) {
				throw new IllegalArgumentException("route " + operation + " does not belong to service '" + service
						+ "' that this bridge serves");
			}
		});
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

	/**
	 * How one operation is served: the call, and how the request's JSON and the answer's JSON map
	 * to it, the same for every protocol ({@link JsonRoute}). A request {@code {"keys":[...],
	 * "args":{...}}} becomes a JSON object, the call's <em>request</em>: the arguments (or the
	 * object of {@code args-field}), plus the keys in {@code keys-field} and the idempotency key in
	 * {@code idempotency-key-field}. The protocol converts that object to its wire (an HTTP body,
	 * a protobuf message, a Thrift method's arguments) and the answer back to JSON, its
	 * <em>answer</em>, from which the reply's items are taken:
	 * <ol>
	 * <li>with {@code items-field}, the answer's field of that name holds the items;</li>
	 * <li>a keyless request answers one item: that (each element of it, if a list);</li>
	 * <li>a keyed request answers one item per key in key order: with {@code item-key-field}, the
	 * element whose field of that name equals the key (compared as text; {@code null} when there is
	 * none), else the list's elements, one per key (another count is {@code INTERNAL});</li>
	 * <li>with {@code item-value-field}, each item that is not {@code null} is that field of itself.</li>
	 * </ol>
	 * Field names are the protocol's JSON names (a gRPC route may also use the {@code .proto}'s).
	 *
	 * @param call the backend call, in the protocol's terms: HTTP {@code <METHOD> <URI template>}
	 * such as {@code GET /user/{key}} (http-bridge README); gRPC the full method name
	 * {@code <package>.<Service>/<Method>}; Thrift the service method's name
	 * @param keysField the request field that receives the request's keys, a list; the route then
	 * serves only requests with keys. Absent: a keyless call (an HTTP route may take its keys in
	 * its URI instead), and a request with keys is refused ({@code INVALID_ARGUMENT}); a request
	 * that gives this field as an argument is refused too
	 * @param argsField the argument whose value, an object, is the request instead of the
	 * arguments object; no other argument is accepted then
	 * @param itemsField the answer's field that holds the items; absent: the answer itself
	 * @param itemKeyField the items' field that matches an item to its key; needs
	 * {@code keys-field} (or keys in an HTTP URI). Absent: the answer has one item per key, in
	 * key order
	 * @param itemValueField the items' field whose value is answered instead of the item, e.g.
	 * the {@code posts} of an author entry
	 * @param idempotencyKeyField the request field that receives the request's
	 * {@code bus-idempotency-key} (mutations), when it has one: a field of the {@code args-field}
	 * object if that is set
	 */
	public record Route(String call, String keysField, String argsField, String itemsField, String itemKeyField,
			String itemValueField, String idempotencyKeyField) {

		public Route {
			if (call == null || call.isBlank()) {
				throw new IllegalArgumentException("a route needs a call: an HTTP method and URI template, a gRPC"
						+ " method's full name or a Thrift method's name");
			}
		}

		/** A route of the given call with no other setting. */
		public static Route of(String call) {
			return new Route(call, null, null, null, null, null, null);
		}

	}

}

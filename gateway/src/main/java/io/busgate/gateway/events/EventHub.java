package io.busgate.gateway.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import reactor.core.publisher.Flux;

import org.springframework.kafka.listener.BatchMessageListener;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusContractException;
import io.busgate.bus.BusEvent;

/**
 * Fans events out to subscriptions in memory. The gateway reads each event topic once, with one
 * consumer for all subscriptions; each subscription gets the events that match it through its
 * own bounded buffer, so a slow client can fall behind only so far and then loses its
 * subscription, while the others go on.
 */
final class EventHub implements BatchMessageListener<String, byte[]> {

	private static final Log logger = LogFactory.getLog(EventHub.class);

	/**
	 * Recent events by type, entity and idempotency key, to drop those a redelivered mutation
	 * published again. Keys are scoped per caller in the backends, so two callers' mutations may
	 * share one: the entity tells them apart.
	 */
	private static final int REMEMBERED_KEYS = 10_000;

	private final BusCodec codec;

	private final int bufferCapacity;

	private final Map<String, Set<EventSubscription>> subscriptions = new ConcurrentHashMap<>();

	private final Set<String> seenIdempotencyKeys = Collections
		.newSetFromMap(new LinkedHashMap<String, Boolean>(16, 0.75f, false) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
				return size() > REMEMBERED_KEYS;
			}

		});

	EventHub(BusCodec codec, int bufferCapacity) {
		this.codec = codec;
		this.bufferCapacity = bufferCapacity;
	}

	/**
	 * The payloads of the events of a type whose fields equal the filter's values, from now on.
	 * Ends with a {@link SubscriptionOverflowException} if the subscriber falls too far behind.
	 */
	Flux<Object> subscribe(String type, Map<String, Object> filter) {
		EventSubscription subscription = new EventSubscription(type, filter, this.bufferCapacity);
		return subscription.flux()
			.doOnSubscribe((s) -> this.subscriptions.computeIfAbsent(type, (t) -> new CopyOnWriteArraySet<>())
				.add(subscription))
			.doFinally((signal) -> remove(subscription));
	}

	/** Subscriptions open right now. */
	int subscriptionCount() {
		return this.subscriptions.values().stream().mapToInt(Set::size).sum();
	}

	/** Ends every subscription normally, e.g. when the gateway shuts down. */
	void completeAll() {
		this.subscriptions.values().forEach((subscriptions) -> subscriptions.forEach(EventSubscription::complete));
	}

	@Override
	public void onMessage(List<ConsumerRecord<String, byte[]>> records) {
		for (ConsumerRecord<String, byte[]> record : records) {
			BusEvent event;
			try {
				event = this.codec.readEvent(record);
			}
			catch (BusContractException ex) {
				logger.warn("Skipping an undecodable event: " + ex.getMessage());
				continue;
			}
			if (isRepeat(event)) {
				continue;
			}
			for (EventSubscription subscription : this.subscriptions.getOrDefault(event.type(), Set.of())) {
				if (subscription.matches(event) && !subscription.offer(event.payload())) {
					remove(subscription);
					SubscriptionOverflowException overflow = new SubscriptionOverflowException(event.type(),
							this.bufferCapacity);
					logger.warn("Slow client: " + overflow.getMessage());
					subscription.fail(overflow);
				}
			}
		}
	}

	private boolean isRepeat(BusEvent event) {
		if (event.idempotencyKey() == null) {
			return false;
		}
		// Only the consumer thread of the event's topic touches its keys, but topics share the set.
		synchronized (this.seenIdempotencyKeys) {
			return !this.seenIdempotencyKeys.add(event.type() + "/" + event.key() + "/" + event.idempotencyKey());
		}
	}

	private void remove(EventSubscription subscription) {
		Set<EventSubscription> ofType = this.subscriptions.get(subscription.type());
		if (ofType != null) {
			ofType.remove(subscription);
		}
	}

}

package io.busgate.gateway.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SignalType;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusEvent;

import static org.assertj.core.api.Assertions.assertThat;

class EventHubTests {

	private final BusCodec codec = new BusCodec();

	private final EventHub hub = new EventHub(this.codec, 4);

	@Test
	void subscriptionGetsOnlyMatchingEventsOfItsTypeInOrder() {
		Collector toTwo = collect(this.hub.subscribe("message.sendMessage", Map.of("toUserId", 2)));
		Collector allPosts = collect(this.hub.subscribe("post.createPost", Map.of()));

		this.hub.onMessage(List.of(event("message.sendMessage", "m1", Map.of("id", "m1", "toUserId", "2"), null),
				event("message.sendMessage", "m2", Map.of("id", "m2", "toUserId", "3"), null),
				event("post.createPost", "p1", Map.of("id", "p1", "authorId", "2"), null),
				event("message.sendMessage", "m3", Map.of("id", "m3", "toUserId", "2"), null)));

		assertThat(toTwo.ids()).containsExactly("m1", "m3");
		assertThat(allPosts.ids()).containsExactly("p1");
	}

	@Test
	void eventRepeatedByARedeliveredMutationIsDroppedAndBrokenEventsAreSkipped() {
		Collector all = collect(this.hub.subscribe("post.createPost", Map.of()));
		ConsumerRecord<String, byte[]> broken = new ConsumerRecord<>("post.events", 0, 9, "p9", "nope".getBytes(StandardCharsets.UTF_8));

		this.hub.onMessage(List.of(event("post.createPost", "p1", Map.of("id", "p1"), "k1"), broken,
				event("post.createPost", "p1", Map.of("id", "p1"), "k1"),
				event("post.createPost", "p2", Map.of("id", "p2"), "k2")));

		assertThat(all.ids()).containsExactly("p1", "p2");
	}

	@Test
	void eventsOfTwoCallersMutationsWithTheSameIdempotencyKeyAreBothDelivered() {
		Collector all = collect(this.hub.subscribe("message.sendMessage", Map.of()));

		this.hub.onMessage(List.of(event("message.sendMessage", "m1", Map.of("id", "m1", "fromUserId", "2"), "kx-9"),
				event("message.sendMessage", "m2", Map.of("id", "m2", "fromUserId", "1"), "kx-9")));

		assertThat(all.ids()).containsExactly("m1", "m2");
	}

	@Test
	void subscriberThatDoesNotReadIsEndedWithAnErrorAndTheOthersGoOn() {
		Collector reader = collect(this.hub.subscribe("post.createPost", Map.of()));
		Collector stuck = new Collector(0);
		this.hub.subscribe("post.createPost", Map.of()).subscribe(stuck);
		assertThat(this.hub.subscriptionCount()).isEqualTo(2);

		List<ConsumerRecord<String, byte[]>> events = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			events.add(event("post.createPost", "p" + i, Map.of("id", "p" + i), null));
		}
		this.hub.onMessage(events);

		assertThat(stuck.failure.get()).isInstanceOf(SubscriptionOverflowException.class)
			.hasMessageContaining("fell 4 events behind");
		assertThat(reader.ids()).hasSize(10);
		assertThat(this.hub.subscriptionCount()).isEqualTo(1);
	}

	@Test
	void cancelledAndCompletedSubscriptionsLeaveTheHub() {
		Collector cancelled = collect(this.hub.subscribe("post.createPost", Map.of()));
		Collector completed = collect(this.hub.subscribe("post.createPost", Map.of()));
		cancelled.cancel();

		this.hub.completeAll();

		assertThat(completed.finished.get()).isEqualTo(SignalType.ON_COMPLETE);
		assertThat(this.hub.subscriptionCount()).isZero();
	}

	private Collector collect(Flux<Object> events) {
		Collector collector = new Collector(Long.MAX_VALUE);
		events.subscribe(collector);
		return collector;
	}

	private ConsumerRecord<String, byte[]> event(String type, String key, Map<String, Object> payload,
			String idempotencyKey) {
		ProducerRecord<String, byte[]> record = this.codec.eventRecord(new BusEvent(type, key, payload, idempotencyKey));
		return new ConsumerRecord<>(record.topic(), 0, 0, 0L, TimestampType.CREATE_TIME, 0, 0, record.key(),
				record.value(), new RecordHeaders(record.headers().toArray()), Optional.empty());
	}

	private static final class Collector extends BaseSubscriber<Object> {

		private final long demand;

		final List<Object> received = new CopyOnWriteArrayList<>();

		final AtomicReference<Throwable> failure = new AtomicReference<>();

		final AtomicReference<SignalType> finished = new AtomicReference<>();

		Collector(long demand) {
			this.demand = demand;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			if (this.demand > 0) {
				request(this.demand);
			}
		}

		@Override
		protected void hookOnNext(Object value) {
			this.received.add(value);
		}

		@Override
		protected void hookOnError(Throwable throwable) {
			this.failure.set(throwable);
		}

		@Override
		protected void hookFinally(SignalType type) {
			this.finished.set(type);
		}

		List<Object> ids() {
			return this.received.stream().map((payload) -> (Object) ((Map<?, ?>) payload).get("id")).toList();
		}

	}

}

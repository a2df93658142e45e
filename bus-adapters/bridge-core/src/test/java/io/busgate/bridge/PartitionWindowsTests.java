package io.busgate.bridge;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.support.Acknowledgment;

import static org.assertj.core.api.Assertions.assertThat;

/** Which offsets the windows acknowledge; the container that commits them is not needed here. */
class PartitionWindowsTests {

	private static final TopicPartition PARTITION = new TopicPartition("svc.requests", 0);

	private final List<String> acknowledged = new CopyOnWriteArrayList<>();

	private final PartitionWindows windows = new PartitionWindows(Duration.ofMillis(500));

	@Test
	void acknowledgesOnlyTheContiguousDonePrefix() {
		PartitionWindows.Slot first = track(0, 10);
		PartitionWindows.Slot second = track(0, 11);
		PartitionWindows.Slot third = track(0, 12);
		PartitionWindows.Slot otherPartition = track(1, 3);

		third.done();
		second.done();
		assertThat(this.acknowledged).isEmpty();

		otherPartition.done();
		assertThat(this.acknowledged).containsExactly("1@3");

		first.done();
		assertThat(this.acknowledged).containsExactly("1@3", "0@12");
	}

	@Test
	void revocationWaitsForTheRecordsInFlightUpToTheDrainTimeoutThenIgnoresLateOnes() {
		PartitionWindows.Slot answeredDuringDrain = track(0, 1);
		PartitionWindows.Slot late = track(0, 2);
		CompletableFuture.runAsync(answeredDuringDrain::done,
				CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));

		this.windows.onPartitionsRevokedBeforeCommit(null, List.of(PARTITION));
		assertThat(this.acknowledged).containsExactly("0@1");

		late.done();
		assertThat(this.acknowledged).containsExactly("0@1");
	}

	@Test
	void lostPartitionsAcknowledgeNothingMore() {
		PartitionWindows.Slot slot = track(0, 5);

		this.windows.onPartitionsLost(null, List.of(PARTITION));
		slot.done();

		assertThat(this.acknowledged).isEmpty();
	}

	private PartitionWindows.Slot track(int partition, long offset) {
		return this.windows.track(record(partition, offset), acknowledgment(partition, offset));
	}

	private Acknowledgment acknowledgment(int partition, long offset) {
		return () -> this.acknowledged.add(partition + "@" + offset);
	}

	private static ConsumerRecord<String, byte[]> record(int partition, long offset) {
		return new ConsumerRecord<>(PARTITION.topic(), partition, offset, "k", new byte[0]);
	}

}

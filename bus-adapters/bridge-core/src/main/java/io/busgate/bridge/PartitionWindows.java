package io.busgate.bridge;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The records in flight of each assigned partition, in offset order. A record's offset is
 * acknowledged only once it and every record before it on its partition are done, so the
 * container commits the contiguous answered offsets and never one past a request still in
 * flight; records answered out of order wait in the window meanwhile.
 *
 * <p>On revocation (a rebalance, or the container's stop) it waits up to the drain timeout for
 * the revoked partitions' records in flight, whose acknowledgments the container commits right
 * after; then it forgets those partitions, so a late answer never commits an offset for a
 * partition another member owns by then.
 */
final class PartitionWindows implements ConsumerAwareRebalanceListener {

	private static final Log logger = LogFactory.getLog(PartitionWindows.class);

	private final Map<TopicPartition, Window> windows = new ConcurrentHashMap<>();

	private final Duration drainTimeout;

	PartitionWindows(Duration drainTimeout) {
		this.drainTimeout = drainTimeout;
	}

	/**
	 * Enters a record taken from the consumer; call {@link Slot#done()} once it is answered (or
	 * given up on). Called on the consumer thread, in offset order per partition.
	 */
	Slot track(ConsumerRecord<?, ?> record, Acknowledgment acknowledgment) {
		Window window = this.windows.computeIfAbsent(new TopicPartition(record.topic(), record.partition()),
				(partition) -> new Window());
		return window.add(record.offset(), acknowledgment);
	}

	@Override
	public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		long deadline = System.nanoTime() + this.drainTimeout.toNanos();
		for (TopicPartition partition : partitions) {
			Window window = this.windows.remove(partition);
			if (window == null) {
				continue;
			}
			int left = window.drain(deadline);
			if (left > 0) {
				logger.warn(left + " requests of " + partition + " still in flight after " + this.drainTimeout
						+ "; the partition's next owner gets them again");
			}
			window.close();
		}
	}

	@Override
	public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
		// The group moved on already: nothing of these partitions can be committed any more.
		partitions.forEach((partition) -> {
			Window window = this.windows.remove(partition);
			if (window != null) {
				window.close();
			}
		});
	}

	/** A record's place in its partition's window. */
	interface Slot {

		/** The record is answered: acknowledges it with the done records before it, if none is left open. */
		void done();

	}

	/** One partition's records in flight, guarded by itself. */
	private static final class Window {

		private final TreeMap<Long, Entry> entries = new TreeMap<>();

		private boolean closed;

		synchronized Slot add(long offset, Acknowledgment acknowledgment) {
			Entry entry = new Entry(acknowledgment);
			this.entries.put(offset, entry);
			return () -> done(entry);
		}

		private synchronized void done(Entry entry) {
			entry.done = true;
			Acknowledgment last = null;
			while (!this.entries.isEmpty() && this.entries.firstEntry().getValue().done) {
				last = this.entries.pollFirstEntry().getValue().acknowledgment;
			}
			if (last != null && !this.closed) {
				// The container keeps the highest acknowledged offset per partition: this one
				// stands for every done record before it.
				last.acknowledge();
			}
			if (this.entries.isEmpty()) {
				notifyAll();
			}
		}

		/** Waits until every record entered is done or the deadline passes; how many are left. */
		synchronized int drain(long deadlineNanos) {
			long left = deadlineNanos - System.nanoTime();
			while (!this.entries.isEmpty() && left > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
				left = deadlineNanos - System.nanoTime();
			}
			return this.entries.size();
		}

		synchronized void close() {
			this.closed = true;
		}

	}

	private static final class Entry {

		private final Acknowledgment acknowledgment;

		private boolean done;

		Entry(Acknowledgment acknowledgment) {
			this.acknowledgment = acknowledgment;
		}

	}

}

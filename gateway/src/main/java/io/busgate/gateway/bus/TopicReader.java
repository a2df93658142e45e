package io.busgate.gateway.bus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.support.TopicPartitionOffset.SeekPosition;

/**
 * Reads every partition of one topic by assignment, with no consumer group (no rebalance to wait
 * for, nothing to commit), as the broker describes the topic, not as the gateway's configuration
 * would create it. The partitions the topic has when reading starts are read from their end:
 * only what comes from now on matters. The topic is described again every
 * {@code busgate.gateway.bus.partition-refresh-interval}, and partitions added since are read
 * from their beginning, by a container of their own: a record may land on a new partition before
 * this gateway notices it, and the partitions already read go on without a pause. The listener
 * gets one batch at a time, whichever container read it, as from one consumer.
 */
public final class TopicReader {

	private static final Log logger = LogFactory.getLog(TopicReader.class);

	private final GatewayTopics topics;

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final String name;

	private final String topic;

	private final BatchMessageListener<String, byte[]> listener;

	/** The first reads the partitions there were at the start, each further one those added. */
	private final List<Reading> readings = new ArrayList<>();

	private final Set<Integer> partitions = new TreeSet<>();

	/** Held while the listener works on a batch; not this reader's monitor, which stop holds. */
	private final Object delivery = new Object();

	/** The first of the readings, which readiness waits for. */
	private volatile Reading first;

	private ScheduledFuture<?> watch;

	TopicReader(GatewayTopics topics, ConsumerFactory<String, byte[]> consumerFactory, String name, String topic,
			BatchMessageListener<String, byte[]> listener) {
		this.topics = topics;
		this.consumerFactory = consumerFactory;
		this.name = name;
		this.topic = topic;
		this.listener = listener;
	}

	/** The topic this reads. */
	public String topic() {
		return this.topic;
	}

	/**
	 * Starts reading all partitions of the topic from their end, and watching it for more.
	 * @param description the topic as the broker describes it now
	 */
	public synchronized void start(TopicDescription description) {
		if (!this.readings.isEmpty()) {
			return;
		}
		read(description, SeekPosition.END);
		this.watch = this.topics.watch(this.topic, this::grow);
	}

	/** Stops reading; {@link #start} may begin again. */
	public synchronized void stop() {
		if (this.watch != null) {
			this.watch.cancel(false);
			this.watch = null;
		}
		this.first = null;
		this.readings.forEach((reading) -> reading.container.stop());
		this.readings.clear();
		this.partitions.clear();
	}

	/**
	 * Whether the partitions the topic had when reading started are assigned and positioned at
	 * their end, so that no record written from now on can be missed (partitions added later are
	 * read from their beginning, so nothing on them is missed either).
	 */
	public boolean isAssigned() {
		Reading first = this.first;
		return first != null && first.assigned;
	}

	private synchronized void grow(TopicDescription description) {
		if (!this.readings.isEmpty()) {
			read(description, SeekPosition.BEGINNING);
		}
	}

	private void read(TopicDescription description, SeekPosition position) {
		List<TopicPartitionOffset> added = description.partitions()
			.stream()
			.map(TopicPartitionInfo::partition)
			.filter((partition) -> !this.partitions.contains(partition))
			.sorted()
			.map((partition) -> new TopicPartitionOffset(this.topic, partition, position))
			.toList();
		if (added.isEmpty()) {
			return;
		}
		ContainerProperties properties = new ContainerProperties(added.toArray(TopicPartitionOffset[]::new));
		Reading reading = new Reading();
		properties.setMessageListener(reading);
		ConcurrentMessageListenerContainer<String, byte[]> container = new ConcurrentMessageListenerContainer<>(
				this.consumerFactory, properties);
		container.setBeanName(this.readings.isEmpty() ? this.name : this.name + "-" + this.readings.size());
		reading.container = container;
		if (!this.readings.isEmpty()) {
			logger.info("Reading partitions " + added.stream().map(TopicPartitionOffset::getPartition).toList() + " of "
					+ this.topic + ", added since this gateway started reading it, from their beginning");
		}
		added.forEach((partition) -> this.partitions.add(partition.getPartition()));
		this.readings.add(reading);
		if (this.first == null) {
			this.first = reading;
		}
		container.start();
	}

	/** Hands the records of one container to the listener and notes when it is assigned. */
	private final class Reading implements BatchMessageListener<String, byte[]>, ConsumerSeekAware {

		private ConcurrentMessageListenerContainer<String, byte[]> container;

		private volatile boolean assigned;

		@Override
		public void onMessage(List<ConsumerRecord<String, byte[]>> records) {
			synchronized (TopicReader.this.delivery) {
				TopicReader.this.listener.onMessage(records);
			}
		}

		/** Called once the partitions are assigned and positioned where they are read from. */
		@Override
		public void onPartitionsAssigned(Map<TopicPartition, Long> assignments, ConsumerSeekCallback callback) {
			this.assigned = true;
		}

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			this.assigned = false;
		}

	}

}

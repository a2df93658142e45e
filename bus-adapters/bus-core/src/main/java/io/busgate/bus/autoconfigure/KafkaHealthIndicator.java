package io.busgate.bus.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Health {@code kafka}: up while the cluster answers who its brokers are within
 * {@value #TIMEOUT_MILLIS} ms, down (with the reason) otherwise. It checks the connection the
 * app's producers and consumers use ({@code spring.kafka.*}), so readiness groups include it.
 * An answer is reused for {@link #REUSE}: load balancers and orchestrators ask every few
 * seconds, and tests far more often, which should not each cost a round trip to the broker.
 */
final class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

	/** Well below the intervals of load balancer and orchestrator health checks. */
	static final int TIMEOUT_MILLIS = 2000;

	static final Duration REUSE = Duration.ofSeconds(1);

	private final KafkaAdmin kafkaAdmin;

	private final Clock clock;

	private Admin admin;

	private volatile Health last;

	private volatile Instant lastAt = Instant.MIN;

	KafkaHealthIndicator(KafkaAdmin kafkaAdmin, Clock clock) {
		super("Kafka is not reachable");
		this.kafkaAdmin = kafkaAdmin;
		this.clock = clock;
	}

	@Override
	public Health health(boolean includeDetails) {
		Instant now = this.clock.instant();
		Health health = this.last;
		if (health == null || !now.isBefore(this.lastAt.plus(REUSE))) {
			health = health();
			this.last = health;
			this.lastAt = now;
		}
		return includeDetails ? health : Health.status(health.getStatus()).build();
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		DescribeClusterResult cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MILLIS));
		Collection<Node> nodes = cluster.nodes().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
		builder.up()
			.withDetail("clusterId", cluster.clusterId().get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
			.withDetail("brokers", nodes.size());
	}

	/** Created on the first check, so that an app that is never checked opens no connection. */
	private synchronized Admin admin() {
		if (this.admin == null) {
			this.admin = Admin.create(this.kafkaAdmin.getConfigurationProperties());
		}
		return this.admin;
	}

	@Override
	public synchronized void destroy() {
		if (this.admin != null) {
			this.admin.close(Duration.ofMillis(TIMEOUT_MILLIS));
		}
	}

}

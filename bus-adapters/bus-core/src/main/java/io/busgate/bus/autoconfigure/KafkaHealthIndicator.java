package io.busgate.bus.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaFuture;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Health {@code kafka}: up while the cluster answers who its brokers are within
 * {@value #TIMEOUT_MILLIS} ms, down (with the reason) otherwise. It checks the connection the
 * app's producers and consumers use ({@code spring.kafka.*}), so readiness groups include it.
 *
 * <p>Load balancers, orchestrators and tests ask often, and a busy app must still answer them at
 * once: only the first check waits for the broker. After it, every answer is the latest check's,
 * and an answer older than {@link #REFRESH} starts the next check in the background.
 */
final class KafkaHealthIndicator implements HealthIndicator, DisposableBean {

	/** Well below the intervals of load balancer and orchestrator health checks. */
	static final int TIMEOUT_MILLIS = 2000;

	static final Duration REFRESH = Duration.ofSeconds(1);

	private final KafkaAdmin kafkaAdmin;

	private final Clock clock;

	private final AtomicBoolean checking = new AtomicBoolean();

	private Admin admin;

	private volatile Health last;

	private volatile Instant lastAt = Instant.MIN;

	KafkaHealthIndicator(KafkaAdmin kafkaAdmin, Clock clock) {
		this.kafkaAdmin = kafkaAdmin;
		this.clock = clock;
	}

	@Override
	public Health health(boolean includeDetails) {
		Health health = this.last;
		if (health == null) {
			health = check().join();
		}
		else if (!this.clock.instant().isBefore(this.lastAt.plus(REFRESH)) && this.checking.compareAndSet(false, true)) {
			check().whenComplete((checked, failure) -> this.checking.set(false));
		}
		return includeDetails ? health : Health.status(health.getStatus()).build();
	}

	@Override
	public Health health() {
		return health(true);
	}

	/** Asks the cluster; the future completes within the timeout, with up or down. */
	private CompletableFuture<Health> check() {
		CompletableFuture<Health> health = new CompletableFuture<>();
		try {
			DescribeClusterResult cluster = admin()
				.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MILLIS));
			KafkaFuture.allOf(cluster.nodes(), cluster.clusterId()).whenComplete((done, failure) -> {
				try {
					health.complete((failure != null) ? Health.down().withException(failure).build()
							: Health.up().withDetail("clusterId", cluster.clusterId().get())
								.withDetail("brokers", cluster.nodes().get().size())
								.build());
				}
				catch (Exception ex) {
					health.complete(Health.down().withException(ex).build());
				}
			});
		}
		catch (RuntimeException ex) {
			health.complete(Health.down().withException(ex).build());
		}
		return health
			.completeOnTimeout(Health.down().withDetail("error", "no answer within " + TIMEOUT_MILLIS + " ms").build(),
					TIMEOUT_MILLIS + 500, TimeUnit.MILLISECONDS)
			.thenApply((checked) -> {
				this.last = checked;
				this.lastAt = this.clock.instant();
				return checked;
			});
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

package io.busgate.bridge;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health {@code backend}: up while the backend answers {@link BackendClient#probe} within
 * {@link #TIMEOUT}, down with the reason otherwise. Part of the bridges' readiness: a bridge
 * that cannot reach its backend can only answer {@code UNAVAILABLE}.
 */
final class BackendHealthIndicator extends AbstractHealthIndicator {

	/** Well below the intervals of orchestrator health checks. */
	static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final BackendClient backend;

	BackendHealthIndicator(BackendClient backend) {
		super("The backend does not answer");
		this.backend = backend;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		this.backend.probe(TIMEOUT).get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
		builder.up();
	}

}

package io.busgate.gateway;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Gateway settings.
 *
 * @param instanceId names this gateway's reply topic, {@code gateway.replies.<instanceId>};
 * unique per running gateway and stable across its restarts (e.g. the host name). Defaults to
 * a random id, which leaves a new reply topic behind on every start
 * @param replyTimeout how long a bus-bound field waits for its reply before it fails with
 * {@code UPSTREAM_TIMEOUT}; the other fields of the response are unaffected
 * @param deadlineMargin the {@code bus-deadline} stamped on a request is the reply timeout
 * minus this margin, so that a bridge gives up while its error reply can still arrive in time
 * @param replyPartitions partitions of the reply topic when the gateway creates it
 * @param replyRetention how long the reply topic keeps replies, for replaying traffic
 * @param maxQueryDepth deepest field nesting a document may have; deeper ones are refused
 * before anything is sent to the bus
 * @param maxQueryComplexity most fields a document may select, counted over all levels
 * @param subscriptionBuffer events a subscription may fall behind its client; one more ends the
 * subscription with an error, so a slow client costs bounded memory and never slows the others
 * @param eventPartitions partitions of an event topic when the gateway creates it (the bridges
 * create theirs with the same default)
 */
@ConfigurationProperties("busgate.gateway")
public record GatewayProperties(String instanceId, @DefaultValue("5s") Duration replyTimeout,
		@DefaultValue("200ms") Duration deadlineMargin, @DefaultValue("1") int replyPartitions,
		@DefaultValue("24h") Duration replyRetention, @DefaultValue("10") int maxQueryDepth,
		@DefaultValue("500") int maxQueryComplexity, @DefaultValue("256") int subscriptionBuffer,
		@DefaultValue("6") int eventPartitions) {

	public GatewayProperties {
		if (instanceId == null || instanceId.isBlank()) {
			instanceId = "gw-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
		}
		if (deadlineMargin.compareTo(replyTimeout) >= 0) {
			throw new IllegalArgumentException("busgate.gateway.deadline-margin (" + deadlineMargin
					+ ") must be shorter than busgate.gateway.reply-timeout (" + replyTimeout + ")");
		}
	}

	/** How long a bridge may work on a request. */
	public Duration requestBudget() {
		return this.replyTimeout.minus(this.deadlineMargin);
	}

}

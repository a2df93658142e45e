package io.busgate.examples.message;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the message service, bound from {@code busgate.message-service.*}.
 *
 * @param host the address the Thrift server binds to; loopback by default, so that only the
 * bridge on the same host reaches it
 * @param port the Thrift server's port; 0 picks a free one, published as
 * {@value MessageServiceApplication#LOCAL_PORT_PROPERTY}
 * @param selectorThreads threads doing network I/O for the Thrift server's connections
 * @param workerThreads threads running calls; the calls are in-memory and short
 * @param maxMessageSize the largest request frame (and message) the server reads; a larger one
 * closes its connection. Requests are small (at most 1,000 ids or one 2,000-character body), so
 * the default of 1 MB is far below Thrift's own default of 100 MB and bounds the memory one
 * connection can claim
 * @param userCount how many users exist: ids {@code "1"} to {@code "<userCount>"}, the same as
 * user-service's {@code busgate.user-service.user-count}. At least 2
 * @param seed seed of the random generator that builds the seeded messages; the same seed (and
 * the other settings) always produces the same data
 * @param seededMessages how many messages exist at startup; at least 0
 * @param idempotencyKeysPerUser how many idempotency keys each sender's record holds: the keys
 * of their most recently used keyed sends. Keys are scoped by sender, so one user's sends never
 * push out another's keys; a send repeated after its sender's newer keyed sends pushed its key
 * out creates a new message. Kept in memory with the messages (a restart forgets both). At
 * least 1
 */
@ConfigurationProperties("busgate.message-service")
public record MessageServiceProperties(
		@DefaultValue("127.0.0.1") String host,
		@DefaultValue("9095") int port,
		@DefaultValue("2") int selectorThreads,
		@DefaultValue("8") int workerThreads,
		@DefaultValue("1MB") DataSize maxMessageSize,
		@DefaultValue("10000") int userCount,
		@DefaultValue("42") long seed,
		@DefaultValue("50000") int seededMessages,
		@DefaultValue("1000") int idempotencyKeysPerUser) {

	public MessageServiceProperties {
		if (host == null || host.isBlank()) {
			throw new IllegalArgumentException("host must be set");
		}
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port must be 0..65535, was " + port);
		}
		if (selectorThreads < 1 || workerThreads < 1) {
			throw new IllegalArgumentException("selectorThreads and workerThreads must be at least 1, were "
					+ selectorThreads + " and " + workerThreads);
		}
		if (maxMessageSize == null || maxMessageSize.toBytes() < 1024 || maxMessageSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("maxMessageSize must be between 1KB and 2GB, was " + maxMessageSize);
		}
		if (userCount < 2) {
			throw new IllegalArgumentException("userCount must be at least 2 (a message needs two users), was "
					+ userCount);
		}
		if (seededMessages < 0) {
			throw new IllegalArgumentException("seededMessages must not be negative, was " + seededMessages);
		}
		if (idempotencyKeysPerUser < 1) {
			throw new IllegalArgumentException("idempotencyKeysPerUser must be at least 1, was " + idempotencyKeysPerUser);
		}
	}

	/** The defaults, as used when nothing is configured. */
	static MessageServiceProperties defaults() {
		return new MessageServiceProperties("127.0.0.1", 9095, 2, 8, DataSize.ofMegabytes(1), 10_000, 42L, 50_000,
				1000);
	}

}

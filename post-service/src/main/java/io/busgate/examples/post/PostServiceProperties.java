package io.busgate.examples.post;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the post service, bound from {@code busgate.post-service.*}. Where the gRPC
 * server listens is Spring gRPC's {@code spring.grpc.server.address} and
 * {@code spring.grpc.server.port} (127.0.0.1:9090 in {@code post-service.yml}).
 *
 * @param userCount how many users exist, and may write posts: ids {@code "1"} to
 * {@code "<userCount>"}, the users of user-service (keep both at the same count). At least 1
 * @param seed seed of the random generator that writes the seeded posts; the same seed and
 * user count always produce the same posts
 * @param idempotencyKeysPerUser how many idempotency keys each author's record holds: the keys
 * of their most recently used keyed creates, each with the post it created. Keys are scoped by
 * author, so one user's creates never push out another's keys; a create repeated after its
 * author's newer keyed creates pushed its key out creates a new post. Kept in memory with the
 * posts (a restart forgets both). At least 1
 */
@ConfigurationProperties("busgate.post-service")
public record PostServiceProperties(
		@DefaultValue("10000") int userCount,
		@DefaultValue("42") long seed,
		@DefaultValue("1000") int idempotencyKeysPerUser) {

	public PostServiceProperties {
		if (userCount < 1) {
			throw new IllegalArgumentException("userCount must be at least 1, was " + userCount);
		}
		if (idempotencyKeysPerUser < 1) {
			throw new IllegalArgumentException("idempotencyKeysPerUser must be at least 1, was " + idempotencyKeysPerUser);
		}
	}

	/** The defaults, as used when nothing is configured. */
	static PostServiceProperties defaults() {
		return new PostServiceProperties(10_000, 42L, 1000);
	}

}

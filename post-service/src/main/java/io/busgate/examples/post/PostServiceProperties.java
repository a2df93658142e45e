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
 * @param idempotencyKeys how many idempotency keys (the most recently used) are remembered
 * with the post they created; a key forgotten since acts anew. At least 1
 */
@ConfigurationProperties("busgate.post-service")
public record PostServiceProperties(
		@DefaultValue("10000") int userCount,
		@DefaultValue("42") long seed,
		@DefaultValue("100000") int idempotencyKeys) {

	public PostServiceProperties {
		if (userCount < 1) {
			throw new IllegalArgumentException("userCount must be at least 1, was " + userCount);
		}
		if (idempotencyKeys < 1) {
			throw new IllegalArgumentException("idempotencyKeys must be at least 1, was " + idempotencyKeys);
		}
	}

	/** The defaults, as used when nothing is configured. */
	static PostServiceProperties defaults() {
		return new PostServiceProperties(10_000, 42L, 100_000);
	}

}

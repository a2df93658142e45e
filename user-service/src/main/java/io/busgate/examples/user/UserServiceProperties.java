package io.busgate.examples.user;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the user service, bound from {@code busgate.user-service.*}.
 *
 * @param userCount how many users to generate; their ids are {@code "1"} to
 * {@code "<userCount>"}. At least 1.
 * @param seed seed of the random generator that builds names and friend lists; the same
 * seed (and the other settings) always produces the same data
 * @param minFriends fewest friends a user gets, capped at {@code userCount - 1}; at least 0.
 * Friendship is symmetric; when {@code minFriends == maxFriends} a user may end one short.
 * @param maxFriends most friends a user gets, capped at {@code userCount - 1}; at least
 * {@code minFriends}
 * @param renamed names that replace the generated ones, by user id, e.g. {@code renamed.7=Grace}:
 * a changed version of the service to run next to the original and compare on replayed traffic
 */
@ConfigurationProperties("busgate.user-service")
public record UserServiceProperties(
		@DefaultValue("10000") int userCount,
		@DefaultValue("42") long seed,
		@DefaultValue("5") int minFriends,
		@DefaultValue("30") int maxFriends,
		Map<String, String> renamed) {

	public UserServiceProperties {
		if (userCount < 1) {
			throw new IllegalArgumentException("userCount must be at least 1, was " + userCount);
		}
		if (minFriends < 0) {
			throw new IllegalArgumentException("minFriends must not be negative, was " + minFriends);
		}
		if (maxFriends < minFriends) {
			throw new IllegalArgumentException(
					"maxFriends (" + maxFriends + ") must not be less than minFriends (" + minFriends + ")");
		}
		renamed = (renamed != null) ? Map.copyOf(renamed) : Map.of();
	}

	/** The defaults, as used when nothing is configured. */
	static UserServiceProperties defaults() {
		return new UserServiceProperties(10_000, 42L, 5, 30, Map.of());
	}

}

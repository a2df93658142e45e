package io.busgate.examples.user;

/**
 * A user as served in JSON: {@code {"id":"17","name":"Ada Lovelace"}}. The id is a string on
 * the wire, even though the seeded ids happen to be numbers.
 *
 * @param id the user's id
 * @param name the user's display name
 */
public record User(String id, String name) {
}

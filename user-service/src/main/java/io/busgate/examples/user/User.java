package io.busgate.examples.user;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A user as served in JSON: {@code {"id":"17","name":"Ada Lovelace"}}. The id is a string on
 * the wire, even though the seeded ids happen to be numbers.
 *
 * @param id the user's id
 * @param name the user's display name
 */
@Schema(description = "A user of the directory")
public record User(@Schema(description = "The user's id", requiredMode = Schema.RequiredMode.REQUIRED) String id,
		@Schema(description = "The user's display name", requiredMode = Schema.RequiredMode.REQUIRED) String name) {
}

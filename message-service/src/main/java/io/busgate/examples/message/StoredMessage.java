package io.busgate.examples.message;

import java.time.Instant;

/**
 * A message as the store keeps it: immutable, so that it can be shared between threads and
 * handed out without copying.
 *
 * @param id unique among all messages, a decimal number
 * @param body the text
 * @param sentAt when it was sent, to the millisecond
 * @param fromUserId the sender
 * @param toUserId the recipient
 */
record StoredMessage(String id, String body, Instant sentAt, String fromUserId, String toUserId) {
}

package io.busgate.gateway.events;

/**
 * A subscriber read its events too slowly: its buffer filled up, so its subscription was ended
 * instead of slowing down everyone else or buffering without bound.
 */
public class SubscriptionOverflowException extends RuntimeException {

	SubscriptionOverflowException(String type, int capacity) {
		super("subscription to " + type + " ended: the client fell " + capacity
				+ " events behind; subscribe again to continue from the newest events");
	}

}

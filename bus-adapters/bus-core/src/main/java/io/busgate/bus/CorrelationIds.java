package io.busgate.bus;

import java.util.UUID;

/** Correlation ids: random, so that they never repeat across gateway restarts or instances. */
public final class CorrelationIds {

	private CorrelationIds() {
	}

	public static String next() {
		return UUID.randomUUID().toString();
	}

}

package io.busgate.bus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request: its headers and its value, {@code {"keys":[...], "args":{...}}}.
 *
 * <p>A <em>keyed</em> request asks for one item per key and is answered with the items in key
 * order. A <em>keyless</em> request (no {@code keys} member) is a single call answered with
 * exactly one item.
 *
 * @param headers routing, correlation and deadline
 * @param keys the keys in the order their items are wanted, or {@code null} for a keyless call
 * @param args arguments shared by all keys, never {@code null}
 */
public record BusRequest(RequestHeaders headers, List<Object> keys, Map<String, Object> args) {

	public BusRequest {
		Objects.requireNonNull(headers, "headers");
		if (keys != null) {
			if (keys.isEmpty()) {
				throw new IllegalArgumentException("keys must not be empty; use null for a keyless call");
			}
			// Keys may legitimately be JSON null, which List.copyOf rejects.
			keys = Collections.unmodifiableList(new ArrayList<>(keys));
		}
		args = (args != null) ? Collections.unmodifiableMap(new LinkedHashMap<>(args)) : Map.of();
	}

	/** Whether the request carries keys (and expects one item per key). */
	public boolean isKeyed() {
		return this.keys != null;
	}

	/** How many items the reply must carry. */
	public int expectedItemCount() {
		return isKeyed() ? this.keys.size() : 1;
	}

	/**
	 * The record key: a mutation on a single entity is keyed by that entity so that writes to it
	 * stay in order on one partition; everything else by its correlation id, which spreads load.
	 */
	public String recordKey() {
		if (this.headers.isMutation() && isKeyed() && this.keys.size() == 1 && this.keys.get(0) != null) {
			return String.valueOf(this.keys.get(0));
		}
		return this.headers.correlationId();
	}

}

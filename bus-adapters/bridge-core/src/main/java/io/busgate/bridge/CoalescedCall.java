package io.busgate.bridge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.busgate.bus.BusRequest;
import io.busgate.bus.RequestHeaders;

/**
 * One backend call that serves one or more requests, and how its items are split back into one
 * answer per request.
 *
 * <p>Requests share a call only when they ask the same operation with the same arguments for the
 * same caller ({@code bus-principal}, {@code null} for anonymous, which shares only with
 * anonymous): the backend answers under one identity, so no caller ever receives items fetched
 * under another caller's identity. Keyed requests share a call that asks for their keys once
 * each, in first-seen order, at most {@code maxKeys} of them; each request gets exactly its own
 * keys' items in its own key order. Identical keyless requests share one call and its one item.
 * Mutations never share a call: each has its own idempotency key and its own events. A request
 * with more than {@code maxKeys} keys is called alone, as it came.
 *
 * @param <T> what the caller keeps with each request
 */
final class CoalescedCall<T> {

	private final List<T> members;

	private final BusRequest request;

	/**
	 * Per member, where each of its keys' items is in the call's answer; {@code null} for a
	 * keyless call or one member's own.
	 */
	private final List<int[]> positions;

	private final int expectedItems;

	private CoalescedCall(List<T> members, BusRequest request, List<int[]> positions, int expectedItems) {
		this.members = members;
		this.request = request;
		this.positions = positions;
		this.expectedItems = expectedItems;
	}

	/**
	 * Plans the calls that serve the given requests, in the order each call's first request came.
	 * @param entries what to serve, in the order read
	 * @param requestOf the request of an entry
	 * @param maxKeys the most keys one shared call asks for
	 * @return the calls; each entry is a member of exactly one
	 */
	static <T> List<CoalescedCall<T>> plan(List<T> entries, Function<T, BusRequest> requestOf, int maxKeys) {
		List<Builder<T>> planned = new ArrayList<>();
		Map<Shape, Builder<T>> open = new LinkedHashMap<>();
		for (T entry : entries) {
			BusRequest request = requestOf.apply(entry);
			if (request.headers().isMutation() || (request.isKeyed() && request.keys().size() > maxKeys)) {
				planned.add(new Builder<>(entry, request));
				continue;
			}
			Shape shape = Shape.of(request);
			Builder<T> builder = open.get(shape);
			if (builder == null || !builder.add(entry, request, maxKeys)) {
				builder = new Builder<>(entry, request);
				open.put(shape, builder);
				planned.add(builder);
			}
		}
		return planned.stream().map(Builder::build).toList();
	}

	/** The requests this call serves, in the order read. */
	List<T> members() {
		return this.members;
	}

	/** What the backend is asked: the only member's own request, or the members' shared one. */
	BusRequest request() {
		return this.request;
	}

	boolean isShared() {
		return this.members.size() > 1;
	}

	/**
	 * Splits the call's answer into each member's items.
	 * @param items the backend's answer to {@link #request()}
	 * @return the items of each member, in member order, or {@code null} when the answer does not
	 * hold one item per key asked (nobody's items can be told apart then)
	 */
	List<List<Object>> split(List<Object> items) {
		if (items == null || items.size() != this.expectedItems) {
			return null;
		}
		if (this.positions == null) {
			// Called alone, or keyless: every member's answer is the whole answer.
			return this.members.stream().map((member) -> items).toList();
		}
		List<List<Object>> split = new ArrayList<>(this.positions.size());
		for (int[] memberPositions : this.positions) {
			// Items are null where an entity was not found, which List.of rejects.
			List<Object> own = new ArrayList<>(memberPositions.length);
			for (int position : memberPositions) {
				own.add(items.get(position));
			}
			split.add(own);
		}
		return split;
	}

	/**
	 * What requests must have in common to share a call. Arguments compare as decoded JSON (maps
	 * regardless of member order); the principal compares exactly, {@code null} only to {@code null}.
	 */
	private record Shape(String operation, Map<String, Object> args, String principal, boolean keyed) {

		static Shape of(BusRequest request) {
			return new Shape(request.headers().operation(), request.args(), request.headers().principal(),
					request.isKeyed());
		}

	}

	private static final class Builder<T> {

		private final List<T> members = new ArrayList<>();

		private final List<BusRequest> requests = new ArrayList<>();

		private final List<int[]> positions = new ArrayList<>();

		/** Each distinct key asked so far, by its position in the call; JSON null is a key too. */
		private final Map<Object, Integer> keys = new LinkedHashMap<>();

		Builder(T entry, BusRequest request) {
			this.members.add(entry);
			this.requests.add(request);
			if (request.isKeyed()) {
				this.positions.add(positionsOf(request.keys()));
			}
		}

		/** Adds a request of the same shape if the call stays within {@code maxKeys} keys. */
		boolean add(T entry, BusRequest request, int maxKeys) {
			if (request.isKeyed()) {
				long added = request.keys().stream().distinct().filter((key) -> !this.keys.containsKey(key)).count();
				if (this.keys.size() + added > maxKeys) {
					return false;
				}
				this.positions.add(positionsOf(request.keys()));
			}
			this.members.add(entry);
			this.requests.add(request);
			return true;
		}

		private int[] positionsOf(List<Object> requestKeys) {
			int[] own = new int[requestKeys.size()];
			for (int i = 0; i < own.length; i++) {
				own[i] = this.keys.computeIfAbsent(requestKeys.get(i), (key) -> this.keys.size());
			}
			return own;
		}

		CoalescedCall<T> build() {
			BusRequest first = this.requests.get(0);
			boolean keyed = first.isKeyed();
			if (this.members.size() == 1) {
				return new CoalescedCall<>(List.copyOf(this.members), first, null, first.expectedItemCount());
			}
			// The call lasts until the last of its members stops waiting; each member still
			// times out at its own deadline.
			Instant deadline = this.requests.stream()
				.map((request) -> request.headers().deadline())
				.max(Instant::compareTo)
				.orElseThrow();
			RequestHeaders headers = first.headers();
			RequestHeaders shared = new RequestHeaders(headers.correlationId(), headers.operation(), headers.replyTo(),
					deadline, null, headers.principal());
			BusRequest request = new BusRequest(shared, keyed ? new ArrayList<>(this.keys.keySet()) : null,
					first.args());
			return new CoalescedCall<>(List.copyOf(this.members), request, keyed ? this.positions : null,
					request.expectedItemCount());
		}

	}

}

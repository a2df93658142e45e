package io.busgate.backend;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Makes a keyed mutation act once: the first request with a key runs, and a repeat of it (a
 * redelivery, a retry) is answered with what the first one made, without running again.
 *
 * <p>Keys are the caller's own and per operation: the same key from two principals, or for two
 * operations, is two requests. Each principal has a record of their most recently used keys (at
 * most {@code keysPerPrincipal}, least recently used forgotten first), so that no caller's
 * traffic can push out another's keys. A key is remembered with a fingerprint of the request it
 * was used for, so that reusing it for another request is refused
 * ({@link IdempotencyKeyReusedException}) rather than answered with a result that is not what was
 * asked for. Keys live in memory, with whatever the backend keeps in memory: a restart loses both.
 *
 * <p>Thread-safe. Requests of one principal are serialized (looking up a key, running the request
 * and remembering the key is atomic); different principals' requests run in parallel.
 *
 * @param <R> what a request makes, answered again to its repeats
 */
public final class IdempotencyKeys<R> {

	/** The longest key a backend should accept: every remembered key takes memory. */
	public static final int MAX_KEY_LENGTH = 200;

	private final int keysPerPrincipal;

	/** Principal -> their keys, least recently used first; each record guarded by itself. */
	private final Map<String, LinkedHashMap<OperationKey, Remembered<R>>> byPrincipal = new ConcurrentHashMap<>();

	/**
	 * @param keysPerPrincipal how many keys each principal's record keeps, at least 1
	 */
	public IdempotencyKeys(int keysPerPrincipal) {
		if (keysPerPrincipal < 1) {
			throw new IllegalArgumentException("keysPerPrincipal must be at least 1, was " + keysPerPrincipal);
		}
		this.keysPerPrincipal = keysPerPrincipal;
	}

	/**
	 * Runs a request once per key: answers what the principal's earlier request of this operation
	 * with this key made, or runs {@code request} and remembers its result under the key.
	 * @param principal who the request is made for; the backend has checked that they may make it
	 * @param operation what the request does, e.g. {@code createPost}
	 * @param key the request's idempotency key, or {@code null} to run it unconditionally
	 * @param fields what the request asks for (not its key): a repeat must ask for the same
	 * @param request makes the result; it is not remembered when it throws
	 * @return the result of the first request with the key
	 * @throws IdempotencyKeyReusedException if the principal used the key for this operation with
	 * other {@code fields}
	 */
	public R once(String principal, String operation, String key, List<String> fields, Supplier<R> request) {
		if (key == null) {
			return request.get();
		}
		Objects.requireNonNull(principal, "principal");
		OperationKey operationKey = new OperationKey(operation, key);
		byte[] fingerprint = fingerprint(fields);
		LinkedHashMap<OperationKey, Remembered<R>> keys = this.byPrincipal.computeIfAbsent(principal,
				(p) -> record(this.keysPerPrincipal));
		synchronized (keys) {
			Remembered<R> earlier = keys.get(operationKey);
			if (earlier != null) {
				if (!Arrays.equals(earlier.fingerprint(), fingerprint)) {
					throw new IdempotencyKeyReusedException(key);
				}
				return earlier.result();
			}
			R result = request.get();
			keys.put(operationKey, new Remembered<>(fingerprint, result));
			return result;
		}
	}

	/** One principal's keys: the most recently used {@code size} are kept. */
	private static <R> LinkedHashMap<OperationKey, Remembered<R>> record(int size) {
		return new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<OperationKey, Remembered<R>> eldest) {
				return size() > size;
			}

		};
	}

	/**
	 * SHA-256 of a request's fields, each length-prefixed so that no two lists of fields give the
	 * same bytes; a {@code null} field counts apart from every string.
	 */
	private static byte[] fingerprint(List<String> fields) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			for (String field : fields) {
				if (field == null) {
					digest.update((byte) '-');
					continue;
				}
				byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
				digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
				digest.update((byte) ':');
				digest.update(bytes);
			}
			return digest.digest();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

	private record OperationKey(String operation, String key) {
	}

	/** A remembered key: the fingerprint of the request it was used for, and what it made. */
	private record Remembered<R>(byte[] fingerprint, R result) {
	}

}

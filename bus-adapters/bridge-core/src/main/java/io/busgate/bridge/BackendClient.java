package io.busgate.bridge;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.busgate.bus.BusRequest;

/**
 * The one thing a protocol bridge adds to the shared bridge mechanics: how to serve a request
 * by calling its backend.
 *
 * <p>Implementations must not block the calling thread; they return a future that the
 * backend's asynchronous client completes.
 */
public interface BackendClient {

	/**
	 * Serves one request.
	 * @param request the decoded request; its deadline bounds the call
	 * @return a future of the items, one per key in key order ({@code null} where the backend
	 * has no such entity), or exactly one for a keyless request; failed with a
	 * {@link BackendException} for an answer the caller should see as a status
	 */
	CompletableFuture<List<Object>> call(BusRequest request);

	/**
	 * Checks that the backend answers, for the bridge's health ({@code backend}, part of
	 * readiness). Any answer counts: the check is about reaching the backend, not about one
	 * operation.
	 * @param timeout how long to wait for the answer
	 * @return a future completed when the backend answered, failed with the reason otherwise
	 */
	CompletableFuture<Void> probe(Duration timeout);

}

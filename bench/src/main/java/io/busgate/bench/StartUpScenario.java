package io.busgate.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 7, start-up and memory: from the stack's launch to its first answered query, and the
 * resident memory of each of its processes, Zipkin's included.
 */
final class StartUpScenario {

	private static final Duration LIMIT = Duration.ofMinutes(10);

	private static final Duration POLL = Duration.ofMillis(100);

	private StartUpScenario() {
	}

	/** Polls the gateway until a query is answered; the seconds from the stack's launch until then. */
	static double awaitFirstAnswer(SystemUnderTest stack, HttpLoad http, HttpLoad.Call query) {
		long deadline = System.nanoTime() + LIMIT.toNanos();
		while (!http.sendOnce(query)) {
			stack.checkRunning();
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the gateway answered no query within " + LIMIT.toMinutes()
						+ " minutes of the stack's launch");
			}
			LockSupport.parkNanos(POLL.toNanos());
		}
		return (System.nanoTime() - stack.launchedNanos()) / 1e9;
	}

	/** The resident memory of the stack's own processes added up (not the load generator's, nor extra bridges'). */
	static long stackResidentBytes(Map<String, Long> resident, Map<String, ProcessHandle> stackProcesses) {
		return resident.entrySet()
			.stream()
			.filter((entry) -> stackProcesses.containsKey(entry.getKey()))
			.mapToLong(Map.Entry::getValue)
			.sum();
	}

}

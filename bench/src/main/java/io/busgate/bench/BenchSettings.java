package io.busgate.bench;

import java.time.Duration;
import java.util.List;

/**
 * How much each scenario asks of the stack and for how long. Warm-up requests are sent and
 * answered like the others but not measured.
 *
 * @param stackWarmup how long the stack is loaded with the scenarios' queries and calls before
 * anything is measured: on 2 CPUs its processes' JIT compilers work for minutes on the request
 * paths and meanwhile take a CPU away, so figures taken earlier measure the warm-up
 * @param stackWarmupConcurrency requests in flight at once during {@code stackWarmup}
 * @param floorWarmup raw Kafka round trips before the floor's measured ones
 * @param floorSequential measured raw Kafka round trips, one at a time
 * @param floorPipelined measured raw Kafka round trips with up to {@code floorWindow} in flight
 * @param floorWindow round trips in flight at once in the pipelined floor
 * @param directWarmup calls of the user service before the measured ones
 * @param directSequential measured calls of the user service, one at a time
 * @param directConcurrency calls of the user service in flight at once in its throughput run
 * @param directDuration how long the user service's throughput run is measured
 * @param busWarmup queries through the gateway before the measured sequential ones
 * @param busSequential measured queries through the gateway, one at a time
 * @param openRates the arrival rates (queries per second) of the open-model steps, in order;
 * the steps stop at the first rate the stack does not sustain
 * @param openStepWarmup how long each open-model step runs before it is measured
 * @param openStepDuration how long each open-model step is measured
 * @param sustainedP99 the 99th percentile a sustained rate stays under (with no errors)
 * @param nPlusOneItems the items whose fields need one fetch each in the N+1 query
 * @param nPlusOneWarmup N+1 queries before the measured ones
 * @param nPlusOneQueries measured N+1 queries, one at a time
 * @param backendDelay the delay of every user service call while the bridges are compared
 * (scenario 6: the benchmark's own bridges, fed bus records on a topic of their own)
 * @param scalingMaxInFlight calls each compared bridge works on at once: this, not the machine's
 * CPUs, must bound what one bridge serves (as a bridge's share of a backend's capacity would),
 * or two bridges on one machine compare CPUs, not bridges
 * @param scalingConcurrency queries in flight at once while the bridges are compared
 * @param scalingWarmup how long each bridge comparison run goes before it is measured
 * @param scalingDuration how long each bridge comparison run is measured
 * @param bridgeWarmup how long the two-bridge run goes before it is measured: both bridges start
 * cold, and their JIT compilers take a CPU away while they work
 * @param requestTimeout when the load generator gives up on a request (an error)
 * @param bridgeJoinTimeout how long the compared bridges may take to get their partitions
 */
record BenchSettings(Duration stackWarmup, int stackWarmupConcurrency, int floorWarmup, int floorSequential,
		int floorPipelined, int floorWindow, int directWarmup, int directSequential, int directConcurrency,
		Duration directDuration, int busWarmup, int busSequential, List<Integer> openRates, Duration openStepWarmup,
		Duration openStepDuration, Duration sustainedP99, int nPlusOneItems, int nPlusOneWarmup, int nPlusOneQueries,
		Duration backendDelay, int scalingMaxInFlight, int scalingConcurrency, Duration scalingWarmup,
		Duration scalingDuration, Duration bridgeWarmup, Duration requestTimeout, Duration bridgeJoinTimeout) {

	/** The full run: a few minutes on a 2-CPU machine. */
	static BenchSettings full() {
		return new BenchSettings(Duration.ofSeconds(40), 8, 1_000, 3_000, 20_000, 256, 2_000, 3_000, 16,
				Duration.ofSeconds(5), 2_000, 3_000,
				List.of(100, 250, 500, 1_000, 1_500, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000), Duration.ofSeconds(2),
				Duration.ofSeconds(6), Duration.ofMillis(50), 100, 100, 300, Duration.ofMillis(10), 1, 64,
				Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(10),
				Duration.ofSeconds(60));
	}

	/** Every scenario with a tiny load, in seconds: proves the harness works, measures nothing. */
	static BenchSettings smoke() {
		return new BenchSettings(Duration.ofSeconds(1), 2, 20, 50, 200, 20, 10, 20, 4, Duration.ofSeconds(1), 10, 20,
				List.of(20, 40),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(50), 100, 3, 5, Duration.ofMillis(10),
				1, 4, Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(10),
				Duration.ofSeconds(60));
	}

}

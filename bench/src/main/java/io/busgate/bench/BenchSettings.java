package io.busgate.bench;

import java.time.Duration;
import java.util.List;

/**
 * How much each scenario asks of the stack and for how long. Warm-up requests are sent and
 * answered like the others but not measured. Every timed scenario is measured {@code runs} times:
 * a sequential one as that many batches, a continuous load (closed loop, open model, bridges) as
 * that many consecutive windows after one warm-up.
 *
 * @param warmUp how the stack, and the bridges of scenario 6, are warmed up before anything of
 * theirs is measured: until their throughput stops rising
 * @param stackWarmupConcurrency connections of the stack's warm-up, which sends every scenario's
 * queries in turn
 * @param runs measured runs of each timed scenario, for their spread
 * @param floorWarmup raw Kafka round trips before the floor's measured ones
 * @param floorSequential measured raw Kafka round trips per run, one at a time
 * @param floorPipelined measured raw Kafka round trips per run with up to {@code floorWindow} in flight
 * @param floorWindow round trips in flight at once in the pipelined floor
 * @param directWarmup calls of the user service before the measured ones
 * @param directSequential measured calls of the user service per run, one at a time
 * @param directConcurrency connections of the user service's closed loop
 * @param closedWarmup how long each closed loop (the user service's, each saturation) runs
 * before it is measured
 * @param closedDuration how long each run of a closed loop is measured
 * @param busWarmup queries through the gateway before the measured sequential ones
 * @param busSequential measured queries through the gateway per run, one at a time
 * @param openRates the arrival rates (queries per second) of the open-model steps, in order;
 * the steps stop at the first rate the stack does not sustain
 * @param openStepWarmup how long each open-model step runs before it is measured
 * @param openStepDuration how long each run of an open-model step is measured
 * @param sustainedP99 the 99th percentile a sustained rate stays under (with no errors)
 * @param nPlusOneItems the items whose fields need one fetch each in the N+1 query
 * @param nPlusOneWarmup N+1 queries before the measured ones
 * @param nPlusOneQueries measured N+1 queries per run, one at a time
 * @param saturationConnections the connections of each protocol's closed-loop saturation
 * @param backendDelay the delay of every user service call while the bridges are compared
 * (scenario 6: the benchmark's own bridges, fed bus records on a topic of their own)
 * @param scalingMaxInFlight calls each compared bridge works on at once: this, not the machine's
 * CPUs, must bound what one bridge serves (as a bridge's share of a backend's capacity would),
 * or two bridges on one machine compare CPUs, not bridges
 * @param scalingConcurrency queries in flight at once while the bridges are compared
 * @param scalingWarmup how long each bridge comparison runs before it is measured (after the
 * bridges' warm-up)
 * @param scalingDuration how long each run of a bridge comparison is measured
 * @param requestTimeout when the load generator gives up on a request (an error)
 * @param bridgeJoinTimeout how long the compared bridges may take to get their partitions
 */
record BenchSettings(WarmUp warmUp, int stackWarmupConcurrency, int runs, int floorWarmup, int floorSequential,
		int floorPipelined, int floorWindow, int directWarmup, int directSequential, int directConcurrency,
		Duration closedWarmup, Duration closedDuration, int busWarmup, int busSequential, List<Integer> openRates,
		Duration openStepWarmup, Duration openStepDuration, Duration sustainedP99, int nPlusOneItems,
		int nPlusOneWarmup, int nPlusOneQueries, List<Integer> saturationConnections, Duration backendDelay,
		int scalingMaxInFlight, int scalingConcurrency, Duration scalingWarmup, Duration scalingDuration,
		Duration requestTimeout, Duration bridgeJoinTimeout) {

	/** The full run: about 10 minutes on a 2-CPU machine, start-up included. */
	static BenchSettings full() {
		return new BenchSettings(new WarmUp(Duration.ofSeconds(10), 0.03, 18), 50, 3, 500, 2_000, 20_000, 256, 1_000,
				2_000, 16, Duration.ofSeconds(2), Duration.ofSeconds(4), 1_000, 1_500,
				List.of(250, 500, 1_000, 1_500, 2_000, 2_500, 3_000, 3_500, 4_000, 5_000, 6_000),
				Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofMillis(50), 100, 50, 100, List.of(10, 50, 200),
				Duration.ofMillis(10), 1, 64, Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(10),
				Duration.ofSeconds(60));
	}

	/** Every scenario with a tiny load, in seconds: proves the harness works, measures nothing. */
	static BenchSettings smoke() {
		return new BenchSettings(new WarmUp(Duration.ofMillis(500), 0.5, 2), 2, 3, 20, 30, 100, 20, 10, 20, 4,
				Duration.ofMillis(200), Duration.ofMillis(300), 10, 20, List.of(20, 40), Duration.ofMillis(300),
				Duration.ofMillis(300), Duration.ofMillis(50), 100, 3, 3, List.of(2), Duration.ofMillis(10), 1, 4,
				Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofSeconds(10), Duration.ofSeconds(60));
	}

}

package io.busgate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Warms processes up until their throughput stops rising: short closed-loop runs, one after the
 * other, until one is within {@code tolerance} of the one before (at least two runs, at most
 * {@code maxRuns}). On 2 CPUs the JIT compilers of freshly started JVMs work for minutes on the
 * request paths and meanwhile take a CPU away: figures taken earlier measure the warm-up.
 *
 * @param window how long each warm-up run goes
 * @param tolerance how close to the run before a run must be, e.g. 0.05 for 5 %
 * @param maxRuns the most runs, steady or not
 */
record WarmUp(Duration window, double tolerance, int maxRuns) {

	/**
	 * Runs {@code load} (given the window, returning its figures) until steady; the throughput of
	 * each run.
	 */
	List<Double> untilSteady(String what, Function<Duration, Figures> load, BenchRun run) {
		List<Double> throughputs = new ArrayList<>();
		long errors = 0;
		boolean steady = false;
		for (int i = 0; i < this.maxRuns && !steady; i++) {
			Figures figures = load.apply(this.window);
			errors += figures.errors();
			throughputs.add(Math.rint(figures.throughput()));
			steady = i > 0 && Math.abs(figures.throughput() - throughputs.get(i - 1)) <= throughputs.get(i - 1)
					* this.tolerance;
		}
		run.say("%s: %s/s in runs of %.1f s, %s, %d errors", what, throughputs, this.window.toMillis() / 1e3,
				steady ? "steady" : "still changing after " + this.maxRuns + " runs", errors);
		return throughputs;
	}

}

package io.busgate.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark run measured, and the targets checked against it.
 *
 * @param mode {@code full} or {@code smoke}
 * @param stack what was measured, e.g. the local stack's processes
 * @param revision the source revision measured, when known
 * @param machine where it ran
 * @param startedAt when the run started (UTC, ISO-8601)
 * @param wallSeconds how long the run took, start-up included
 * @param startupSeconds from launching the stack to its first answered query
 * @param figures every measured run, in scenario order
 * @param openSteps the open-model steps of scenario 4, in rate order
 * @param sustainedRate the highest open-model rate answered with no error and a 99th percentile
 * under the limit; 0 when none was
 * @param nPlusOneRecordsPerQuery request records per N+1 query, by operation
 * @param residentBytesAfterStart resident memory of each process once the stack is up
 * @param residentBytesAfterRun resident memory of each process after the load
 * @param stackResidentBytes the stack's processes' resident memory after the load, added up
 * (without the load generator and the second bridge)
 * @param targets the targets, each with its figure from this run
 */
record Results(String mode, String stack, String revision, Machine machine, String startedAt, double wallSeconds,
		double startupSeconds, List<Figures> figures, List<OpenStep> openSteps, int sustainedRate,
		Map<String, Double> nPlusOneRecordsPerQuery, Map<String, Long> residentBytesAfterStart,
		Map<String, Long> residentBytesAfterRun, long stackResidentBytes, List<Target> targets) {

	/**
	 * The machine.
	 *
	 * @param cpus processors available to the JVM
	 * @param cpuModel the processor, from /proc/cpuinfo where there is one
	 * @param memoryBytes physical memory
	 * @param jdk the JDK the load generator ran on (the stack's processes use the same one)
	 * @param os operating system and kernel
	 * @param loadBefore the 1-minute load average when the run started
	 * @param loadAfter the 1-minute load average when it ended
	 */
	record Machine(int cpus, String cpuModel, long memoryBytes, String jdk, String os, double loadBefore,
			double loadAfter) {

	}

	/** One open-model step: its arrival rate, whether the stack sustained it, and what was measured. */
	record OpenStep(int rate, boolean sustained, Figures figures) {

	}

	/**
	 * A target of the issue and this run's figure for it.
	 *
	 * @param figure what is compared
	 * @param value this run's value
	 * @param unit its unit
	 * @param goal the target, e.g. {@code <= 1.5}
	 * @param met whether the value meets it
	 */
	record Target(String figure, double value, String unit, String goal, boolean met) {

	}

}

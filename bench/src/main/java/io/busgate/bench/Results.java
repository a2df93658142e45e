package io.busgate.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 * @param warmUp the stack's warm-up: the throughput of each of its runs, until it stopped rising
 * @param measurements every timed scenario, in the order run
 * @param openSteps the open-model steps of scenario 4, in rate order
 * @param sustainedRate the highest open-model rate answered with no error and a 99th percentile
 * under the limit; 0 when none was
 * @param saturation the closed-loop saturation runs of scenario 8
 * @param nPlusOneRecordsPerQuery request records per N+1 query, by operation
 * @param residentBytesAfterStart resident memory of each process once the stack is up
 * @param residentBytesAfterRun resident memory of each process after the load
 * @param stackResidentBytes the stack's processes' resident memory after the load, added up,
 * Zipkin's included (without the load generator and the benchmark's own bridges)
 * @param targets the targets, each with its figure from this run
 */
record Results(String mode, String stack, String revision, Machine machine, String startedAt, double wallSeconds,
		double startupSeconds, List<Double> warmUp, List<Measurement> measurements, List<OpenStep> openSteps,
		int sustainedRate, List<SaturationRun> saturation, Map<String, Double> nPlusOneRecordsPerQuery,
		Map<String, Long> residentBytesAfterStart, Map<String, Long> residentBytesAfterRun, long stackResidentBytes,
		List<Target> targets) {

	/** The measurement of the scenario whose name starts with {@code prefix}. */
	Measurement find(String prefix) {
		return this.measurements.stream()
			.filter((measurement) -> measurement.scenario().startsWith(prefix))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no scenario " + prefix.strip() + " was measured"));
	}

	Results withTargets(List<Target> targets) {
		return new Results(this.mode, this.stack, this.revision, this.machine, this.startedAt, this.wallSeconds,
				this.startupSeconds, this.warmUp, this.measurements, this.openSteps, this.sustainedRate, this.saturation,
				this.nPlusOneRecordsPerQuery, this.residentBytesAfterStart, this.residentBytesAfterRun,
				this.stackResidentBytes, List.copyOf(targets));
	}

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

		/** This machine, now. */
		static Machine here(double loadBefore, double loadAfter) {
			return new Machine(Runtime.getRuntime().availableProcessors(), processor(), physicalMemory(),
					System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
					System.getProperty("os.name") + " " + System.getProperty("os.version").replaceFirst("-.*", "") + " "
							+ System.getProperty("os.arch"),
					loadBefore, loadAfter);
		}

		private static String processor() {
			return procLine("/proc/cpuinfo", "model name").map((line) -> line.substring(line.indexOf(':') + 1).strip())
				.orElse(System.getProperty("os.arch"));
		}

		/** Physical memory, from /proc/meminfo where there is one. */
		private static long physicalMemory() {
			return procLine("/proc/meminfo", "MemTotal:")
				.map((line) -> Long.parseLong(line.replaceAll("\\D", "")) * 1024)
				.orElse(-1L);
		}

		private static Optional<String> procLine(String file, String prefix) {
			try {
				return Files.readAllLines(Path.of(file)).stream().filter((line) -> line.startsWith(prefix)).findFirst();
			}
			catch (IOException ex) {
				return Optional.empty();
			}
		}

		/** The 1-minute load average, two decimals. */
		static double loadAverage() {
			return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0;
		}

	}

	/** One open-model step: its arrival rate, whether the stack sustained it, and what was measured. */
	record OpenStep(int rate, boolean sustained, Measurement measurement) {

	}

	/**
	 * A closed-loop saturation of one protocol's query over a number of connections.
	 *
	 * @param protocol e.g. {@code gRPC post}
	 * @param connections connections of the closed loop
	 * @param measurement what was measured
	 * @param backendCallsPerRecord the bridges' backend calls per request record served during the
	 * load (its warm-up included); {@code null} when the bridges do not count their calls
	 */
	record SaturationRun(String protocol, int connections, Measurement measurement, Double backendCallsPerRecord) {

	}

	/**
	 * A target of the issue and this run's figure for it.
	 *
	 * @param figure what is compared
	 * @param value this run's value; {@code null} when not measured (e.g. a meter an older
	 * revision lacks, a process the stack has not)
	 * @param unit its unit
	 * @param goal the target, e.g. {@code <= 1.5}
	 * @param met whether the value meets it; {@code null} when not measured
	 */
	record Target(String figure, Double value, String unit, String goal, Boolean met) {

	}

}

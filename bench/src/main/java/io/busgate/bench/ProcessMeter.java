package io.busgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * CPU time and resident memory of the processes that make up the stack (and of the load
 * generator), read from the operating system while they run.
 */
final class ProcessMeter {

	private final Map<String, ProcessHandle> processes = new LinkedHashMap<>();

	ProcessMeter(Map<String, ProcessHandle> processes) {
		this.processes.putAll(processes);
	}

	synchronized void add(String name, ProcessHandle process) {
		this.processes.put(name, process);
	}

	synchronized void remove(String name) {
		this.processes.remove(name);
	}

	/** Starts measuring the CPU the processes use from now on. */
	synchronized CpuWindow start() {
		return new CpuWindow(cpuTimes(), System.nanoTime());
	}

	/** Resident memory of each process in bytes; only where the OS tells it (Linux /proc). */
	synchronized Map<String, Long> residentBytes() {
		Map<String, Long> resident = new LinkedHashMap<>();
		this.processes.forEach((name, process) -> rss(process).ifPresent((bytes) -> resident.put(name, bytes)));
		return resident;
	}

	private Map<String, Duration> cpuTimes() {
		Map<String, Duration> times = new LinkedHashMap<>();
		this.processes.forEach((name, process) -> process.info().totalCpuDuration().ifPresent((cpu) -> times.put(name, cpu)));
		return times;
	}

	private static OptionalLong rss(ProcessHandle process) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
				if (line.startsWith("VmRSS:")) {
					// "VmRSS:	  123456 kB"
					String kilobytes = line.substring("VmRSS:".length()).replace("kB", "").strip();
					return OptionalLong.of(Long.parseLong(kilobytes) * 1024);
				}
			}
			return OptionalLong.empty();
		}
		catch (IOException | NumberFormatException ex) {
			return OptionalLong.empty();
		}
	}

	/** CPU used since {@link ProcessMeter#start()}. */
	final class CpuWindow {

		private final Map<String, Duration> before;

		private final long startNanos;

		private CpuWindow(Map<String, Duration> before, long startNanos) {
			this.before = before;
			this.startNanos = startNanos;
		}

		/**
		 * The CPU each process used since the start, in percent of one core (200 is two cores
		 * busy all along). A process that was not running all along is left out.
		 */
		Map<String, Double> stop() {
			double wallNanos = System.nanoTime() - this.startNanos;
			Map<String, Duration> after;
			synchronized (ProcessMeter.this) {
				after = cpuTimes();
			}
			Map<String, Double> percent = new LinkedHashMap<>();
			after.forEach((name, cpu) -> {
				Duration start = this.before.get(name);
				if (start != null && wallNanos > 0) {
					percent.put(name, Math.round(cpu.minus(start).toNanos() / wallNanos * 1000) / 10.0);
				}
			});
			return percent;
		}

	}

}

package io.busgate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * The measured runs of one continuous load: after its warm-up, {@code runs} consecutive windows of
 * {@code duration} each. A request counts in the window it was sent in (or, in an open model, was
 * due in), also when its answer comes after the window; each window has its own CPU figures. The
 * load goes on without a pause from one run to the next, so no run measures a cold start.
 */
final class Windows {

	private final String scenario;

	private final Duration duration;

	private final long measureFrom;

	private final LatencyRecorder[] recorders;

	/** Windows that start once {@code warmup} has passed from now. */
	Windows(String scenario, Duration warmup, Duration duration, int runs) {
		if (runs < 1) {
			throw new IllegalArgumentException("at least one run, not " + runs);
		}
		this.scenario = scenario;
		this.duration = duration;
		this.measureFrom = System.nanoTime() + warmup.toNanos();
		this.recorders = new LatencyRecorder[runs];
		for (int i = 0; i < runs; i++) {
			this.recorders[i] = new LatencyRecorder();
		}
	}

	long measureFrom() {
		return this.measureFrom;
	}

	/** When the last window ends. */
	long end() {
		return this.measureFrom + this.recorders.length * this.duration.toNanos();
	}

	/** The recorder of the window {@code nanos} (a {@link System#nanoTime()}) is in; {@code null} outside them. */
	LatencyRecorder at(long nanos) {
		if (nanos < this.measureFrom || nanos >= end()) {
			return null;
		}
		return this.recorders[(int) ((nanos - this.measureFrom) / this.duration.toNanos())];
	}

	/** Takes each window's CPU on a thread of its own; completes once the last window has ended. */
	CompletableFuture<List<Map<String, Double>>> measureCpu(ProcessMeter meter) {
		CompletableFuture<List<Map<String, Double>>> cpu = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			List<Map<String, Double>> windows = new ArrayList<>();
			parkUntil(this.measureFrom);
			for (int i = 1; i <= this.recorders.length; i++) {
				ProcessMeter.CpuWindow window = meter.start();
				parkUntil(this.measureFrom + i * this.duration.toNanos());
				windows.add(window.stop());
			}
			cpu.complete(windows);
		}, "bench-cpu-windows");
		thread.setDaemon(true);
		thread.start();
		return cpu;
	}

	/** Each window's figures, once its requests are done. */
	Measurement measurement(List<Map<String, Double>> cpu) {
		List<Figures> runs = new ArrayList<>();
		for (int i = 0; i < this.recorders.length; i++) {
			runs.add(this.recorders[i].figures(this.scenario, this.duration, cpu.get(i)));
		}
		return Measurement.of(this.scenario, runs);
	}

	private static void parkUntil(long nanos) {
		for (long left = nanos - System.nanoTime(); left > 0; left = nanos - System.nanoTime()) {
			LockSupport.parkNanos(left);
		}
	}

}

package io.busgate.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Collects the outcome of each measured request, from any thread: latencies in an
 * HdrHistogram (microseconds, 3 significant digits, up to a minute), failures by count.
 */
final class LatencyRecorder {

	private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);

	private static final int ERROR_SAMPLES = 5;

	private final Histogram latencies = new ConcurrentHistogram(HIGHEST_MICROS, 3);

	private final LongAdder errors = new LongAdder();

	private final Set<String> errorSamples = ConcurrentHashMap.newKeySet();

	void answered(long latencyNanos) {
		this.latencies.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(latencyNanos), HIGHEST_MICROS));
	}

	void failed(String reason) {
		this.errors.increment();
		if (this.errorSamples.size() < ERROR_SAMPLES) {
			this.errorSamples.add(reason);
		}
	}

	long answeredCount() {
		return this.latencies.getTotalCount();
	}

	/** The figures of the measured run, which took {@code elapsed}. */
	Figures figures(String scenario, Duration elapsed, Map<String, Double> cpuPercent) {
		long answered = this.latencies.getTotalCount();
		double seconds = elapsed.toNanos() / 1e9;
		return new Figures(scenario, answered + this.errors.sum(), this.errors.sum(), millis(50), millis(90),
				millis(99), (answered > 0) ? this.latencies.getMaxValue() / 1000.0 : 0, answered / seconds, cpuPercent,
				List.copyOf(this.errorSamples));
	}

	private double millis(double percentile) {
		return (this.latencies.getTotalCount() > 0) ? this.latencies.getValueAtPercentile(percentile) / 1000.0 : 0;
	}

}

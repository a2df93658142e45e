package io.busgate.bridge.grpc;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * Measures the process CPU per backend call: rounds of calls, a few in flight, each made inside
 * an unsampled span (child of an unsampled remote parent, as the bridge's span for a record of
 * an unsampled trace), after warm-up rounds. Prints each round's CPU per call, the whole
 * process's and by thread group.
 */
final class CallCpuCost {

	private static final int CALLS = 3000;

	private static final int IN_FLIGHT = 8;

	private static final int WARM_UP_ROUNDS = 8;

	private static final int ROUNDS = 5;

	private final Tracer tracer;

	private final Context unsampledParent = Context.root()
		.with(Span.wrap(SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
				TraceFlags.getDefault(), TraceState.getDefault())));

	CallCpuCost(OpenTelemetry openTelemetry) {
		this.tracer = openTelemetry.getTracer("cpu-cost");
	}

	/**
	 * Compares the CPU the calling thread spends per call of two kinds (calls that complete on
	 * the calling thread), in alternating rounds, and prints both.
	 */
	<T> void compare(String what, Supplier<CompletableFuture<T>> before, String change,
			Supplier<CompletableFuture<T>> after) throws Exception {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		List<Long> beforeNanos = new ArrayList<>();
		List<Long> afterNanos = new ArrayList<>();
		AtomicReference<T> last = new AtomicReference<>();
		for (int round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
			for (int i = 0; i < 2; i++) {
				Supplier<CompletableFuture<T>> calls = (i == 0) ? before : after;
				long start = threads.getCurrentThreadCpuTime();
				for (int j = 0; j < 10; j++) {
					round(calls, last);
				}
				long used = (threads.getCurrentThreadCpuTime() - start) / (10 * CALLS);
				if (round >= WARM_UP_ROUNDS) {
					((i == 0) ? beforeNanos : afterNanos).add(used);
				}
			}
		}
		System.out.println("CPU-COST " + what + ": ns/call per round " + beforeNanos + ", median "
				+ median(beforeNanos) + "; " + change + ": " + afterNanos + ", median " + median(afterNanos));
	}

	private static long median(List<Long> values) {
		return values.stream().sorted().toList().get(values.size() / 2);
	}

	/** Measures and prints; returns the last call's answer. */
	<T> T measure(String what, Supplier<CompletableFuture<T>> call) throws Exception {
		AtomicReference<T> last = new AtomicReference<>();
		for (int round = 0; round < WARM_UP_ROUNDS; round++) {
			round(call, last);
		}
		com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
			.getOperatingSystemMXBean();
		List<Long> perCall = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			Map<String, Long> threadsBefore = threadCpu();
			long before = os.getProcessCpuTime();
			round(call, last);
			long used = os.getProcessCpuTime() - before;
			Map<String, Long> threadsAfter = threadCpu();
			perCall.add(used / CALLS / 1000);
			Map<String, Long> groups = new TreeMap<>();
			threadsAfter.forEach((name, cpu) -> groups.merge(name, cpu - threadsBefore.getOrDefault(name, 0L), Long::sum));
			StringBuilder byGroup = new StringBuilder();
			groups.entrySet()
				.stream()
				.filter((group) -> group.getValue() / CALLS / 1000 >= 2)
				.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
				.forEach((group) -> byGroup.append(' ').append(group.getKey()).append('=').append(group.getValue() / CALLS / 1000));
			System.out.println("CPU-COST " + what + " round " + (round + 1) + ": process " + (used / CALLS / 1000)
					+ " us/call; by thread group (us/call):" + byGroup);
		}
		List<Long> sorted = perCall.stream().sorted().toList();
		System.out.println("CPU-COST " + what + ": process us/call per round " + perCall + ", median "
				+ sorted.get(sorted.size() / 2) + ", min " + sorted.get(0) + ", max " + sorted.get(sorted.size() - 1));
		return last.get();
	}

	private <T> void round(Supplier<CompletableFuture<T>> call, AtomicReference<T> last) throws InterruptedException {
		Semaphore slots = new Semaphore(IN_FLIGHT);
		for (int i = 0; i < CALLS; i++) {
			slots.acquire();
			Span span = this.tracer.spanBuilder("serve").setParent(this.unsampledParent).startSpan();
			try (Scope scope = span.makeCurrent()) {
				call.get().whenComplete((answer, failure) -> {
					if (failure != null) {
						failure.printStackTrace();
					}
					last.set(answer);
					slots.release();
				});
			}
			finally {
				span.end();
			}
		}
		slots.acquire(IN_FLIGHT);
	}

	/** CPU time by thread name without its numbers, so that a pool's threads are one group. */
	private static Map<String, Long> threadCpu() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Map<String, Long> cpu = new TreeMap<>();
		for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
			if (info != null) {
				long time = threads.getThreadCpuTime(info.getThreadId());
				if (time > 0) {
					cpu.merge(info.getThreadName().replaceAll("\\d+", "#"), time, Long::sum);
				}
			}
		}
		return cpu;
	}

}

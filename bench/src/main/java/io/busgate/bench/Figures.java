package io.busgate.bench;

import java.util.List;
import java.util.Map;

/**
 * What one measured run of a scenario saw. Latencies are of answered requests only; a failed
 * request counts as an error instead.
 *
 * @param scenario what was run, e.g. {@code 3 bus, sequential}
 * @param requests requests measured (answered and failed)
 * @param errors requests that failed: an error answer, a timeout, or no answer at all
 * @param p50Ms median latency in milliseconds
 * @param p90Ms 90th percentile latency in milliseconds
 * @param p99Ms 99th percentile latency in milliseconds
 * @param maxMs the longest latency in milliseconds
 * @param throughput answered requests per second of the measured time
 * @param cpuPercent CPU each process used over the measured time, in percent of one core
 * @param errorSamples the first few distinct failures, to tell what went wrong
 */
record Figures(String scenario, long requests, long errors, double p50Ms, double p90Ms, double p99Ms, double maxMs,
		double throughput, Map<String, Double> cpuPercent, List<String> errorSamples) {

}

package io.busgate.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusTopics;
import io.busgate.bus.test.TopicTail;

/**
 * Scenario 5, an N+1 query (a page of users and the friends of each), one at a time: its latency,
 * and the request records it puts on the user service's topic per operation, which must be one
 * per fetch level.
 *
 * @param measurement its latency
 * @param recordsPerQuery request records per query, by operation
 */
record NPlusOneScenario(Measurement measurement, Map<String, Double> recordsPerQuery) {

	static NPlusOneScenario run(BenchRun run) {
		BenchSettings settings = run.settings();
		HttpLoad.Call nPlusOne = run.queries().nPlusOne();
		for (int i = 0; i < settings.nPlusOneWarmup(); i++) {
			run.http().sendOnce(nPlusOne);
		}
		Measurement measurement;
		Map<String, Double> recordsPerQuery;
		try (TopicTail requests = TopicTail.atEnd(run.stack().bootstrapServers(), BusTopics.requests("user"))) {
			measurement = run.report(run.http()
				.sequential("5 bus: N+1 (" + settings.nPlusOneItems() + " users, friends of each), sequential", nPlusOne,
						0, settings.nPlusOneQueries(), settings.runs(), run.meter()));
			recordsPerQuery = perQuery(requests.drain(Duration.ofSeconds(1)),
					settings.nPlusOneQueries() * settings.runs());
		}
		run.say("5 request records per N+1 query, by operation: %s", recordsPerQuery);
		return new NPlusOneScenario(measurement, recordsPerQuery);
	}

	/** One record per operation per query, for each of the query's two fetch levels. */
	boolean oneRecordPerLevel() {
		return this.recordsPerQuery.size() == 2 && this.recordsPerQuery.values().stream().allMatch((count) -> count == 1.0);
	}

	/** Records per query of each operation. */
	private static Map<String, Double> perQuery(List<ConsumerRecord<String, byte[]>> records, int queries) {
		Map<String, Long> byOperation = new TreeMap<>();
		for (ConsumerRecord<String, byte[]> record : records) {
			Header operation = record.headers().lastHeader(BusHeaders.OPERATION);
			String name = (operation != null) ? new String(operation.value(), StandardCharsets.UTF_8)
					: "(no operation header)";
			byOperation.merge(name, 1L, Long::sum);
		}
		Map<String, Double> perQuery = new LinkedHashMap<>();
		byOperation.forEach((operation, count) -> perQuery.put(operation, Math.round(count * 100.0 / queries) / 100.0));
		return perQuery;
	}

}

package io.busgate.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.busgate.bench.Results.SaturationRun;

/**
 * Scenario 8, closed-loop saturation: for each protocol's single-field query (HTTP
 * {@code getUser}, gRPC {@code post}, Thrift {@code message} with a token) and each number of
 * connections, each connection sends its next query as soon as its last one is answered. Read
 * from the bridges before and after each load: backend calls per request record.
 */
final class SaturationScenario {

	/** The protocols' queries by the name the report gives them. */
	static final String GET_USER = "HTTP getUser";

	static final String POST = "gRPC post";

	static final String MESSAGE = "Thrift message";

	private SaturationScenario() {
	}

	/** Each protocol's query: what the warm-up loads too. */
	static Map<String, HttpLoad.Call> calls(Queries queries) {
		Map<String, HttpLoad.Call> calls = new LinkedHashMap<>();
		calls.put(GET_USER, queries.getUser());
		calls.put(POST, queries.post());
		calls.put(MESSAGE, queries.message());
		return calls;
	}

	static List<SaturationRun> run(BenchRun run, Map<String, HttpLoad.Call> calls) {
		BenchSettings settings = run.settings();
		BackendCalls backend = new BackendCalls(run.http(), run.stack().bridgeMetrics());
		List<SaturationRun> runs = new ArrayList<>();
		calls.forEach((protocol, call) -> {
			for (int connections : settings.saturationConnections()) {
				BackendCalls.Counts before = backend.read();
				Measurement measurement = run.report(run.http()
					.closed(scenario(protocol, connections), call, connections, settings.closedWarmup(),
							settings.closedDuration(), settings.runs(), run.meter()));
				Double perRecord = backend.read().perRecordSince(before);
				run.say("  backend calls per request record: %s", (perRecord != null) ? perRecord : "-");
				runs.add(new SaturationRun(protocol, connections, measurement, perRecord));
			}
		});
		return runs;
	}

	static String scenario(String protocol, int connections) {
		return "8 saturation: " + protocol + ", " + connections + " connections";
	}

}

package io.busgate.bench;

import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Backend calls per request record of the bridges, from their Prometheus endpoints: the counter
 * {@value #CALLS} (calls made to the backends; several records served by one call when the bridge
 * coalesces them) against the timer's count {@value #RECORDS} (request records served), each
 * added up over its series and over the bridges, read before and after a load. Bridges without
 * the counter (revisions before it) or one that cannot be read give no figure, never a failure.
 */
final class BackendCalls {

	static final String CALLS = "busgate_bridge_backend_calls_total";

	static final String RECORDS = "busgate_bridge_requests_seconds_count";

	/** A sample line: the name, its labels if any, the value (a timestamp may follow). */
	private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})?\\s+(\\S+).*$");

	private final HttpLoad http;

	private final List<URI> endpoints;

	/** @param endpoints each bridge's {@code /actuator/prometheus} */
	BackendCalls(HttpLoad http, List<URI> endpoints) {
		this.http = http;
		this.endpoints = List.copyOf(endpoints);
	}

	/** The bridges' counts now; {@link Counts#NONE} when any bridge cannot be read. */
	Counts read() {
		if (this.endpoints.isEmpty()) {
			return Counts.NONE;
		}
		Counts all = Counts.NONE;
		for (URI endpoint : this.endpoints) {
			HttpLoad.Response response;
			try {
				response = this.http.exchange(HttpLoad.Request.get(endpoint));
			}
			catch (IllegalStateException ex) {
				return Counts.NONE;
			}
			if (response.status() != 200) {
				return Counts.NONE;
			}
			all = all.plus(parse(response.body()));
		}
		return all;
	}

	/** The counts of one scrape in the Prometheus text format; {@code null} for a meter it has not. */
	static Counts parse(String exposition) {
		Double calls = null;
		Double records = null;
		for (String line : exposition.split("\n")) {
			Matcher sample = SAMPLE.matcher(line.strip());
			if (line.startsWith("#") || !sample.matches()) {
				continue;
			}
			double value;
			try {
				value = Double.parseDouble(sample.group(3));
			}
			catch (NumberFormatException ex) {
				continue;
			}
			if (sample.group(1).equals(CALLS)) {
				calls = ((calls != null) ? calls : 0) + value;
			}
			else if (sample.group(1).equals(RECORDS)) {
				records = ((records != null) ? records : 0) + value;
			}
		}
		return new Counts(calls, records);
	}

	/**
	 * Backend calls and request records served, each {@code null} when not known.
	 */
	record Counts(Double calls, Double records) {

		static final Counts NONE = new Counts(null, null);

		Counts plus(Counts other) {
			return new Counts(add(this.calls, other.calls), add(this.records, other.records));
		}

		/**
		 * Backend calls per record served since {@code before}; {@code null} when either count is
		 * unknown or no record was served.
		 */
		Double perRecordSince(Counts before) {
			if (this.calls == null || this.records == null || before.calls == null || before.records == null) {
				return null;
			}
			double records = this.records - before.records;
			return (records > 0) ? Math.round((this.calls - before.calls) / records * 1000) / 1000.0 : null;
		}

		/** A bridge without the meter yet (meters register on first use) adds nothing. */
		private static Double add(Double a, Double b) {
			if (a == null || b == null) {
				return (a != null) ? a : b;
			}
			return a + b;
		}

	}

}

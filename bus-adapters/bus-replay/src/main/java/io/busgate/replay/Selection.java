package io.busgate.replay;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import io.busgate.bus.BusTopics;

/** Which recorded requests a command works on; every given criterion must match. */
final class Selection {

	@Option(names = "--topic", split = ",", paramLabel = "TOPIC",
			description = "Request topics to read, e.g. user.requests (default: the topics of the --operation"
					+ " values, else every <service>.requests topic).")
	List<String> topics = List.of();

	@Option(names = "--operation", split = ",", paramLabel = "OPERATION",
			description = "Only these operations, e.g. user.getUsers.")
	List<String> operations = List.of();

	@Option(names = "--since", converter = PointInTime.class, paramLabel = "TIME",
			description = "Only requests written at or after TIME: an ISO-8601 instant"
					+ " (2026-11-30T15:00:00Z) or a time ago (90s, 15m, 2h, 1d).")
	Instant since;

	@Option(names = "--until", converter = PointInTime.class, paramLabel = "TIME",
			description = "Only requests written at or before TIME (same forms as --since).")
	Instant until;

	@Option(names = "--partition", paramLabel = "N", description = "Only this partition of each topic.")
	Integer partition;

	@Option(names = "--from-offset", paramLabel = "OFFSET", description = "Only offsets at or after OFFSET.")
	Long fromOffset;

	@Option(names = "--to-offset", paramLabel = "OFFSET", description = "Only offsets at or before OFFSET.")
	Long toOffset;

	@Option(names = "--correlation-id", split = ",", paramLabel = "ID",
			description = "Only the requests with these correlation ids.")
	Set<String> correlationIds = Set.of();

	@Option(names = "--trace-id", split = ",", paramLabel = "TRACE_ID",
			description = "Only the requests of these W3C traces (32 hex digits, from the traceparent header).")
	Set<String> traceIds = Set.of();

	@Option(names = "--limit", defaultValue = "10000", paramLabel = "N",
			description = "At most N requests, the oldest first (default: ${DEFAULT-VALUE}).")
	int limit;

	/**
	 * The request topics to read: those given, else those of the given operations, else every
	 * {@code <service>.requests} topic there is.
	 */
	Set<String> requestTopics(Set<String> existing) {
		if (!this.topics.isEmpty()) {
			return new LinkedHashSet<>(this.topics);
		}
		Set<String> topics = new LinkedHashSet<>();
		if (!this.operations.isEmpty()) {
			this.operations.forEach((operation) -> topics.add(BusTopics.requests(BusTopics.serviceOf(operation))));
		}
		else {
			existing.stream().filter(BusTopics::isRequestTopic).sorted().forEach(topics::add);
		}
		return topics;
	}

	/** Whether a recorded request is selected; topic and offsets are applied while reading. */
	boolean matches(RecordedRequest recorded) {
		return (this.operations.isEmpty() || this.operations.contains(recorded.operation()))
				&& (this.since == null || !recorded.time().isBefore(this.since))
				&& (this.until == null || !recorded.time().isAfter(this.until))
				&& (this.correlationIds.isEmpty() || this.correlationIds.contains(recorded.correlationId()))
				&& (this.traceIds.isEmpty()
						|| this.traceIds.stream().anyMatch((traceId) -> traceId.equalsIgnoreCase(recorded.traceId())));
	}

	/** An ISO-8601 instant, or a time ago such as {@code 15m}. */
	static final class PointInTime implements ITypeConverter<Instant> {

		private static final Pattern AGO = Pattern.compile("(\\d+)(s|m|h|d)");

		@Override
		public Instant convert(String value) {
			Matcher ago = AGO.matcher(value);
			if (ago.matches()) {
				long amount = Long.parseLong(ago.group(1));
				Duration duration = switch (ago.group(2)) {
					case "s" -> Duration.ofSeconds(amount);
					case "m" -> Duration.ofMinutes(amount);
					case "h" -> Duration.ofHours(amount);
					default -> Duration.ofDays(amount);
				};
				return Instant.now().minus(duration);
			}
			try {
				return Instant.parse(value);
			}
			catch (DateTimeParseException ex) {
				throw new TypeConversionException(
						"'" + value + "' is neither an ISO-8601 instant (2026-11-30T15:00:00Z) nor a time ago (90s, 15m, 2h, 1d)");
			}
		}

	}

}

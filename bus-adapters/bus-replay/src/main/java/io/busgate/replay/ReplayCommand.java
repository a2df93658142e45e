package io.busgate.replay;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.busgate.bus.BusCodec;
import io.busgate.bus.BusHeaders;
import io.busgate.bus.BusTopics;
import io.busgate.replay.Replayer.Replayed;

/** Replays recorded requests and diffs the new replies against the recorded ones. */
@Command(name = "replay", mixinStandardHelpOptions = true,
		description = "Sends the selected recorded requests again (new correlation ids, " + BusHeaders.REPLAY_OF
				+ " naming the original, a reply topic of this run's own) and compares each new reply with the recorded one:"
				+ " same, changed (with a JSON diff), error now, no reply, or no original to compare with."
				+ " Exits 1 when anything is not the same.")
final class ReplayCommand implements Callable<Integer> {

	@Mixin
	Connection connection;

	@Mixin
	Selection selection;

	@Option(names = "--to-topic", paramLabel = "TOPIC",
			description = "Send the replays here instead of their recorded topic, e.g. user.requests.canary served by"
					+ " a bridge in front of another version of the service. Takes the requests of one service.")
	String toTopic;

	@Option(names = "--include-mutations",
			description = "Replay mutations too, with their recorded idempotency keys (services that remember keys"
					+ " do not act twice). Skipped otherwise.")
	boolean includeMutations;

	@Option(names = "--rate", defaultValue = "50", paramLabel = "PER_SECOND",
			description = "Most requests sent per second (default: ${DEFAULT-VALUE}).")
	double rate;

	@Option(names = "--timeout", defaultValue = "10s", converter = Durations.Converter.class, paramLabel = "DURATION",
			description = "How long each replay may take, also its " + BusHeaders.DEADLINE + " (default: ${DEFAULT-VALUE}).")
	Duration timeout;

	@Option(names = "--dry-run", description = "Show what would be replayed, and where to; send nothing.")
	boolean dryRun;

	@Option(names = "--json", description = "One JSON document instead of lines.")
	boolean json;

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		if (this.rate <= 0) {
			throw new IllegalArgumentException("--rate must be above 0, was " + this.rate);
		}
		if (this.toTopic != null && BusTopics.isReplyTopic(this.toTopic)) {
			throw new IllegalArgumentException("--to-topic " + this.toTopic + " is a reply topic; replays go to request"
					+ " topics only");
		}
		PrintWriter out = this.spec.commandLine().getOut();
		PrintWriter err = this.spec.commandLine().getErr();
		BusCodec codec = new BusCodec();
		try (RecordedTraffic traffic = new RecordedTraffic(this.connection, codec)) {
			RecordedTraffic.Found found = traffic.read(this.selection);
			List<String> notes = new ArrayList<>(found.notes());
			List<RecordedRequest> requests = found.requests();
			int mutations = (int) requests.stream().filter(RecordedRequest::isMutation).count();
			if (!this.includeMutations && mutations > 0) {
				requests = requests.stream().filter((recorded) -> !recorded.isMutation()).toList();
				notes.add(mutations + " mutations skipped (--include-mutations replays them with their recorded"
						+ " idempotency keys)");
			}
			notes.forEach((note) -> err.println("note: " + note));
			Function<RecordedRequest, String> target = checkedTargets(requests, traffic.topics());
			if (requests.isEmpty()) {
				out.println("nothing to replay");
				return 0;
			}
			if (this.dryRun) {
				requests.forEach((recorded) -> out.printf("would replay %s  %s -> %s%n", recorded.where(),
						Output.what(recorded), target.apply(recorded)));
				out.printf("dry run: %d requests would be replayed, at most %s per second; nothing was sent%n",
						requests.size(), this.rate);
				return 0;
			}
			Instant started = Instant.now();
			List<Replayed> replayed = new Replayer(traffic, this.timeout, this.rate, err).replay(requests, target);
			Duration took = Duration.between(started, Instant.now());
			return report(replayed, notes, (this.includeMutations) ? 0 : mutations, took, out);
		}
	}

	/** Where each request goes; every such topic must exist, or the producer would wait for it. */
	private Function<RecordedRequest, String> checkedTargets(List<RecordedRequest> requests, Set<String> existing) {
		if (this.toTopic != null) {
			Set<String> services = new LinkedHashSet<>();
			requests.forEach((recorded) -> services.add(BusTopics.serviceOf(recorded.operation())));
			if (services.size() > 1) {
				throw new IllegalArgumentException("--to-topic takes the requests of one service, these are of "
						+ String.join(", ", services) + "; narrow with --topic or --operation");
			}
		}
		Function<RecordedRequest, String> target = (recorded) -> (this.toTopic != null) ? this.toTopic : recorded.topic();
		requests.stream().map(target).distinct().filter((topic) -> !existing.contains(topic)).findFirst().ifPresent(
				(topic) -> {
					throw new SelectionException("no topic " + topic + " to replay into; start a bridge that consumes"
							+ " it (busgate.bridge.request-topic=" + topic + ")");
				});
		return target;
	}

	private int report(List<Replayed> replayed, List<String> notes, int skippedMutations, Duration took,
			PrintWriter out) {
		Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
		for (Outcome outcome : Outcome.values()) {
			counts.put(outcome, 0);
		}
		List<Map<String, Object>> results = new ArrayList<>();
		for (Replayed replay : replayed) {
			Verdict verdict = Verdict.of(replay);
			counts.merge(verdict.outcome(), 1, Integer::sum);
			if (this.json) {
				results.add(result(replay, verdict));
				continue;
			}
			out.printf("%-11s %s  %s%s%n", verdict.outcome().label(), replay.recorded().where(),
					Output.what(replay.recorded()), (verdict.detail() != null) ? "  " + verdict.detail() : "");
			verdict.differences().forEach((difference) -> out.println("              " + Output.inWords(difference)));
		}
		int same = counts.get(Outcome.SAME);
		if (this.json) {
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("replayed", replayed.size());
			counts.forEach((outcome, count) -> summary.put(outcome.name().toLowerCase(Locale.ROOT), count));
			summary.put("skippedMutations", skippedMutations);
			summary.put("tookMs", took.toMillis());
			Map<String, Object> document = new LinkedHashMap<>();
			document.put("results", results);
			document.put("summary", summary);
			document.put("notes", notes);
			out.println(Output.prettyJson(document));
		}
		else {
			StringBuilder summary = new StringBuilder("replayed " + replayed.size() + " requests in "
					+ Durations.describe(took) + ":");
			counts.forEach((outcome, count) -> summary.append(' ').append(count).append(' ').append(outcome.label())
				.append(','));
			summary.setLength(summary.length() - 1);
			if (skippedMutations > 0) {
				summary.append("; ").append(skippedMutations).append(" mutations skipped");
			}
			out.println(summary);
		}
		return (same == replayed.size()) ? 0 : BusReplay.DIFFERENT;
	}

	private static Map<String, Object> result(Replayed replay, Verdict verdict) {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("outcome", verdict.outcome().name().toLowerCase(Locale.ROOT));
		Map<String, Object> original = Output.request(replay.recorded());
		original.put("reply", Output.original(replay.recorded()));
		result.put("original", original);
		Map<String, Object> now = new LinkedHashMap<>();
		now.put("correlationId", replay.correlationId());
		now.put("topic", replay.topic());
		if (replay.reply() != null) {
			now.put("status", replay.reply().status().code());
			now.put("latencyMs", replay.latency().toMillis());
		}
		result.put("replay", now);
		result.put("differences", Output.differences(verdict.differences()));
		result.put("detail", verdict.detail());
		return result;
	}

}

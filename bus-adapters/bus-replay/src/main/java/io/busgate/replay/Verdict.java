package io.busgate.replay;

import java.util.List;

import io.busgate.bus.BusReply;
import io.busgate.replay.JsonDiff.Difference;
import io.busgate.replay.Replayer.Replayed;

/**
 * How a replay's reply compares with the recorded one.
 *
 * @param outcome the verdict
 * @param differences for {@link Outcome#CHANGED}: what changed, path by path
 * @param detail for anything but {@link Outcome#SAME}: why, in words
 */
record Verdict(Outcome outcome, List<Difference> differences, String detail) {

	static Verdict of(Replayed replayed) {
		BusReply now = replayed.reply();
		BusReply then = replayed.recorded().original();
		if (now == null) {
			return new Verdict(Outcome.NO_REPLY, List.of(),
					(replayed.failure() != null) ? replayed.failure() : "no reply from " + replayed.topic() + " in time");
		}
		if (then == null) {
			return new Verdict(Outcome.NO_ORIGINAL, List.of(),
					"now " + describe(now) + ", nothing to compare with: " + replayed.recorded().originalMissing());
		}
		if (!now.isOk()) {
			if (now.status() != then.status()) {
				return new Verdict(Outcome.ERROR_NOW, List.of(), describe(now) + " (was " + describe(then) + ")");
			}
			return now.errorMessage().equals(then.errorMessage()) ? new Verdict(Outcome.SAME, List.of(), null)
					: new Verdict(Outcome.CHANGED,
							List.of(new Difference("error.message", then.errorMessage(), now.errorMessage())),
							"another error message");
		}
		if (!then.isOk()) {
			return new Verdict(Outcome.CHANGED, List.of(new Difference("status", then.status().code(), now.status().code())),
					"ok now (was " + describe(then) + ")");
		}
		List<Difference> differences = JsonDiff.between("items", then.items(), now.items());
		return differences.isEmpty() ? new Verdict(Outcome.SAME, List.of(), null)
				: new Verdict(Outcome.CHANGED, differences, differences.size() + " difference(s)");
	}

	private static String describe(BusReply reply) {
		return reply.isOk() ? "ok" : reply.status().code() + ": " + reply.errorMessage();
	}

}

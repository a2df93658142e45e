package io.busgate.replay;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations the way a person writes them: {@code 24h}, {@code 1h30m}, {@code 250ms}. */
final class Durations {

	private Durations() {
	}

	/** A retention in milliseconds; negative means unlimited. */
	static String describe(long millis) {
		return (millis < 0) ? "forever" : "for " + describe(Duration.ofMillis(millis));
	}

	static String describe(Duration duration) {
		if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
			return duration.toMillis() + "ms";
		}
		StringBuilder text = new StringBuilder();
		append(text, duration.toDays(), "d");
		append(text, duration.toHoursPart(), "h");
		append(text, duration.toMinutesPart(), "m");
		append(text, duration.toSecondsPart(), "s");
		return text.toString();
	}

	private static void append(StringBuilder text, long amount, String unit) {
		if (amount > 0) {
			text.append(amount).append(unit);
		}
	}

	/** A duration on the command line: {@code 500ms}, {@code 10s}, {@code 2m}. */
	static final class Converter implements ITypeConverter<Duration> {

		private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

		@Override
		public Duration convert(String value) {
			Matcher matcher = DURATION.matcher(value);
			if (!matcher.matches()) {
				throw new TypeConversionException("'" + value + "' is not a duration such as 500ms, 10s or 2m");
			}
			long amount = Long.parseLong(matcher.group(1));
			return switch (matcher.group(2)) {
				case "ms" -> Duration.ofMillis(amount);
				case "s" -> Duration.ofSeconds(amount);
				default -> Duration.ofMinutes(amount);
			};
		}

	}

}

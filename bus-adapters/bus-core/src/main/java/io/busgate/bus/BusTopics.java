package io.busgate.bus;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Topic and consumer-group naming of bus contract v1. Names are built here and nowhere else.
 */
public final class BusTopics {

	private static final Pattern NAME_PART = Pattern.compile("[a-zA-Z0-9_-]+");

	private static final int MAX_TOPIC_LENGTH = 249;

	private static final String DEAD_LETTER_SUFFIX = "-dlt";

	private static final String REPLIES_PREFIX = "gateway.replies.";

	private static final String REPLAY_REPLIES_PREFIX = "replay.replies.";

	private static final String REQUESTS_SUFFIX = ".requests";

	private BusTopics() {
	}

	/** Where requests for a service's operations go: {@code <service>.requests}. */
	public static String requests(String service) {
		return checked(requireNamePart("service", service) + REQUESTS_SUFFIX);
	}

	/**
	 * Whether a topic is a service's request topic, {@code <service>.requests} (copies such as
	 * {@code user.requests.canary} are not).
	 */
	public static boolean isRequestTopic(String topic) {
		return topic != null && topic.endsWith(REQUESTS_SUFFIX)
				&& NAME_PART.matcher(topic.substring(0, topic.length() - REQUESTS_SUFFIX.length())).matches();
	}

	/** The reply topic of one gateway instance: {@code gateway.replies.<instanceId>}. */
	public static String replies(String instanceId) {
		return checked(REPLIES_PREFIX + requireNamePart("instance id", instanceId));
	}

	/**
	 * The private reply topic of one replay run, {@code replay.replies.<runId>}: replayed
	 * requests are answered there, never on the reply topics of the recorded traffic.
	 */
	public static String replayReplies(String runId) {
		return checked(REPLAY_REPLIES_PREFIX + requireNamePart("replay run id", runId));
	}

	/**
	 * Whether a topic is a reply topic: a gateway's or a replay run's. Bridges answer only to
	 * reply topics, so that a forged {@code bus-reply-to} header cannot make them write into
	 * request or event topics.
	 */
	public static boolean isReplyTopic(String topic) {
		return hasNamedSuffix(topic, REPLIES_PREFIX) || hasNamedSuffix(topic, REPLAY_REPLIES_PREFIX);
	}

	/**
	 * The prefixes of every reply topic, a gateway's ({@code gateway.replies.}) and a replay run's
	 * ({@code replay.replies.}): the prefixed ACLs that let bridges answer whoever asks.
	 */
	public static List<String> replyTopicPrefixes() {
		return List.of(REPLIES_PREFIX, REPLAY_REPLIES_PREFIX);
	}

	private static boolean hasNamedSuffix(String topic, String prefix) {
		return topic != null && topic.startsWith(prefix) && topic.length() <= MAX_TOPIC_LENGTH
				&& NAME_PART.matcher(topic.substring(prefix.length())).matches();
	}

	/** Where a service's events are published: {@code <service>.events}. */
	public static String events(String service) {
		return checked(requireNamePart("service", service) + ".events");
	}

	/** The dead-letter topic of a topic: {@code <topic>-dlt}. */
	public static String deadLetter(String topic) {
		return checked(topic + DEAD_LETTER_SUFFIX);
	}

	/** The consumer group every bridge of a service joins: {@code <service>-bridge}. */
	public static String bridgeGroup(String service) {
		return requireNamePart("service", service) + "-bridge";
	}

	/**
	 * The service an operation belongs to: the part before the first dot of
	 * {@code <service>.<name>}.
	 * @throws IllegalArgumentException if the operation is not of that form
	 */
	public static String serviceOf(String operation) {
		int dot = (operation != null) ? operation.indexOf('.') : -1;
		if (dot <= 0 || dot == operation.length() - 1) {
			throw new IllegalArgumentException(
					"operation '" + operation + "' is not of the form <service>.<name>, e.g. user.getUsers");
		}
		return requireNamePart("service", operation.substring(0, dot));
	}

	private static String requireNamePart(String what, String value) {
		if (value == null || !NAME_PART.matcher(value).matches()) {
			throw new IllegalArgumentException(
					what + " '" + value + "' must be non-empty and use only letters, digits, '_' and '-'");
		}
		return value;
	}

	private static String checked(String topic) {
		if (topic.length() > MAX_TOPIC_LENGTH) {
			throw new IllegalArgumentException("topic name longer than " + MAX_TOPIC_LENGTH + " characters: " + topic);
		}
		return topic;
	}

}

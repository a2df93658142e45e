package io.busgate.replay;

/** How a replayed request's new reply compares with the recorded one. */
enum Outcome {

	/** The same status and, for an ok reply, the same items. */
	SAME("same"),

	/** A different answer: other items, an ok reply where an error was recorded, or another error message. */
	CHANGED("changed"),

	/** An error reply where the recorded reply was ok or had another status. */
	ERROR_NOW("error now"),

	/** No reply within the timeout. */
	NO_REPLY("no reply"),

	/** Answered, but there is no recorded reply to compare with (aged out, or never answered). */
	NO_ORIGINAL("no original");

	private final String label;

	Outcome(String label) {
		this.label = label;
	}

	String label() {
		return this.label;
	}

}

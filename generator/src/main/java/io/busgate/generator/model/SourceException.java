package io.busgate.generator.model;

/** A backend's description cannot be read: a missing file, an unreachable server, a bad document. */
public class SourceException extends RuntimeException {

	public SourceException(String message) {
		super(message);
	}

	public SourceException(String message, Throwable cause) {
		super(message, cause);
	}

}

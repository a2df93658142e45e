package io.busgate.replay;

/** What was asked for cannot be read or sent; the message says why, for the person at the terminal. */
class SelectionException extends RuntimeException {

	SelectionException(String message) {
		super(message);
	}

}

package io.busgate.bench;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Busgate stack the benchmark measures, already launched. */
interface SystemUnderTest extends AutoCloseable {

	/** How the stack runs and is set up, for the report. */
	String configuration();

	/** {@link System#nanoTime()} when the stack was launched, to time its start-up from. */
	long launchedNanos();

	/** Fails when the stack has stopped, e.g. while the benchmark waits for its first answer. */
	void checkRunning();

	/** Waits until the stack reports itself up; the processes that make it up, by name. */
	Map<String, ProcessHandle> awaitProcesses();

	String bootstrapServers();

	/** The gateway's GraphQL endpoint. */
	URI graphQl();

	/** The user service's base URL. */
	URI userService();

	/**
	 * Each of the stack's bridges' {@code /actuator/prometheus}, once {@link #awaitProcesses()}
	 * returned; empty when they cannot be reached from outside.
	 */
	List<URI> bridgeMetrics();

	/** The {@code Authorization} header's value for a user, which the stack's gateways accept. */
	String bearer(String userId);

	/**
	 * Starts another http-bridge of the user service with these settings added (e.g. its own
	 * request topic, group and {@code max-in-flight}); closing it stops it.
	 */
	ExtraBridge startUserBridge(String... settings);

	@Override
	void close();

	/** A bridge started by the benchmark. */
	interface ExtraBridge extends AutoCloseable {

		/** Its own process, when it has one (not when it runs in the benchmark's JVM). */
		Optional<ProcessHandle> process();

		@Override
		void close();

	}

}

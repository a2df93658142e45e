package io.busgate.bench;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.context.ConfigurableApplicationContext;

import io.busgate.systemtests.BusgateStack;

/** The whole stack in this JVM ({@link BusgateStack}), for the smoke test: one process for all. */
final class InJvmStack implements SystemUnderTest {

	private final BusgateStack stack;

	private final long launchedNanos;

	InJvmStack(BusgateStack stack, long launchedNanos) {
		this.stack = stack;
		this.launchedNanos = launchedNanos;
	}

	@Override
	public String configuration() {
		return "every app in the test's JVM (BusgateStack)";
	}

	@Override
	public long launchedNanos() {
		return this.launchedNanos;
	}

	@Override
	public void checkRunning() {
		// It runs as long as this JVM does.
	}

	@Override
	public Map<String, ProcessHandle> awaitProcesses() {
		return Map.of("busgate and bench (one JVM)", ProcessHandle.current());
	}

	@Override
	public String bootstrapServers() {
		return this.stack.brokers();
	}

	@Override
	public URI graphQl() {
		return URI.create(this.stack.gatewayUrl() + "/graphql");
	}

	@Override
	public URI userService() {
		return URI.create(this.stack.userServiceUrl());
	}

	/** Its bridges' ports are the stack's own: no figure for backend calls. */
	@Override
	public List<URI> bridgeMetrics() {
		return List.of();
	}

	@Override
	public String bearer(String userId) {
		return BusgateStack.bearer(userId);
	}

	@Override
	public ExtraBridge startUserBridge(String... settings) {
		ConfigurableApplicationContext bridge = this.stack.startExtraHttpBridge(settings);
		return new ExtraBridge() {

			@Override
			public Optional<ProcessHandle> process() {
				return Optional.empty();
			}

			@Override
			public void close() {
				bridge.close();
			}

		};
	}

	@Override
	public void close() {
		this.stack.close();
	}

}

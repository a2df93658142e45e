package io.busgate.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

import io.busgate.bridge.grpc.GrpcBridgeApplication;
import io.busgate.bridge.thrift.ThriftBridgeApplication;
import io.busgate.gateway.GatewayApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An app of the stack in a process of its own, a child of the test JVM, so that a test can kill
 * it the way the operating system does (SIGKILL), with no shutdown of its own: the current
 * {@code java}, the test JVM's own classpath, the app's main class, and the settings
 * {@link BusgateStack} gives the same app in this JVM. It serves actuator (readiness, metrics) on
 * 127.0.0.1 on a port chosen here; its output goes to {@code target/child-apps/<name>.log}.
 */
final class ChildApp implements AutoCloseable {

	private static final Path LOGS = Path.of("target", "child-apps");

	/** Small and quick to start; the load in these tests is tens of requests. */
	private static final List<String> JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

	private static final String METRICS = "--management.endpoints.web.exposure.include=health,metrics";

	private static final int KILLED = 128 + 9;

	private final String name;

	private final Process process;

	private final int port;

	private final WebClient actuator;

	private ChildApp(String name, Process process, int port) {
		this.name = name;
		this.process = process;
		this.port = port;
		this.actuator = WebClient.create(url());
	}

	/** A grpc-bridge of the post service calling the backend at {@code target} ({@code host:port}). */
	static ChildApp grpcBridge(String name, String brokers, String target) {
		return start(name, GrpcBridgeApplication.class, bridgeSettings(brokers, "post"),
				"--busgate.bridge.grpc.target=" + target);
	}

	/** A thrift-bridge of the message service calling the backend on 127.0.0.1:{@code port}. */
	static ChildApp thriftBridge(String name, String brokers, int port) {
		return start(name, ThriftBridgeApplication.class, bridgeSettings(brokers, "message"),
				"--busgate.bridge.thrift.port=" + port, BusgateStack.MESSAGE_IDL);
	}

	/** A gateway with this instance id (its reply topic), verifying the stack's tokens. */
	static ChildApp gateway(String name, String brokers, String instanceId) {
		return start(name, GatewayApplication.class,
				List.of(kafka(brokers), BusgateStack.VERIFIES_TOKENS, BusgateStack.NO_RATE_LIMIT),
				"--busgate.gateway.instance-id=" + instanceId);
	}

	private static List<String> bridgeSettings(String brokers, String service) {
		List<String> settings = new ArrayList<>(
				List.of(BusgateStack.NO_GRAPHQL, BusgateStack.NO_SECURITY, kafka(brokers), METRICS));
		settings.add(BusgateStack.routes(service));
		return settings;
	}

	private static String kafka(String brokers) {
		return "--spring.kafka.bootstrap-servers=" + brokers;
	}

	private static ChildApp start(String name, Class<?> mainClass, List<String> settings, String... more) {
		int port = BusgateStack.freePort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(JVM_OPTIONS);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
		command.add("--server.port=" + port);
		command.add("--server.address=127.0.0.1");
		command.addAll(settings);
		command.addAll(List.of(more));
		try {
			Files.createDirectories(LOGS);
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(LOGS.resolve(name + ".log").toFile())
				.start();
			return new ChildApp(name, process, port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String url() {
		return "http://127.0.0.1:" + this.port;
	}

	long pid() {
		return this.process.pid();
	}

	/** Waits until the app reports ready; fails at once if it exits meanwhile. */
	ChildApp awaitReady() {
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
			assertThat(this.process.isAlive()).as("%s exited with %s, see %s", this.name,
					this.process.isAlive() ? null : this.process.exitValue(), LOGS.resolve(this.name + ".log"))
				.isTrue();
			return SystemTestSupport.isReady(this.actuator);
		});
		return this;
	}

	/** The value of one of the app's gauges ({@code /actuator/metrics/<name>}). */
	@SuppressWarnings("unchecked")
	double gauge(String meter) {
		Map<String, Object> metric = this.actuator.get()
			.uri("/actuator/metrics/" + meter)
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(5));
		List<Map<String, Object>> measurements = (List<Map<String, Object>>) metric.get("measurements");
		return ((Number) measurements.get(0).get("value")).doubleValue();
	}

	/**
	 * SIGKILL (what {@link Process#destroyForcibly()} sends on Linux), then checks that the
	 * process died of it and that its pid is gone.
	 */
	void kill() {
		long pid = pid();
		assertThat(this.process.isAlive()).as("%s (pid %d) runs before the kill", this.name, pid).isTrue();
		this.process.destroyForcibly();
		try {
			assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).as("%s (pid %d) gone", this.name, pid).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		assertThat(this.process.exitValue()).as("%s died of SIGKILL", this.name).isEqualTo(KILLED);
		assertThat(ProcessHandle.of(pid)).as("pid %d after the kill", pid).isEmpty();
	}

	/**
	 * Stops the process if it still runs, whatever the test did: SIGTERM, so that a bridge leaves
	 * its group at once instead of holding partitions for its session timeout while later tests
	 * run; SIGKILL if it is not gone within 30 s.
	 */
	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
	}

}

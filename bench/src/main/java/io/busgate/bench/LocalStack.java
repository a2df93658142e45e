package io.busgate.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local stack, {@code compose/local-stack.sh --no-build --no-rate-limit} of the repository
 * measured (which may be another checkout than the benchmark's own): every app a process of its
 * own jar on this machine, on the stack's loopback ports, each process and port as the stack
 * lists them in {@value #PROCESSES_FILE}. It runs under the lock every user of the local stack
 * takes ({@value #LOCK}), held from before it starts until its last process has stopped; start-up
 * is timed from when the lock is held. The benchmark's own user bridges are more processes of the
 * http-bridge jar.
 */
final class LocalStack implements SystemUnderTest {

	static final String LOCK = "/tmp/busgate-local-stack.lock";

	private static final String LOCK_HELD = "[bench] holding " + LOCK;

	/**
	 * While the stack runs: its own pid and each process it started, with its name, pid (null
	 * while stopped) and port; written once everything is up.
	 */
	private static final String PROCESSES_FILE = "target/local-stack/processes.json";

	private static final Duration PROCESSES_POLL = Duration.ofMillis(200);

	/**
	 * Revisions before {@value #PROCESSES_FILE} list their processes in the banner only: name,
	 * pid, address, log file. Taken when no file follows the banner within {@link #BANNER_GRACE}.
	 */
	private static final Pattern BANNER_PROCESS = Pattern.compile("^ {3}(\\S+)\\s+(\\d+)\\s+\\S*:(\\d+)\\s+\\S+.*$");

	private static final String BANNER_START = "Busgate local stack is running";

	private static final String BANNER_END = "Paste into GraphiQL";

	private static final Duration BANNER_GRACE = Duration.ofSeconds(10);

	private static final Pattern BRIDGE = Pattern.compile("(http|grpc|thrift)-bridge(-\\d+)?");

	/** How long the tokens the benchmark mints for itself are valid: longer than any run. */
	private static final String TOKEN_VALIDITY = "2h";

	/** What the local stack gives each app (its APP_JVM_OPTS), so the benchmark's bridges are like the stack's. */
	private static final List<String> APP_JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");

	/** The local stack's cap on glibc malloc arenas, which its apps inherit. */
	private static final String MALLOC_ARENA_MAX = "2";

	/**
	 * The share of traces recorded and exported: as a production deployment would sample. The
	 * local stack's own default, every trace, is for looking into it.
	 */
	private static final String TRACE_SAMPLING = "0.01";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

	private final Path repository;

	private final Path output;

	private final Duration startupTimeout;

	private final Process stack;

	private final CountDownLatch lockHeld = new CountDownLatch(1);

	/** The stack's processes by name, once it is up: {@link #awaitProcesses()}. */
	private volatile Map<String, StackProcess> processes;

	/** The processes in the stack's banner, once it has printed it all. */
	private volatile Map<String, StackProcess> bannerProcesses;

	private volatile long bannerNanos;

	private final Map<String, String> bearers = new ConcurrentHashMap<>();

	private final AtomicInteger extraBridges = new AtomicInteger();

	private volatile long launchedNanos;

	private LocalStack(Path repository, Path output, Duration lockTimeout, Duration startupTimeout) {
		this.repository = repository;
		this.output = output;
		this.startupTimeout = startupTimeout;
		Path script = repository.resolve("compose/local-stack.sh");
		if (!Files.isExecutable(script)) {
			throw new IllegalStateException(script + " not found: run from the repository's root (or pass --repository)");
		}
		// The lock is on fd 9, which the stack and every app it starts inherit: it is held until
		// the last of them has stopped. All load comes from 127.0.0.1, one client to the gateway's
		// rate limit, which would throttle the ramp: off.
		ProcessBuilder builder = new ProcessBuilder("bash", "-c",
				"exec 9>\"$1\"; flock -w \"$2\" 9 || { echo \"[bench] $1 still held by another local stack after $2 s\"; exit 75; };"
						+ " echo \"$3\"; exec \"$4\" --no-build --no-rate-limit",
				"local-stack", LOCK, Long.toString(lockTimeout.toSeconds()), LOCK_HELD, script.toString())
			.directory(repository.toFile())
			.redirectErrorStream(true);
		// The stack's own limit per phase is 120 s; apps starting side by side on 2 busy CPUs take longer.
		builder.environment().putIfAbsent("BUSGATE_STARTUP_TIMEOUT", Long.toString(startupTimeout.toSeconds()));
		builder.environment().put("BUSGATE_TRACE_SAMPLING", TRACE_SAMPLING);
		try {
			Files.createDirectories(output);
			this.stack = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start " + script, ex);
		}
		Thread reader = new Thread(this::readOutput, "bench-local-stack-output");
		reader.setDaemon(true);
		reader.start();
	}

	/** Launches the stack and returns once it holds the lock, i.e. is starting. */
	static LocalStack launch(Path repository, Path output, Duration lockTimeout, Duration startupTimeout) {
		LocalStack stack = new LocalStack(repository, output, lockTimeout, startupTimeout);
		try {
			stack.await(stack.lockHeld, lockTimeout.plusSeconds(10), "the local stack's lock " + LOCK);
		}
		catch (RuntimeException ex) {
			stack.close();
			throw ex;
		}
		return stack;
	}

	@Override
	public String configuration() {
		return "compose/local-stack.sh, traces sampled " + TRACE_SAMPLING;
	}

	@Override
	public long launchedNanos() {
		return this.launchedNanos;
	}

	@Override
	public void checkRunning() {
		if (!this.stack.isAlive()) {
			throw new IllegalStateException("the local stack exited (status " + this.stack.exitValue() + "); its output: "
					+ outputFile());
		}
	}

	/**
	 * Waits until the stack has written its {@value #PROCESSES_FILE} (it does once everything is
	 * up): Zipkin, the broker, HAProxy with several gateways, and every app instance. From a
	 * revision that writes none, the processes its banner lists (no Zipkin among them).
	 */
	@Override
	public Map<String, ProcessHandle> awaitProcesses() {
		long deadline = System.nanoTime() + this.startupTimeout.toNanos();
		while (this.processes == null) {
			checkRunning();
			Map<String, StackProcess> written = StackProcess.read(this.repository.resolve(PROCESSES_FILE),
					this.stack.pid());
			if (written != null) {
				this.processes = written;
				break;
			}
			if (this.bannerProcesses != null && System.nanoTime() - this.bannerNanos > BANNER_GRACE.toNanos()) {
				System.out.println("[bench] no " + PROCESSES_FILE + " from this revision: the processes of its banner");
				this.processes = this.bannerProcesses;
				break;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the local stack wrote no " + PROCESSES_FILE + " within "
						+ this.startupTimeout.toSeconds() + " s; see " + outputFile());
			}
			LockSupport.parkNanos(PROCESSES_POLL.toNanos());
		}
		Map<String, ProcessHandle> handles = new LinkedHashMap<>();
		this.processes.forEach((name, process) -> process.handle().ifPresent((handle) -> handles.put(name, handle)));
		return handles;
	}

	@Override
	public String bootstrapServers() {
		return "127.0.0.1:" + port("kafka", 9092);
	}

	@Override
	public URI graphQl() {
		return URI.create("http://127.0.0.1:" + port("haproxy", port("gateway", 8080)) + "/graphql");
	}

	@Override
	public URI userService() {
		return URI.create("http://127.0.0.1:" + port("user-service", 8081));
	}

	@Override
	public List<URI> bridgeMetrics() {
		Map<String, StackProcess> known = this.processes;
		if (known == null) {
			return List.of();
		}
		return known.values()
			.stream()
			.filter((process) -> BRIDGE.matcher(process.name()).matches())
			.map((process) -> URI.create("http://127.0.0.1:" + process.port() + "/actuator/prometheus"))
			.toList();
	}

	/** Minted by the stack's own {@code token} command, so that it carries what its gateways ask. */
	@Override
	public String bearer(String userId) {
		return this.bearers.computeIfAbsent(userId, this::mintToken);
	}

	@Override
	public ExtraBridge startUserBridge(String... settings) {
		List<String> command = new ArrayList<>();
		command.add(javaCommand());
		command.addAll(APP_JVM_OPTIONS);
		command.addAll(List.of("-jar", httpBridgeJar().toString(),
				"--spring.config.import=file:" + this.repository.resolve("compose/routes/user.yml").toAbsolutePath(),
				"--server.port=" + freePort(), "--spring.kafka.bootstrap-servers=" + bootstrapServers(),
				"--management.tracing.sampling.probability=" + TRACE_SAMPLING));
		command.addAll(List.of(settings));
		Path log = this.output.resolve("user-bridge-" + this.extraBridges.incrementAndGet() + ".log");
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			builder.environment().put("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
			Process bridge = builder.start();
			return new ExtraBridge() {

				@Override
				public Optional<ProcessHandle> process() {
					return Optional.of(bridge.toHandle());
				}

				@Override
				public void close() {
					stop(bridge);
				}

			};
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not start an http-bridge: " + command, ex);
		}
	}

	/** Stops the stack the way Ctrl-C does (SIGTERM), and waits until it has. */
	@Override
	public void close() {
		stop(this.stack);
	}

	private int port(String process, int otherwise) {
		Map<String, StackProcess> known = this.processes;
		StackProcess found = (known != null) ? known.get(process) : null;
		return (found != null) ? found.port() : otherwise;
	}

	private String mintToken(String userId) {
		Path script = this.repository.resolve("compose/local-stack.sh");
		try {
			Process token = new ProcessBuilder("bash", script.toString(), "token", userId, TOKEN_VALIDITY)
				.directory(this.repository.toFile())
				.redirectError(ProcessBuilder.Redirect.appendTo(outputFile().resolveSibling("token.log").toFile()))
				.start();
			String printed = new String(token.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (!token.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || token.exitValue() != 0
					|| printed.isEmpty()) {
				throw new IllegalStateException(script + " token " + userId + " failed; see "
						+ outputFile().resolveSibling("token.log"));
			}
			return "Bearer " + printed;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("could not run " + script + " token", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while minting a token", ex);
		}
	}

	private void readOutput() {
		Map<String, StackProcess> banner = null;
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.stack.getInputStream(), StandardCharsets.UTF_8));
				PrintWriter copy = new PrintWriter(Files.newBufferedWriter(outputFile()), true)) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				copy.println(line);
				if (line.equals(LOCK_HELD)) {
					this.launchedNanos = System.nanoTime();
					this.lockHeld.countDown();
				}
				else if (line.contains(BANNER_START)) {
					banner = new LinkedHashMap<>();
				}
				else if (banner != null && line.contains(BANNER_END)) {
					this.bannerNanos = System.nanoTime();
					this.bannerProcesses = banner;
					banner = null;
				}
				else if (banner != null) {
					Matcher process = BANNER_PROCESS.matcher(line);
					if (process.matches()) {
						banner.put(process.group(1), new StackProcess(process.group(1), Long.parseLong(process.group(2)),
								Integer.parseInt(process.group(3))));
					}
				}
				if (this.processes == null) {
					System.out.println(line);
				}
			}
		}
		catch (IOException ex) {
			System.err.println("[bench] lost the local stack's output: " + ex);
		}
	}

	private void await(CountDownLatch latch, Duration timeout, String what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (!latch.await(1, TimeUnit.SECONDS)) {
				checkRunning();
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("no " + what + " within " + timeout.toSeconds() + " s; see "
							+ outputFile());
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for " + what, ex);
		}
	}

	private Path outputFile() {
		return this.output.resolve("local-stack.out");
	}

	private Path httpBridgeJar() {
		Path target = this.repository.resolve("bus-adapters/http-bridge/target");
		try (Stream<Path> files = Files.list(target)) {
			return files.filter((file) -> file.getFileName().toString().matches("http-bridge-.*-exec\\.jar"))
				.max(Comparator.comparing((file) -> file.toFile().lastModified()))
				.orElseThrow(() -> new IllegalStateException("no http-bridge-*-exec.jar in " + target + "; build first"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("no " + target + "; build first", ex);
		}
	}

	/** The stack's own choice: {@code $JAVA_HOME/bin/java}, else {@code java} on the PATH. */
	private static String javaCommand() {
		String javaHome = System.getenv("JAVA_HOME");
		if (javaHome != null && Files.isExecutable(Path.of(javaHome, "bin", "java"))) {
			return Path.of(javaHome, "bin", "java").toString();
		}
		return "java";
	}

	private static void stop(Process process) {
		if (!process.isAlive()) {
			return;
		}
		// SIGTERM through the handle: Process.destroy() would also close its output, which the
		// stack still writes while it stops.
		process.toHandle().destroy();
		try {
			if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				System.err.println("[bench] pid " + process.pid() + " did not stop within " + STOP_TIMEOUT.toSeconds()
						+ " s of SIGTERM; killing it and what it started");
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local stack, {@code compose/local-stack.sh --no-build --no-rate-limit}: every app a process of its own jar
 * on this machine, on the stack's fixed loopback ports. It runs under the lock every user of the
 * local stack takes ({@value #LOCK}), held from before it starts until its last process has
 * stopped; start-up is timed from when the lock is held. The benchmark's own user bridges are
 * more processes of the http-bridge jar.
 */
final class LocalStack implements SystemUnderTest {

	static final String LOCK = "/tmp/busgate-local-stack.lock";

	private static final String LOCK_HELD = "[bench] holding " + LOCK;

	private static final String BANNER = "Busgate local stack is running";

	private static final String BANNER_END = "Paste into GraphiQL";

	/** A banner line naming a process: name, pid, address, log file. */
	private static final Pattern PROCESS_LINE = Pattern.compile("^ {3}(\\S+)\\s+(\\d+)\\s+\\S+\\s+\\S+.*$");

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

	private final CountDownLatch bannerPrinted = new CountDownLatch(1);

	private final Map<String, ProcessHandle> processes = new LinkedHashMap<>();

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

	@Override
	public Map<String, ProcessHandle> awaitProcesses() {
		await(this.bannerPrinted, this.startupTimeout, "the local stack's banner");
		synchronized (this.processes) {
			return Map.copyOf(this.processes);
		}
	}

	@Override
	public String bootstrapServers() {
		return "127.0.0.1:9092";
	}

	@Override
	public URI graphQl() {
		return URI.create("http://127.0.0.1:8080/graphql");
	}

	@Override
	public URI userService() {
		return URI.create("http://127.0.0.1:8081");
	}

	@Override
	public ExtraBridge startUserBridge(String... settings) {
		List<String> command = new ArrayList<>();
		command.add(javaCommand());
		command.addAll(APP_JVM_OPTIONS);
		command.addAll(List.of("-jar", httpBridgeJar().toString(), "--spring.profiles.active=user",
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

	private void readOutput() {
		boolean inBanner = false;
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.stack.getInputStream(), StandardCharsets.UTF_8));
				PrintWriter copy = new PrintWriter(Files.newBufferedWriter(outputFile()), true)) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				copy.println(line);
				if (line.equals(LOCK_HELD)) {
					this.launchedNanos = System.nanoTime();
					this.lockHeld.countDown();
				}
				else if (line.contains(BANNER)) {
					inBanner = true;
				}
				else if (inBanner && line.contains(BANNER_END)) {
					inBanner = false;
					this.bannerPrinted.countDown();
				}
				else if (inBanner) {
					Matcher process = PROCESS_LINE.matcher(line);
					if (process.matches()) {
						ProcessHandle.of(Long.parseLong(process.group(2))).ifPresent((handle) -> {
							synchronized (this.processes) {
								this.processes.put(process.group(1), handle);
							}
						});
					}
				}
				if (this.bannerPrinted.getCount() > 0) {
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

package io.busgate.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The benchmark's command line: launches the local stack, runs every scenario against it, stops
 * it, and writes the results under {@code target/bench/}. See {@code compose/bench/run.sh}.
 */
public final class BenchApplication {

	private static final String USAGE = """
			Usage: java -jar bench/target/bench-*-exec.jar [--smoke] [--profile] [--repository DIR] [--output DIR]
			       [--revision REV]

			Launches DIR/compose/local-stack.sh --no-build --no-rate-limit (under %s; DIR's jars must be
			built), runs the benchmark's scenarios against it on loopback, stops it, prints every target
			with its figure and met / not met, and writes results.md and results.json into the output
			directory (default: <repository>/target/bench).

			  --smoke          every scenario with a tiny load, in seconds (proves the harness works)
			  --profile        a flight recording (JFR) of each of the stack's processes over the
			                   scenarios, into <output>/jfr/<process>.jfr
			  --repository DIR the root of the checkout whose stack is measured (default: the current
			                   directory); another checkout than this jar's for a before/after comparison
			  --output DIR     where the results go
			  --revision REV   the source revision measured, for the report
			""".formatted(LocalStack.LOCK);

	private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(10);

	private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(5);

	private BenchApplication() {
	}

	public static void main(String[] args) {
		// Before anything logs: Kafka's clients then log warnings only.
		System.setProperty("logback.configurationFile", "bench-logback.xml");
		boolean smoke = false;
		boolean profile = false;
		Path repository = Path.of("").toAbsolutePath();
		Path output = null;
		String revision = null;
		Deque<String> options = new ArrayDeque<>(List.of(args));
		while (!options.isEmpty()) {
			String option = options.pop();
			switch (option) {
				case "--smoke" -> smoke = true;
				case "--profile" -> profile = true;
				case "--repository" -> repository = Path.of(value(option, options)).toAbsolutePath();
				case "--output" -> output = Path.of(value(option, options)).toAbsolutePath();
				case "--revision" -> revision = value(option, options);
				case "-h", "--help" -> {
					System.out.print(USAGE);
					return;
				}
				default -> fail("unknown option " + option + "\n\n" + USAGE);
			}
		}
		output = (output != null) ? output : repository.resolve("target/bench");
		try {
			run(smoke, profile, repository, output, revision);
		}
		catch (RuntimeException ex) {
			fail(ex.getMessage());
		}
	}

	private static void run(boolean smoke, boolean profile, Path repository, Path output, String revision) {
		System.out.println("[bench] launching the local stack (" + LocalStack.LOCK + ") ...");
		LocalStack stack = LocalStack.launch(repository, output, LOCK_TIMEOUT, STARTUP_TIMEOUT);
		Thread stopOnExit = new Thread(stack::close, "bench-stop-stack");
		Runtime.getRuntime().addShutdownHook(stopOnExit);
		Results results;
		try {
			results = new Benchmark(stack, smoke ? BenchSettings.smoke() : BenchSettings.full(), smoke ? "smoke" : "full",
					revision, System.out, profile ? output.resolve("jfr") : null)
				.run();
		}
		finally {
			System.out.println("[bench] stopping the local stack ...");
			stack.close();
			Runtime.getRuntime().removeShutdownHook(stopOnExit);
		}
		System.out.println();
		System.out.println(Report.write(results, output));
		long met = results.targets().stream().filter((target) -> Boolean.TRUE.equals(target.met())).count();
		long unmeasured = results.targets().stream().filter((target) -> target.met() == null).count();
		System.out.printf("[bench] %d of %d targets met (%d not measured); results in %s and %s%n", met,
				results.targets().size(), unmeasured, output.resolve(Report.MARKDOWN), output.resolve(Report.JSON));
	}

	private static String value(String option, Deque<String> options) {
		if (options.isEmpty()) {
			fail(option + " needs a value\n\n" + USAGE);
		}
		return options.pop();
	}

	private static void fail(String message) {
		System.err.println("[bench] " + message);
		System.exit(1);
	}

}

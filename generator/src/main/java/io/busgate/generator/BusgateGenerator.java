package io.busgate.generator;

import java.io.PrintWriter;
import java.io.UncheckedIOException;

import io.busgate.generator.model.SourceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The generator's command line: {@code generate} reads a backend's description and writes (or,
 * with {@code --check}, compares) its schema fragment and routes.
 *
 * <p>Exit status: 0 when the files were written or are up to date, 1 when {@code --check} found a
 * file out of date, 2 for a usage error or a source or settings that cannot be read.
 */
@Command(name = "busgate-generator", mixinStandardHelpOptions = true, subcommands = GenerateCommand.class,
		description = "Generates a backend's GraphQL schema fragment and bridge routes from its own description.")
public final class BusgateGenerator {

	/** Bad arguments, or a source or settings that cannot be read. */
	static final int UNUSABLE = 2;

	private BusgateGenerator() {
	}

	public static void main(String[] args) {
		System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
	}

	/**
	 * Runs one command.
	 * @param out where the findings and results go
	 * @param err where errors go
	 * @return the exit status
	 */
	public static int run(PrintWriter out, PrintWriter err, String... args) {
		CommandLine commandLine = new CommandLine(new BusgateGenerator());
		commandLine.setOut(out);
		commandLine.setErr(err);
		commandLine.setExecutionExceptionHandler((ex, command, parseResult) -> {
			if (ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException
					|| ex instanceof SourceException) {
				command.getErr().println("busgate-generator: " + ex.getMessage());
				return UNUSABLE;
			}
			throw ex;
		});
		int status = commandLine.execute(args);
		out.flush();
		err.flush();
		return status;
	}

}

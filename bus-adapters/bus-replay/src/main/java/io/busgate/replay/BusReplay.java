package io.busgate.replay;

import java.io.PrintWriter;

import org.apache.kafka.common.KafkaException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The replay tool: {@code list} shows recorded requests with their recorded replies, {@code replay}
 * sends them again and diffs the new replies against the recorded ones.
 *
 * <p>Exit status: 0 when everything replayed answered the same (or for {@code list}), 1 when
 * anything differs, 2 for a usage error or a selection that cannot be read.
 */
@Command(name = "bus-replay", mixinStandardHelpOptions = true, subcommands = { ListCommand.class, ReplayCommand.class },
		description = "Lists recorded bus requests, replays them and diffs the answers.")
public final class BusReplay {

	/** Something was replayed and answered differently. */
	static final int DIFFERENT = 1;

	/** Bad arguments, or what they select cannot be read. */
	static final int UNUSABLE = 2;

	private BusReplay() {
	}

	public static void main(String[] args) {
		System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
	}

	/**
	 * Runs one command.
	 * @param out where results go
	 * @param err where progress, notes and errors go
	 * @return the exit status
	 */
	public static int run(PrintWriter out, PrintWriter err, String... args) {
		CommandLine commandLine = new CommandLine(new BusReplay());
		commandLine.setOut(out);
		commandLine.setErr(err);
		commandLine.setExecutionExceptionHandler((ex, command, parseResult) -> {
			if (ex instanceof SelectionException || ex instanceof IllegalArgumentException) {
				command.getErr().println("bus-replay: " + ex.getMessage());
				return UNUSABLE;
			}
			if (ex instanceof KafkaException) {
				command.getErr().println("bus-replay: Kafka (--bootstrap-servers) failed: " + ex.getMessage());
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

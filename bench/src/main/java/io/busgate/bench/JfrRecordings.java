package io.busgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Java Flight Recordings (the JDK's {@code profile} settings) of the stack's processes while the
 * scenarios run, started and dumped with {@code jcmd}: {@code <directory>/<process>.jfr}, for
 * {@code jfr print} or {@code jfr view hot-methods}.
 */
final class JfrRecordings {

	private static final String NAME = "busgate-bench";

	private static final long JCMD_TIMEOUT_SECONDS = 60;

	private final Path directory;

	private final Map<String, ProcessHandle> processes;

	private JfrRecordings(Path directory, Map<String, ProcessHandle> processes) {
		this.directory = directory;
		this.processes = processes;
	}

	/** Starts a recording in each process. */
	static JfrRecordings start(Path directory, Map<String, ProcessHandle> processes) {
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		JfrRecordings recordings = new JfrRecordings(directory, processes);
		processes.forEach((name, process) -> recordings.jcmd(process, "JFR.start", "name=" + NAME, "settings=profile"));
		return recordings;
	}

	/** Stops the recordings and writes them; the directory they are in. */
	Path stop() {
		this.processes.forEach((name, process) -> jcmd(process, "JFR.stop", "name=" + NAME,
				"filename=" + this.directory.resolve(name + ".jfr")));
		return this.directory;
	}

	private void jcmd(ProcessHandle process, String... command) {
		List<String> line = new ArrayList<>(List.of(jcmdCommand(), Long.toString(process.pid())));
		line.addAll(List.of(command));
		try {
			Process jcmd = new ProcessBuilder(line).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("jcmd.log").toFile()))
				.start();
			if (!jcmd.waitFor(JCMD_TIMEOUT_SECONDS, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
				jcmd.destroyForcibly();
				System.err.println("[bench] " + String.join(" ", line) + " failed; see " + this.directory.resolve("jcmd.log"));
			}
		}
		catch (IOException ex) {
			System.err.println("[bench] could not run " + String.join(" ", line) + ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** jcmd of the JDK running the benchmark, which is the stack's too. */
	private static String jcmdCommand() {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		return Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
	}

}

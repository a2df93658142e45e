package io.busgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A process of the local stack as its {@code processes.json} lists it:
 * {@code {"stack": <pid>, "processes": [{"name": ..., "pid": ..., "port": ...}, ...]}}, other
 * fields ignored.
 *
 * @param name e.g. {@code kafka}, {@code zipkin}, {@code gateway}, {@code http-bridge-2}
 * @param pid its pid, {@code null} while it is stopped
 * @param port the port it serves on (its HTTP port for an app: actuator, GraphQL)
 */
record StackProcess(String name, Long pid, int port) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The process, while it runs. */
	Optional<ProcessHandle> handle() {
		return (this.pid != null) ? ProcessHandle.of(this.pid) : Optional.empty();
	}

	/**
	 * The processes in the file by name, when it is there and written by the stack of pid
	 * {@code stackPid}; {@code null} otherwise (not yet written, or left by another stack).
	 */
	static Map<String, StackProcess> read(Path file, long stackPid) {
		JsonNode root;
		try {
			root = JSON.readTree(Files.readString(file));
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException | JacksonException ex) {
			// Written atomically, so not half-written: unreadable is a format not understood.
			throw new IllegalStateException("cannot read " + file + ": " + ex.getMessage(), ex);
		}
		if (root.path("stack").asLong() != stackPid) {
			return null;
		}
		Map<String, StackProcess> processes = new LinkedHashMap<>();
		for (JsonNode process : root.path("processes")) {
			JsonNode pid = process.path("pid");
			processes.put(process.path("name").asString(), new StackProcess(process.path("name").asString(),
					pid.isNumber() ? pid.asLong() : null, process.path("port").asInt()));
		}
		return processes;
	}

}

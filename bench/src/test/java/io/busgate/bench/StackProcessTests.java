package io.busgate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The local stack's processes.json, as compose/local-stack.sh writes it. */
class StackProcessTests {

	private static final String WRITTEN = """
			{
			  "stack": 4242,
			  "processes": [
			    {"name": "kafka", "pid": 101, "port": 9092, "restartable": false},
			    {"name": "zipkin", "pid": 102, "port": 9411, "restartable": false},
			    {"name": "http-bridge", "pid": null, "port": 8091, "restartable": true},
			    {"name": "gateway", "pid": 103, "port": 8080, "restartable": true, "url": "http://127.0.0.1:8080"}
			  ]
			}
			""";

	@Test
	void readsEveryProcessWithItsPidAndPort(@TempDir Path directory) throws Exception {
		Path file = Files.writeString(directory.resolve("processes.json"), WRITTEN);
		Map<String, StackProcess> processes = StackProcess.read(file, 4242);
		assertThat(processes).containsOnlyKeys("kafka", "zipkin", "http-bridge", "gateway");
		assertThat(processes.get("zipkin")).isEqualTo(new StackProcess("zipkin", 102L, 9411));
		assertThat(processes.get("http-bridge").pid()).isNull();
		assertThat(processes.get("http-bridge").handle()).isEmpty();
	}

	@Test
	void aFileOfAnotherStackOrNoneYetIsNotRead(@TempDir Path directory) throws Exception {
		assertThat(StackProcess.read(directory.resolve("processes.json"), 4242)).isNull();
		Path file = Files.writeString(directory.resolve("processes.json"), WRITTEN);
		assertThat(StackProcess.read(file, 4243)).isNull();
	}

}

package io.busgate.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 1, the floor: raw Kafka request/reply on the stack's broker ({@link KafkaFloor}), one
 * round trip at a time (1a) and pipelined (1b).
 */
final class FloorScenario {

	private FloorScenario() {
	}

	static List<Measurement> run(BenchRun run) {
		BenchSettings settings = run.settings();
		try (KafkaFloor floor = new KafkaFloor(run.stack().bootstrapServers(), settings.requestTimeout())) {
			String sequential = "1a floor: raw Kafka request/reply, sequential";
			String pipelined = "1b floor: raw Kafka request/reply, " + settings.floorWindow() + " in flight";
			List<Figures> sequentialRuns = new ArrayList<>();
			List<Figures> pipelinedRuns = new ArrayList<>();
			for (int i = 0; i < settings.runs(); i++) {
				sequentialRuns.add(floor.sequential(sequential, (i == 0) ? settings.floorWarmup() : 0,
						settings.floorSequential(), run.meter()));
				pipelinedRuns.add(floor.pipelined(pipelined, settings.floorPipelined(), settings.floorWindow(),
						run.meter()));
			}
			return List.of(run.report(Measurement.of(sequential, sequentialRuns)),
					run.report(Measurement.of(pipelined, pipelinedRuns)));
		}
	}

}

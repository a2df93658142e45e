package io.busgate.replay;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import io.busgate.bus.BusCodec;

/** Lists recorded requests with the replies they got. */
@Command(name = "list", mixinStandardHelpOptions = true,
		description = "Lists recorded requests: time, operation, keys, the recorded reply's status and latency,"
				+ " trace id, correlation id and where the request is stored.")
final class ListCommand implements Callable<Integer> {

	@Mixin
	Connection connection;

	@Mixin
	Selection selection;

	@Option(names = "--json", description = "One JSON document instead of lines.")
	boolean json;

	@Spec
	CommandSpec spec;

	@Override
	public Integer call() {
		PrintWriter out = this.spec.commandLine().getOut();
		PrintWriter err = this.spec.commandLine().getErr();
		RecordedTraffic.Found found;
		try (RecordedTraffic traffic = new RecordedTraffic(this.connection, new BusCodec())) {
			found = traffic.read(this.selection);
		}
		found.notes().forEach((note) -> err.println("note: " + note));
		if (this.json) {
			Map<String, Object> document = new LinkedHashMap<>();
			document.put("requests", found.requests().stream().map((recorded) -> {
				Map<String, Object> entry = Output.request(recorded);
				entry.put("original", Output.original(recorded));
				return entry;
			}).toList());
			document.put("notes", found.notes());
			out.println(Output.prettyJson(document));
			return 0;
		}
		for (RecordedRequest recorded : found.requests()) {
			out.printf("%s  %s  reply=%s  trace=%s  correlation-id=%s  %s%n", recorded.time(), Output.what(recorded),
					Output.originalInWords(recorded), (recorded.traceId() != null) ? recorded.traceId() : "-",
					recorded.correlationId(), recorded.where());
		}
		out.printf("%d recorded requests%n", found.requests().size());
		return 0;
	}

}

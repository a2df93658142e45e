package io.busgate.generator.model;

import java.util.List;
import java.util.Map;

/**
 * What a source reader made of a backend's description, in GraphQL's and the bridges' terms,
 * before naming settings (prefix, operation names) are applied.
 *
 * @param origin what was read, for the generated files' headers ({@code busgate.post.v1.PostService
 * by reflection at 127.0.0.1:9090})
 * @param protocol the bridge that serves it: {@code grpc}, {@code thrift} or {@code http}
 * @param bridgeSettings the bridge's own settings under {@code busgate.bridge.<protocol>.}, by
 * name ({@code target}, {@code idl}, {@code base-url}), as read from the source
 * @param shapes the structured types reachable from the operations
 * @param enums the enumerations reachable from the operations
 * @param operations the calls, in the source's order
 * @param skipped the calls the bus cannot serve, each with why ({@code WatchShelf: server
 * streaming}), for the user; empty when there are none
 */
public record ServiceModel(String origin, String protocol, Map<String, String> bridgeSettings, List<Shape> shapes,
		List<EnumType> enums, List<Operation> operations, List<String> skipped) {

	public ServiceModel {
		bridgeSettings = Map.copyOf(bridgeSettings);
		shapes = List.copyOf(shapes);
		enums = List.copyOf(enums);
		operations = List.copyOf(operations);
		skipped = List.copyOf(skipped);
	}

	public ServiceModel(String origin, String protocol, Map<String, String> bridgeSettings, List<Shape> shapes,
			List<EnumType> enums, List<Operation> operations) {
		this(origin, protocol, bridgeSettings, shapes, enums, operations, List.of());
	}

}

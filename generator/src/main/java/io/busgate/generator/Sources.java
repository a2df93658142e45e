package io.busgate.generator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.busgate.generator.GeneratorSettings.Source;
import io.busgate.generator.grpc.GrpcSource;
import io.busgate.generator.model.Conventions;
import io.busgate.generator.model.ServiceModel;
import io.busgate.generator.openapi.OpenApiSource;
import io.busgate.generator.thrift.ThriftSource;

/** Picks the reader of the one source given. */
final class Sources {

	private Sources() {
	}

	static ServiceModel read(Source source, Conventions conventions, Duration deadline) {
		List<String> given = new ArrayList<>();
		if (source.grpc() != null) {
			given.add("--grpc");
		}
		if (source.descriptorSet() != null) {
			given.add("--descriptor-set");
		}
		if (source.thrift() != null) {
			given.add("--thrift");
		}
		if (source.openapi() != null) {
			given.add("--openapi");
		}
		if (given.size() != 1) {
			throw new IllegalArgumentException("Give exactly one source (--grpc, --descriptor-set, --thrift or --openapi, "
					+ "or source: in the settings), was " + (given.isEmpty() ? "none" : String.join(" and ", given)));
		}
		if (source.grpc() != null) {
			return GrpcSource.fromReflection(source.grpc(), source.grpcService(), conventions, deadline);
		}
		if (source.descriptorSet() != null) {
			return GrpcSource.fromDescriptorSet(Path.of(source.descriptorSet()), source.grpcService(), conventions);
		}
		if (source.thrift() != null) {
			return ThriftSource.read(Path.of(source.thrift()), source.thriftService(), conventions);
		}
		return OpenApiSource.read(source.openapi(), conventions);
	}

}

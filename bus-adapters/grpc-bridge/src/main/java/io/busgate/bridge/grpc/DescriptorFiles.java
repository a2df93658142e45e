package io.busgate.bridge.grpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.protobuf.AnyProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;

/**
 * Links {@code FileDescriptorProto}s, as read from server reflection or a descriptor set, into
 * descriptors. A dependency missing from the given files is taken from protobuf-java when it is
 * one of protobuf's well-known types (descriptor sets are often written without imports).
 */
final class DescriptorFiles {

	private static final Map<String, Descriptors.FileDescriptor> WELL_KNOWN = Stream
		.of(AnyProto.getDescriptor(), DurationProto.getDescriptor(), EmptyProto.getDescriptor(),
				FieldMaskProto.getDescriptor(), StructProto.getDescriptor(), TimestampProto.getDescriptor(),
				WrappersProto.getDescriptor())
		.collect(Collectors.toUnmodifiableMap(Descriptors.FileDescriptor::getName, (file) -> file));

	private DescriptorFiles() {
	}

	/**
	 * Every service defined in the given files, by full name.
	 * @param protos the files by name
	 * @throws IllegalArgumentException if a dependency is missing or a file does not link
	 */
	static Map<String, Descriptors.ServiceDescriptor> services(Map<String, FileDescriptorProto> protos) {
		Map<String, Descriptors.FileDescriptor> linked = new HashMap<>();
		Map<String, Descriptors.ServiceDescriptor> services = new LinkedHashMap<>();
		for (String name : protos.keySet()) {
			for (Descriptors.ServiceDescriptor service : link(name, protos, linked, Set.of()).getServices()) {
				services.put(service.getFullName(), service);
			}
		}
		return services;
	}

	private static Descriptors.FileDescriptor link(String name, Map<String, FileDescriptorProto> protos,
			Map<String, Descriptors.FileDescriptor> linked, Set<String> importing) {
		Descriptors.FileDescriptor done = linked.get(name);
		if (done != null) {
			return done;
		}
		FileDescriptorProto proto = protos.get(name);
		if (proto == null) {
			Descriptors.FileDescriptor wellKnown = WELL_KNOWN.get(name);
			if (wellKnown == null) {
				throw new IllegalArgumentException("the descriptor of " + name + " (imported by " + importing
						+ ") is missing; descriptor sets need their imports (protoc --include_imports)");
			}
			return wellKnown;
		}
		if (importing.contains(name)) {
			throw new IllegalArgumentException("descriptors import each other in a cycle: " + importing);
		}
		Set<String> path = Stream.concat(importing.stream(), Stream.of(name)).collect(Collectors.toUnmodifiableSet());
		List<Descriptors.FileDescriptor> dependencies = new ArrayList<>();
		for (String dependency : proto.getDependencyList()) {
			dependencies.add(link(dependency, protos, linked, path));
		}
		try {
			Descriptors.FileDescriptor file = Descriptors.FileDescriptor.buildFrom(proto,
					dependencies.toArray(Descriptors.FileDescriptor[]::new));
			linked.put(name, file);
			return file;
		}
		catch (Descriptors.DescriptorValidationException ex) {
			throw new IllegalArgumentException("the descriptor of " + name + " is invalid: " + ex.getMessage(), ex);
		}
	}

}

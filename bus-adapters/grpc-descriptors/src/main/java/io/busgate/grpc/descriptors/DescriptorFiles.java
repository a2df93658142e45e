package io.busgate.grpc.descriptors;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.protobuf.AnyProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.WrappersProto;

/**
 * Links {@code FileDescriptorProto}s, as a descriptor set or server reflection gives them, into
 * descriptors, each file after the files it imports. An import the files lack is taken from
 * protobuf-java when it is a well-known type's file (descriptor sets are often written without
 * them).
 */
public final class DescriptorFiles {

	private static final Map<String, FileDescriptor> WELL_KNOWN_FILES = Stream
		.of(AnyProto.getDescriptor(), DurationProto.getDescriptor(), EmptyProto.getDescriptor(),
				FieldMaskProto.getDescriptor(), StructProto.getDescriptor(), TimestampProto.getDescriptor(),
				WrappersProto.getDescriptor(), DescriptorProtos.getDescriptor())
		.collect(Collectors.toUnmodifiableMap(FileDescriptor::getName, Function.identity()));

	private final Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();

	private final Map<String, FileDescriptor> linked = new HashMap<>();

	private final Deque<String> linking = new ArrayDeque<>();

	private DescriptorFiles(Collection<FileDescriptorProto> files) {
		files.forEach((file) -> this.protos.putIfAbsent(file.getName(), file));
	}

	/**
	 * The services the files define, by full name, in the files' order.
	 * @throws IllegalArgumentException if an import is missing, files import each other in a
	 * cycle, or a file does not link; its message continues a sentence whose subject is the files'
	 * source ("the descriptor set x.binpb" + " lacks a.proto, imported by b.proto (...)")
	 */
	public static Map<String, ServiceDescriptor> services(Collection<FileDescriptorProto> files) {
		DescriptorFiles linker = new DescriptorFiles(files);
		Map<String, ServiceDescriptor> services = new LinkedHashMap<>();
		for (String name : linker.protos.keySet()) {
			linker.link(name).getServices().forEach((service) -> services.put(service.getFullName(), service));
		}
		return services;
	}

	private FileDescriptor link(String name) {
		FileDescriptor file = this.linked.get(name);
		if (file != null) {
			return file;
		}
		FileDescriptorProto proto = this.protos.get(name);
		if (proto == null) {
			FileDescriptor wellKnown = WELL_KNOWN_FILES.get(name);
			if (wellKnown == null) {
				throw new IllegalArgumentException("lacks " + name + ", imported by " + this.linking.peek()
						+ " (a descriptor set needs protoc's --include_imports)");
			}
			return wellKnown;
		}
		if (this.linking.contains(name)) {
			throw new IllegalArgumentException("has " + name + " import itself through " + this.linking);
		}
		this.linking.push(name);
		FileDescriptor[] dependencies = proto.getDependencyList().stream().map(this::link).toArray(FileDescriptor[]::new);
		this.linking.pop();
		try {
			file = FileDescriptor.buildFrom(proto, dependencies);
		}
		catch (DescriptorValidationException ex) {
			throw new IllegalArgumentException("has " + name + ", which is not a valid file: " + ex.getMessage(), ex);
		}
		this.linked.put(name, file);
		return file;
	}

}

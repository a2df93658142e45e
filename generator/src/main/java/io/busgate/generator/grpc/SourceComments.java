package io.busgate.generator.grpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo.Location;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

/**
 * The comments of a {@code .proto}, as a descriptor with source info carries them: each element
 * is found by its path of field numbers and indexes in {@code FileDescriptorProto}. Without
 * source info every element has none.
 */
final class SourceComments {

	private final Map<FileDescriptor, Map<List<Integer>, Location>> locations = new HashMap<>();

	String of(Descriptor message) {
		return comment(message.getFile(), path(message));
	}

	String of(FieldDescriptor field) {
		return comment(field.getFile(), with(path(field.getContainingType()), DescriptorFieldNumbers.MESSAGE_FIELD,
				field.getIndex()));
	}

	String of(EnumDescriptor enumType) {
		List<Integer> path = (enumType.getContainingType() != null)
				? with(path(enumType.getContainingType()), DescriptorFieldNumbers.MESSAGE_ENUM, enumType.getIndex())
				: List.of(DescriptorFieldNumbers.FILE_ENUM, enumType.getIndex());
		return comment(enumType.getFile(), path);
	}

	String of(ServiceDescriptor service) {
		return comment(service.getFile(), List.of(DescriptorFieldNumbers.FILE_SERVICE, service.getIndex()));
	}

	String of(MethodDescriptor method) {
		return comment(method.getFile(), List.of(DescriptorFieldNumbers.FILE_SERVICE, method.getService().getIndex(),
				DescriptorFieldNumbers.SERVICE_METHOD, method.getIndex()));
	}

	private static List<Integer> path(Descriptor message) {
		return (message.getContainingType() != null)
				? with(path(message.getContainingType()), DescriptorFieldNumbers.MESSAGE_NESTED, message.getIndex())
				: List.of(DescriptorFieldNumbers.FILE_MESSAGE, message.getIndex());
	}

	private static List<Integer> with(List<Integer> path, int fieldNumber, int index) {
		List<Integer> longer = new ArrayList<>(path);
		longer.add(fieldNumber);
		longer.add(index);
		return longer;
	}

	private String comment(FileDescriptor file, List<Integer> path) {
		Location location = this.locations.computeIfAbsent(file, SourceComments::locations).get(path);
		if (location == null) {
			return null;
		}
		String text = location.hasLeadingComments() ? location.getLeadingComments() : location.getTrailingComments();
		String comment = text.lines()
			.map((line) -> line.startsWith(" ") ? line.substring(1) : line)
			.collect(Collectors.joining("\n"))
			.strip();
		return comment.isEmpty() ? null : comment;
	}

	private static Map<List<Integer>, Location> locations(FileDescriptor file) {
		FileDescriptorProto proto = file.toProto();
		Map<List<Integer>, Location> byPath = new HashMap<>();
		for (Location location : proto.getSourceCodeInfo().getLocationList()) {
			byPath.putIfAbsent(List.copyOf(location.getPathList()), location);
		}
		return byPath;
	}

	/** The field numbers of {@code descriptor.proto} that paths of source locations are made of. */
	private static final class DescriptorFieldNumbers {

		static final int FILE_MESSAGE = FileDescriptorProto.MESSAGE_TYPE_FIELD_NUMBER;

		static final int FILE_ENUM = FileDescriptorProto.ENUM_TYPE_FIELD_NUMBER;

		static final int FILE_SERVICE = FileDescriptorProto.SERVICE_FIELD_NUMBER;

		static final int MESSAGE_FIELD = DescriptorProto.FIELD_FIELD_NUMBER;

		static final int MESSAGE_NESTED = DescriptorProto.NESTED_TYPE_FIELD_NUMBER;

		static final int MESSAGE_ENUM = DescriptorProto.ENUM_TYPE_FIELD_NUMBER;

		static final int SERVICE_METHOD = ServiceDescriptorProto.METHOD_FIELD_NUMBER;

		private DescriptorFieldNumbers() {
		}

	}

}

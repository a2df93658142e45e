package io.busgate.generator.grpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;

import io.busgate.generator.model.Conventions;
import io.busgate.generator.model.ServiceModel;
import io.busgate.generator.model.SourceException;
import io.busgate.grpc.descriptors.DescriptorFiles;

/**
 * Reads a gRPC service's description, from a descriptor set or from the service's server
 * reflection, into a {@link ServiceModel}. The mapping is written down in
 * {@code generator/docs/grpc.md}.
 *
 * <p>Bad input (no such file, not a descriptor set, an unknown service, a server that cannot be
 * reached or does not answer in time) is a {@link SourceException} whose message names
 * what was wrong and where.
 */
public final class GrpcSource {

	private GrpcSource() {
	}

	/**
	 * Reads a {@code FileDescriptorSet} as {@code protoc --descriptor_set_out --include_imports}
	 * writes it; with {@code --include_source_info} the comments become descriptions.
	 * @param descriptorSet the file
	 * @param service the service's full name ({@code pkg.Service}), or {@code null} when the set
	 * defines exactly one service
	 * @param conventions how mutations and idempotency key fields are recognised
	 * @return the service, with {@code descriptor-set} as the bridge's setting
	 * @throws SourceException if the file cannot be read, is not a descriptor set, does
	 * not link, or has no such service
	 */
	public static ServiceModel fromDescriptorSet(Path descriptorSet, String service, Conventions conventions) {
		String where = "the descriptor set " + descriptorSet;
		FileDescriptorSet set;
		try {
			set = FileDescriptorSet.parseFrom(Files.readAllBytes(descriptorSet));
		}
		catch (NoSuchFileException ex) {
			throw new SourceException("There is no descriptor set at " + descriptorSet, ex);
		}
		catch (InvalidProtocolBufferException ex) {
			throw notADescriptorSet(descriptorSet, ex);
		}
		catch (IOException ex) {
			throw new SourceException("Cannot read " + where + ": " + ex, ex);
		}
		if (set.getFileCount() == 0 || !set.getUnknownFields().asMap().isEmpty()) {
			throw notADescriptorSet(descriptorSet, null);
		}
		Map<String, ServiceDescriptor> services = linked(set.getFileList(), where);
		ServiceDescriptor chosen = services.get(choose(List.copyOf(services.keySet()), service, where));
		return new ModelMapper(conventions).map(chosen, chosen.getFullName() + " from " + where,
				Map.of("descriptor-set", "file:" + descriptorSet));
	}

	/**
	 * Reads a running service's descriptors from its server reflection ({@code grpc.reflection.v1},
	 * or {@code v1alpha} when the server has only that), over a plaintext channel. Descriptions
	 * come only from comments the server's descriptors carry (generated code usually has none).
	 * @param target the server's {@code host:port}
	 * @param service the service's full name ({@code pkg.Service}), or {@code null} when the
	 * server serves exactly one besides reflection and health
	 * @param conventions how mutations and idempotency key fields are recognised
	 * @param deadline the deadline of each reflection call
	 * @return the service, with {@code target} as the bridge's setting
	 * @throws SourceException if the server cannot be reached, does not answer in time,
	 * serves no reflection, or has no such service
	 */
	public static ServiceModel fromReflection(String target, String service, Conventions conventions,
			Duration deadline) {
		String where = "the server reflection of " + target;
		try (ServerReflection reflection = ServerReflection.connect(target, deadline)) {
			String chosen = choose(reflection.services(), service, where);
			Map<String, ServiceDescriptor> services = linked(reflection.filesDefining(chosen), where);
			ServiceDescriptor descriptor = services.get(chosen);
			if (descriptor == null) {
				throw new SourceException(where + " listed " + chosen + " but sent no descriptor defining it");
			}
			return new ModelMapper(conventions).map(descriptor, chosen + " by reflection at " + target,
					Map.of("target", target));
		}
	}

	/**
	 * The service asked for, or the only one there is besides reflection and health.
	 */
	private static String choose(List<String> services, String service, String where) {
		List<String> candidates = services.stream()
			.filter((name) -> !name.startsWith("grpc.reflection.") && !name.startsWith("grpc.health."))
			.toList();
		if (service != null) {
			if (!services.contains(service)) {
				throw new SourceException(
						where + " has no service " + service + "; it has " + describe(candidates));
			}
			return service;
		}
		if (candidates.size() != 1) {
			throw new SourceException(where + " has " + describe(candidates) + "; name the service to read");
		}
		return candidates.get(0);
	}

	private static String describe(List<String> services) {
		return services.isEmpty() ? "no service" : String.join(", ", services);
	}

	private static SourceException notADescriptorSet(Path path, Exception cause) {
		return new SourceException(path + " is not a descriptor set (protoc --descriptor_set_out="
				+ path.getFileName() + " --include_imports)" + ((cause != null) ? ": " + cause.getMessage() : ""),
				cause);
	}

	private static Map<String, ServiceDescriptor> linked(Collection<FileDescriptorProto> files, String where) {
		try {
			return DescriptorFiles.services(files);
		}
		catch (IllegalArgumentException ex) {
			throw new SourceException(where + " " + ex.getMessage(), ex);
		}
	}

}

package io.busgate.bridge.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;

import org.springframework.core.io.Resource;

import io.busgate.grpc.descriptors.DescriptorFiles;

/**
 * Descriptors from a {@code FileDescriptorSet} file, read once when the bridge starts: for
 * backends without server reflection, or to pin the API the bridge speaks.
 */
final class DescriptorSetSource implements DescriptorSource {

	private final String location;

	private final Map<String, Descriptors.ServiceDescriptor> services;

	/**
	 * Reads and links the file.
	 * @throws IllegalStateException if it cannot be read or does not link
	 */
	DescriptorSetSource(Resource file) {
		this.location = file.getDescription();
		FileDescriptorSet set;
		try (InputStream in = file.getInputStream()) {
			set = FileDescriptorSet.parseFrom(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the descriptor set " + this.location + ": " + ex.getMessage(), ex);
		}
		try {
			this.services = DescriptorFiles.services(set.getFileList());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(describe() + " " + ex.getMessage(), ex);
		}
	}

	@Override
	public CompletableFuture<Map<String, Descriptors.ServiceDescriptor>> services(Set<String> serviceNames) {
		return CompletableFuture.completedFuture(this.services);
	}

	@Override
	public String describe() {
		return "the descriptor set " + this.location;
	}

	@Override
	public boolean isRetryable() {
		return false;
	}

}

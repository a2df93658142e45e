package io.busgate.bridge.grpc;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.google.protobuf.Descriptors;

/** Where the bridge learns the protobuf types of its backend's services. */
interface DescriptorSource {

	/**
	 * The descriptors of the named services, and of any other service defined alongside them.
	 * A named service the backend does not have is simply missing from the answer.
	 * @param serviceNames fully qualified service names, e.g. {@code busgate.post.v1.PostService}
	 * @return the services by full name; a failed future if the descriptors could not be read
	 */
	CompletableFuture<Map<String, Descriptors.ServiceDescriptor>> services(Set<String> serviceNames);

	/** Where the descriptors come from, for messages. */
	String describe();

	/** Whether a failure to read the descriptors may go away by itself, so reading is worth retrying. */
	boolean isRetryable();

}

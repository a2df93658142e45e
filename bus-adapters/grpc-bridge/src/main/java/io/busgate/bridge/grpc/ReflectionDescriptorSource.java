package io.busgate.bridge.grpc;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;

import io.busgate.grpc.descriptors.DescriptorFiles;

/**
 * Descriptors read from the backend's server reflection service ({@code grpc.reflection.v1}),
 * without blocking: one reflection stream asks for the file of each service, then for any
 * imported file the server did not send along, until every file is there.
 */
final class ReflectionDescriptorSource implements DescriptorSource {

	private final Channel channel;

	private final String target;

	private final Duration timeout;

	ReflectionDescriptorSource(Channel channel, String target, Duration timeout) {
		this.channel = channel;
		this.target = target;
		this.timeout = timeout;
	}

	@Override
	public CompletableFuture<Map<String, Descriptors.ServiceDescriptor>> services(Set<String> serviceNames) {
		Exchange exchange = new Exchange();
		StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(this.channel)
			.withDeadlineAfter(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
			.serverReflectionInfo(exchange);
		exchange.start(requests, serviceNames);
		return exchange.files.thenApply((files) -> {
			try {
				return DescriptorFiles.services(files.values());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(describe() + " " + ex.getMessage(), ex);
			}
		});
	}

	@Override
	public String describe() {
		return "the server reflection of " + this.target;
	}

	@Override
	public boolean isRetryable() {
		return true;
	}

	/**
	 * One reflection stream. The server answers each request with one response, in order;
	 * requests are sent under the same lock that handles responses, so the outgoing stream is
	 * never used by two threads at once.
	 */
	private static final class Exchange implements StreamObserver<ServerReflectionResponse> {

		final CompletableFuture<Map<String, FileDescriptorProto>> files = new CompletableFuture<>();

		private final Map<String, FileDescriptorProto> received = new LinkedHashMap<>();

		private final Set<String> requestedFiles = new HashSet<>();

		private StreamObserver<ServerReflectionRequest> requests;

		private int outstanding;

		synchronized void start(StreamObserver<ServerReflectionRequest> requests, Set<String> serviceNames) {
			this.requests = requests;
			for (String service : serviceNames) {
				send(ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build());
			}
			finishIfDone();
		}

		@Override
		public synchronized void onNext(ServerReflectionResponse response) {
			this.outstanding--;
			if (response.hasErrorResponse()) {
				ServerReflectionRequest asked = response.getOriginalRequest();
				if (asked.hasFileByFilename()) {
					fail(Status.fromCodeValue(response.getErrorResponse().getErrorCode())
						.withDescription("server reflection has no file " + asked.getFileByFilename() + ": "
								+ response.getErrorResponse().getErrorMessage()));
					return;
				}
				// An unknown service: its routes are reported when they are compiled.
			}
			else {
				for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
					try {
						FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes);
						this.received.putIfAbsent(file.getName(), file);
					}
					catch (InvalidProtocolBufferException ex) {
						fail(Status.INTERNAL.withDescription("server reflection sent an unreadable descriptor: "
								+ ex.getMessage()));
						return;
					}
				}
				// Only once the whole response is in: it often carries the imports too.
				for (FileDescriptorProto file : Set.copyOf(this.received.values())) {
					for (String dependency : file.getDependencyList()) {
						if (!this.received.containsKey(dependency) && this.requestedFiles.add(dependency)) {
							send(ServerReflectionRequest.newBuilder().setFileByFilename(dependency).build());
						}
					}
				}
			}
			finishIfDone();
		}

		@Override
		public synchronized void onError(Throwable failure) {
			this.files.completeExceptionally(failure);
		}

		@Override
		public synchronized void onCompleted() {
			this.files.completeExceptionally(Status.INTERNAL
				.withDescription("server reflection ended the stream before answering every request")
				.asRuntimeException());
		}

		private void send(ServerReflectionRequest request) {
			this.outstanding++;
			this.requests.onNext(request);
		}

		private void finishIfDone() {
			if (this.outstanding == 0 && !this.files.isDone()) {
				this.files.complete(Map.copyOf(this.received));
				this.requests.onCompleted();
			}
		}

		private void fail(Status status) {
			this.files.completeExceptionally(status.asRuntimeException());
			this.requests.onError(status.asRuntimeException());
		}

	}

}

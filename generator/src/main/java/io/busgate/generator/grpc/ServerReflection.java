package io.busgate.generator.grpc;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import io.busgate.generator.model.SourceException;

/**
 * A blocking client of a server's reflection service over a plaintext channel: one short
 * reflection stream per question, each with the deadline. {@code grpc.reflection.v1alpha} has the
 * same messages on the wire, so a server with only that is asked the same questions under its
 * method name.
 */
final class ServerReflection implements AutoCloseable {

	private static final Pattern HOST_PORT = Pattern.compile(".+:\\d{1,5}");

	private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1 = ServerReflectionGrpc
		.getServerReflectionInfoMethod();

	private static final MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> V1ALPHA = V1.toBuilder()
		.setFullMethodName(io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServerReflectionInfoMethod()
			.getFullMethodName())
		.build();

	private final ManagedChannel channel;

	private final String target;

	private final Duration deadline;

	private MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> method = V1;

	private ServerReflection(ManagedChannel channel, String target, Duration deadline) {
		this.channel = channel;
		this.target = target;
		this.deadline = deadline;
	}

	static ServerReflection connect(String target, Duration deadline) {
		if (target == null || !HOST_PORT.matcher(target).matches()) {
			throw new SourceException("A gRPC target is host:port, not '" + target + "'");
		}
		return new ServerReflection(NettyChannelBuilder.forTarget(target).usePlaintext().build(), target, deadline);
	}

	/** The full names of the services the server lists. */
	List<String> services() {
		ServerReflectionResponse response = ask(ServerReflectionRequest.newBuilder().setListServices("").build());
		return response.getListServicesResponse().getServiceList().stream().map(ServiceResponse::getName).toList();
	}

	/** The file defining the service and every file it imports, directly or not. */
	List<FileDescriptorProto> filesDefining(String service) {
		Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
		Deque<String> missing = new ArrayDeque<>();
		add(ask(ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build()), files, missing);
		while (!missing.isEmpty()) {
			String name = missing.pop();
			if (!files.containsKey(name)) {
				add(ask(ServerReflectionRequest.newBuilder().setFileByFilename(name).build()), files, missing);
			}
		}
		return List.copyOf(files.values());
	}

	private void add(ServerReflectionResponse response, Map<String, FileDescriptorProto> files, Deque<String> missing) {
		for (ByteString bytes : response.getFileDescriptorResponse().getFileDescriptorProtoList()) {
			FileDescriptorProto file;
			try {
				file = FileDescriptorProto.parseFrom(bytes);
			}
			catch (InvalidProtocolBufferException ex) {
				throw new SourceException(where() + " sent an unreadable descriptor: " + ex.getMessage(), ex);
			}
			files.putIfAbsent(file.getName(), file);
			missing.addAll(file.getDependencyList());
		}
	}

	private ServerReflectionResponse ask(ServerReflectionRequest request) {
		ServerReflectionResponse response;
		try {
			response = call(request);
		}
		catch (StatusRuntimeException ex) {
			if (ex.getStatus().getCode() != Status.Code.UNIMPLEMENTED || this.method == V1ALPHA) {
				throw failure(ex.getStatus(), ex);
			}
			this.method = V1ALPHA;
			try {
				response = call(request);
			}
			catch (StatusRuntimeException alpha) {
				throw failure(alpha.getStatus(), alpha);
			}
		}
		if (response.hasErrorResponse()) {
			throw new SourceException(where() + " could not answer " + describe(request) + ": "
					+ Status.fromCodeValue(response.getErrorResponse().getErrorCode()).getCode() + " "
					+ response.getErrorResponse().getErrorMessage());
		}
		return response;
	}

	private ServerReflectionResponse call(ServerReflectionRequest request) {
		ClientCall<ServerReflectionRequest, ServerReflectionResponse> call = this.channel.newCall(this.method,
				CallOptions.DEFAULT.withDeadlineAfter(this.deadline.toNanos(), TimeUnit.NANOSECONDS));
		CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
		StreamObserver<ServerReflectionRequest> requests = ClientCalls.asyncBidiStreamingCall(call,
				new StreamObserver<>() {

					@Override
					public void onNext(ServerReflectionResponse response) {
						answer.complete(response);
					}

					@Override
					public void onError(Throwable failure) {
						answer.completeExceptionally(failure);
					}

					@Override
					public void onCompleted() {
						answer.completeExceptionally(Status.INTERNAL
							.withDescription("the reflection stream ended without an answer")
							.asRuntimeException());
					}

				});
		requests.onNext(request);
		requests.onCompleted();
		try {
			// The call's deadline ends it; the wait's own bound only guards against a lost signal.
			return answer.get(this.deadline.toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof StatusRuntimeException status) ? status
					: Status.fromThrowable(ex.getCause()).asRuntimeException();
		}
		catch (TimeoutException ex) {
			call.cancel("no answer", ex);
			throw Status.DEADLINE_EXCEEDED.asRuntimeException();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			call.cancel("interrupted", ex);
			throw new IllegalStateException("Interrupted while asking " + where(), ex);
		}
	}

	private SourceException failure(Status status, Exception cause) {
		String message = switch (status.getCode()) {
			case UNAVAILABLE -> "Cannot reach " + this.target + " for its server reflection: " + status.getDescription();
			case DEADLINE_EXCEEDED -> where() + " did not answer within " + this.deadline;
			case UNIMPLEMENTED -> this.target + " serves no gRPC server reflection (grpc.reflection.v1 nor v1alpha)";
			default -> where() + " failed: " + status.getCode() + " " + status.getDescription();
		};
		return new SourceException(message, cause);
	}

	private static String describe(ServerReflectionRequest request) {
		return switch (request.getMessageRequestCase()) {
			case FILE_CONTAINING_SYMBOL -> "the file defining " + request.getFileContainingSymbol();
			case FILE_BY_FILENAME -> "the file " + request.getFileByFilename();
			default -> "the list of services";
		};
	}

	private String where() {
		return "the server reflection of " + this.target;
	}

	@Override
	public void close() {
		this.channel.shutdownNow();
	}

}

package io.busgate.examples.post;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import io.busgate.examples.post.v1.GetPostsRequest;
import io.busgate.examples.post.v1.PostServiceGrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole application with its real configuration ({@code post-service.yml}, 10,000 users),
 * its gRPC server on a free loopback port (Netty) and its actuator on a free HTTP port.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=post-service", "spring.grpc.server.port=0" })
class PostServiceApplicationTests {

	@Autowired
	private PostServiceProperties properties;

	@Autowired
	private GrpcServerLifecycle grpcServer;

	@LocalServerPort
	private int httpPort;

	private ManagedChannel channel;

	@BeforeEach
	void connect() {
		this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", this.grpcServer.getPort()).usePlaintext().build();
	}

	@AfterEach
	void disconnect() throws InterruptedException {
		this.channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

	@Test
	void usesTheDefaultConfiguration() {
		assertThat(this.properties).isEqualTo(PostServiceProperties.defaults());
	}

	@Test
	void servesPostsOverGrpc() {
		var posts = PostServiceGrpc.newBlockingStub(this.channel)
			.withDeadlineAfter(5, TimeUnit.SECONDS)
			.getPosts(GetPostsRequest.newBuilder().addIds("1").addIds("20000").addIds("20001").build())
			.getPostsList();

		assertThat(posts).extracting("id").containsExactly("1", "20000");
		assertThat(posts.get(0).getAuthorId()).isEqualTo("1");
		assertThat(posts.get(1).getAuthorId()).isEqualTo("9999");
	}

	@Test
	void reportsServingThroughGrpcHealthChecking() {
		HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(this.channel);

		for (String service : List.of("", PostServiceGrpc.SERVICE_NAME)) {
			await().untilAsserted(() -> assertThat(health.withDeadlineAfter(5, TimeUnit.SECONDS)
				.check(HealthCheckRequest.newBuilder().setService(service).build())
				.getStatus()).isEqualTo(ServingStatus.SERVING));
		}
	}

	@Test
	void describesItselfThroughServerReflection() throws Exception {
		ServerReflectionResponse services = reflect(
				ServerReflectionRequest.newBuilder().setListServices("").build());
		ServerReflectionResponse file = reflect(
				ServerReflectionRequest.newBuilder().setFileContainingSymbol(PostServiceGrpc.SERVICE_NAME).build());

		assertThat(services.getListServicesResponse().getServiceList()).extracting(ServiceResponse::getName)
			.contains(PostServiceGrpc.SERVICE_NAME, "grpc.health.v1.Health");
		List<String> files = file.getFileDescriptorResponse()
			.getFileDescriptorProtoList()
			.stream()
			.map((bytes) -> parse(bytes.toByteArray()).getName())
			.toList();
		assertThat(files).contains("busgate/post/v1/post_service.proto", "google/protobuf/timestamp.proto");
	}

	@Test
	void readinessAndLivenessProbesAreUp() throws Exception {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		for (String probe : List.of("readiness", "liveness")) {
			HttpResponse<String> response = http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + "/actuator/health/" + probe))
				.timeout(Duration.ofSeconds(5))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("\"status\":\"UP\"");
		}
	}

	private ServerReflectionResponse reflect(ServerReflectionRequest request) throws Exception {
		CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
		StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(this.channel)
			.withDeadlineAfter(5, TimeUnit.SECONDS)
			.serverReflectionInfo(new StreamObserver<>() {

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
				}

			});
		requests.onNext(request);
		requests.onCompleted();
		return answer.get(10, TimeUnit.SECONDS);
	}

	private static FileDescriptorProto parse(byte[] bytes) {
		try {
			return FileDescriptorProto.parseFrom(bytes);
		}
		catch (com.google.protobuf.InvalidProtocolBufferException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

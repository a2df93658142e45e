package io.busgate.bridge.grpc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.google.protobuf.Timestamp;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.binder.grpc.ObservationGrpcClientInterceptor;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import tools.jackson.databind.json.JsonMapper;

import io.busgate.bridge.BackendClient;
import io.busgate.bus.BusRequest;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bridge.grpc.testproto.CatalogOuterClass;
import io.busgate.bridge.grpc.testproto.GetItemsResponse;
import io.busgate.bridge.grpc.testproto.Item;
import io.busgate.bridge.grpc.testproto.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not a check of behaviour, so its name keeps it out of the build's test run:
 * the CPU the process spends per {@code catalog.getItems} call of the whole grpc-bridge app's
 * backend client (its observation registry and tracing as configured), the tests' backend
 * ({@link CatalogBackend}) included, each call under an unsampled trace as most are. Run it alone:
 * {@code -Dtest=GrpcCallCpuCost}.
 */
@EmbeddedKafka(partitions = 1)
class GrpcCallCpuCost {

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void cpuPerCall(EmbeddedKafkaBroker broker) throws Exception {
		try (CatalogBackend backend = CatalogBackend.start(0);
				ConfigurableApplicationContext bridge = GrpcBridgeApplication.application()
					.run(CatalogBackend.ROUTES_ARGUMENT, "--busgate.bridge.grpc.target=" + backend.target(),
							"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(), "--server.port=0",
							"--management.tracing.sampling.probability=0.01", "--spring.main.banner-mode=off",
							"--logging.level.root=warn")) {
			OpenTelemetry openTelemetry = bridge.getBean(OpenTelemetry.class);
			ObservationRegistry observations = bridge.getBean(ObservationRegistry.class);
			CallCpuCost cost = new CallCpuCost(openTelemetry);
			cost.compare("gRPC client observation of every call",
					interceptedCalls(new ObservationGrpcClientInterceptor(observations)),
					"of sampled calls only", interceptedCalls(new SampledCallObservation(observations,
							openTelemetry.getPropagators().getTextMapPropagator())));
			GrpcRoute route = new GrpcRoute("catalog.getItems", CatalogBackend.routes().get("catalog.getItems"),
					Map.of(CatalogBackend.SERVICE, CatalogOuterClass.getDescriptor().findServiceByName("Catalog")),
					JsonMapper.builder().build());
			Item item = Item.newBuilder()
				.setId("1")
				.setDisplayName("A name of a few words")
				.setSize(1234)
				.addTags("tag")
				.setKind(Kind.BOOK)
				.setCreatedAt(Timestamp.newBuilder().setSeconds(1_700_000_000))
				.build();
			GetItemsResponse response = GetItemsResponse.newBuilder().addItems(item).build();
			cost.compare("the request's message and the response's items (GrpcRoute)", () -> {
				BusRequest request = request();
				route.request(request);
				return CompletableFuture.completedFuture(route.items(request, response));
			}, "the request alone", () -> CompletableFuture.completedFuture(request()));
			BackendClient client = bridge.getBean(BackendClient.class);
			List<Object> answer = cost.measure("grpc catalog.getItems", () -> client.call(request()));
			assertThat(answer).hasSize(1);
		}
	}

	/**
	 * Unary calls through an interceptor to a channel that answers at once, without a network:
	 * what the interceptor adds to a call, and nothing else.
	 */
	private static Supplier<CompletableFuture<String>> interceptedCalls(ClientInterceptor interceptor) {
		Channel channel = ClientInterceptors.intercept(new AnsweringChannel(), interceptor);
		MethodDescriptor<String, String> method = MethodDescriptor.<String, String>newBuilder()
			.setType(MethodDescriptor.MethodType.UNARY)
			.setFullMethodName(CatalogBackend.SERVICE + "/GetItems")
			.setRequestMarshaller(new TextMarshaller())
			.setResponseMarshaller(new TextMarshaller())
			.build();
		return () -> {
			CompletableFuture<String> answer = new CompletableFuture<>();
			ClientCalls.asyncUnaryCall(
					channel.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)), "1",
					new StreamObserver<>() {

						@Override
						public void onNext(String value) {
							answer.complete(value);
						}

						@Override
						public void onError(Throwable failure) {
							answer.completeExceptionally(failure);
						}

						@Override
						public void onCompleted() {
						}

					});
			return answer;
		};
	}

	private static BusRequest request() {
		return new BusRequest(new RequestHeaders(CorrelationIds.next(), "catalog.getItems", "gateway.replies.t",
				Instant.now().plus(Duration.ofSeconds(10)), null), List.of("1"), Map.of());
	}

	/** Answers every call with its request as soon as it is half-closed. */
	private static final class AnsweringChannel extends Channel {

		@Override
		public <Q, A> ClientCall<Q, A> newCall(MethodDescriptor<Q, A> method, CallOptions options) {
			return new ClientCall<>() {

				private Listener<A> listener;

				private Q request;

				@Override
				public void start(Listener<A> listener, Metadata headers) {
					this.listener = listener;
				}

				@Override
				public void request(int messages) {
				}

				@Override
				public void cancel(String message, Throwable cause) {
				}

				@Override
				public void halfClose() {
					this.listener.onHeaders(new Metadata());
					this.listener.onMessage(method.parseResponse(method.streamRequest(this.request)));
					this.listener.onClose(Status.OK, new Metadata());
				}

				@Override
				public void sendMessage(Q message) {
					this.request = message;
				}

			};
		}

		@Override
		public String authority() {
			return "127.0.0.1:9090";
		}

	}

	private static final class TextMarshaller implements MethodDescriptor.Marshaller<String> {

		@Override
		public InputStream stream(String value) {
			return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String parse(InputStream stream) {
			try {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}

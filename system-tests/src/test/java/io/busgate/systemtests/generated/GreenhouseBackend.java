package io.busgate.systemtests.generated;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Message;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.StreamObserver;

import io.busgate.backend.BackendContract;
import io.busgate.systemtests.generated.greenhouse.AddPlantRequest;
import io.busgate.systemtests.generated.greenhouse.Bed;
import io.busgate.systemtests.generated.greenhouse.BedPlants;
import io.busgate.systemtests.generated.greenhouse.GetBedsRequest;
import io.busgate.systemtests.generated.greenhouse.GetBedsResponse;
import io.busgate.systemtests.generated.greenhouse.GetPlantsRequest;
import io.busgate.systemtests.generated.greenhouse.GetPlantsResponse;
import io.busgate.systemtests.generated.greenhouse.GreenhouseGrpc;
import io.busgate.systemtests.generated.greenhouse.ListPlantsByBedRequest;
import io.busgate.systemtests.generated.greenhouse.ListPlantsByBedResponse;
import io.busgate.systemtests.generated.greenhouse.Plant;
import io.busgate.systemtests.generated.greenhouse.Stage;

/**
 * A gRPC backend the project does not know, for the system test of what the generator writes:
 * the {@code Greenhouse} service of {@code src/test/proto/busgate/greenhouse/v1/greenhouse.proto}
 * on a Netty server on loopback, with server reflection ({@code grpc.reflection.v1}, the
 * generator's and grpc-bridge's source) and health checking. It records every request each of
 * its methods got, so a test can check one call per GraphQL level.
 *
 * <p>Seeded: beds {@code b1} "Herbs" (plants {@code p1} Basil, {@code p2} Mint, {@code p4}
 * Thyme), {@code b2} "Roses" ({@code p3} Rose) and {@code b3} "Fallow" (none). {@code AddPlant}
 * adds {@code p5}, {@code p6}, ... once per idempotency key.
 */
public final class GreenhouseBackend implements AutoCloseable {

	/** The service's full name. */
	public static final String SERVICE = "busgate.greenhouse.v1.Greenhouse";

	private static final Metadata.Key<String> IDEMPOTENCY_KEY_METADATA = Metadata.Key
		.of(BackendContract.IDEMPOTENCY_KEY, Metadata.ASCII_STRING_MARSHALLER);

	private static final Context.Key<String> IDEMPOTENCY_KEY = Context.key("idempotency key");

	private final Map<String, List<Message>> requests = new ConcurrentHashMap<>();

	/** Beds and plants by id, in the order they were made; guarded by {@code this}. */
	private final Map<String, Bed> beds = new LinkedHashMap<>();

	private final Map<String, Plant> plants = new LinkedHashMap<>();

	/** The plant each idempotency key created; guarded by {@code this}. */
	private final Map<String, Plant> created = new LinkedHashMap<>();

	private Server server;

	public GreenhouseBackend() {
		bed("b1", "Herbs", 6);
		bed("b2", "Roses", 12);
		bed("b3", "Fallow", 4);
		plant(Plant.newBuilder()
			.setName("Basil")
			.setSpecies(species("Ocimum", "basilicum"))
			.setStage(Stage.GROWING)
			.addTags("kitchen")
			.addTags("annual")
			.setCare(care(1, Plant.Care.Light.FULL_SUN))
			.setBedId("b1"));
		plant(Plant.newBuilder()
			.setName("Mint")
			.setSpecies(species("Mentha", "spicata"))
			.setStage(Stage.FLOWERING)
			.addTags("kitchen")
			.setCare(care(2, Plant.Care.Light.PARTIAL))
			.setBedId("b1"));
		plant(Plant.newBuilder()
			.setName("Rose")
			.setSpecies(species("Rosa", "gallica"))
			.setStage(Stage.FLOWERING)
			.setCare(care(3, Plant.Care.Light.FULL_SUN))
			.setBedId("b2"));
		plant(Plant.newBuilder()
			.setName("Thyme")
			.setSpecies(species("Thymus", "vulgaris"))
			.setStage(Stage.SEEDLING)
			.addTags("kitchen")
			.addTags("perennial")
			.setCare(care(4, Plant.Care.Light.FULL_SUN))
			.setBedId("b1"));
	}

	/**
	 * Starts the server on a free loopback port.
	 * @return the port
	 */
	public int start() throws IOException {
		this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
			.addService(ServerInterceptors.intercept(new Greenhouse(), new Recorder()))
			.addService(ProtoReflectionServiceV1.newInstance())
			.addService(new HealthStatusManager().getHealthService())
			.build()
			.start();
		return this.server.getPort();
	}

	/** {@code 127.0.0.1:<port>} of the started server. */
	public String target() {
		return "127.0.0.1:" + this.server.getPort();
	}

	/** How many calls the method ({@code GetPlants}) got. */
	public int calls(String method) {
		return requests(method).size();
	}

	/** The requests the method ({@code GetPlants}) got, in order. */
	public List<Message> requests(String method) {
		return List.copyOf(this.requests.getOrDefault(method, List.of()));
	}

	/** Forgets the requests recorded so far, so a test counts only its own. */
	public void clearRequests() {
		this.requests.clear();
	}

	/** The plants there are now, seeded and added, by id. */
	public synchronized Map<String, Plant> plants() {
		return Map.copyOf(this.plants);
	}

	@Override
	public void close() throws InterruptedException {
		if (this.server != null) {
			this.server.shutdownNow();
			this.server.awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	private void bed(String id, String name, int area) {
		this.beds.put(id, Bed.newBuilder().setId(id).setName(name).setAreaSquareMeters(area).build());
	}

	private Plant plant(Plant.Builder plant) {
		Plant added = plant.setId("p" + (this.plants.size() + 1)).build();
		this.plants.put(added.getId(), added);
		return added;
	}

	private static Plant.Species species(String genus, String epithet) {
		return Plant.Species.newBuilder().setGenus(genus).setEpithet(epithet).build();
	}

	private static Plant.Care care(int waterEveryDays, Plant.Care.Light light) {
		return Plant.Care.newBuilder().setWaterEveryDays(waterEveryDays).setLight(light).build();
	}

	private final class Greenhouse extends GreenhouseGrpc.GreenhouseImplBase {

		@Override
		public void getPlants(GetPlantsRequest request, StreamObserver<GetPlantsResponse> responses) {
			GetPlantsResponse.Builder response = GetPlantsResponse.newBuilder();
			synchronized (GreenhouseBackend.this) {
				request.getIdsList()
					.stream()
					.map(GreenhouseBackend.this.plants::get)
					.filter((plant) -> plant != null)
					.forEach(response::addPlants);
			}
			answer(responses, response.build());
		}

		@Override
		public void getBeds(GetBedsRequest request, StreamObserver<GetBedsResponse> responses) {
			GetBedsResponse.Builder response = GetBedsResponse.newBuilder();
			synchronized (GreenhouseBackend.this) {
				request.getIdsList()
					.stream()
					.map(GreenhouseBackend.this.beds::get)
					.filter((bed) -> bed != null)
					.forEach(response::addBeds);
			}
			answer(responses, response.build());
		}

		@Override
		public void listPlantsByBed(ListPlantsByBedRequest request, StreamObserver<ListPlantsByBedResponse> responses) {
			ListPlantsByBedResponse.Builder response = ListPlantsByBedResponse.newBuilder();
			synchronized (GreenhouseBackend.this) {
				for (String bedId : request.getBedIdsList()) {
					response.addBeds(BedPlants.newBuilder()
						.setBedId(bedId)
						.addAllPlants(GreenhouseBackend.this.plants.values()
							.stream()
							.filter((plant) -> plant.getBedId().equals(bedId))
							.toList()));
				}
			}
			answer(responses, response.build());
		}

		@Override
		public void addPlant(AddPlantRequest request, StreamObserver<Plant> responses) {
			if (request.getName().isBlank()) {
				responses.onError(Status.INVALID_ARGUMENT.withDescription("a plant needs a name").asRuntimeException());
				return;
			}
			Plant plant;
			synchronized (GreenhouseBackend.this) {
				if (!GreenhouseBackend.this.beds.containsKey(request.getBedId())) {
					responses.onError(Status.NOT_FOUND.withDescription("no bed " + request.getBedId()).asRuntimeException());
					return;
				}
				String key = IDEMPOTENCY_KEY.get();
				plant = (key != null) ? GreenhouseBackend.this.created.get(key) : null;
				if (plant == null) {
					plant = plant(Plant.newBuilder()
						.setName(request.getName())
						.setSpecies(request.getSpecies())
						.setStage(request.getStage())
						.setBedId(request.getBedId()));
					if (key != null) {
						GreenhouseBackend.this.created.put(key, plant);
					}
				}
			}
			answer(responses, plant);
		}

		private static <T> void answer(StreamObserver<T> responses, T response) {
			responses.onNext(response);
			responses.onCompleted();
		}

	}

	/** Records each request by its method's name and puts the idempotency key in the context. */
	private final class Recorder implements ServerInterceptor {

		@Override
		public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
				ServerCallHandler<Q, A> next) {
			String method = call.getMethodDescriptor().getBareMethodName();
			Context context = Context.current().withValue(IDEMPOTENCY_KEY, headers.get(IDEMPOTENCY_KEY_METADATA));
			return new SimpleForwardingServerCallListener<>(Contexts.interceptCall(context, call, headers, next)) {

				@Override
				public void onMessage(Q request) {
					GreenhouseBackend.this.requests.computeIfAbsent(method, (name) -> new CopyOnWriteArrayList<>())
						.add((Message) request);
					super.onMessage(request);
				}

			};
		}

	}

}

package io.busgate.systemtests.generated;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TServer;
import org.apache.thrift.server.TThreadPoolServer;
import org.apache.thrift.transport.TServerSocket;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;

import io.busgate.systemtests.generated.garden.Bed;
import io.busgate.systemtests.generated.garden.Care;
import io.busgate.systemtests.generated.garden.Garden;
import io.busgate.systemtests.generated.garden.Health;
import io.busgate.systemtests.generated.garden.InvalidArgument;
import io.busgate.systemtests.generated.garden.Plant;
import io.busgate.systemtests.generated.garden.PlantRequest;

import static org.awaitility.Awaitility.await;

/**
 * A real Thrift server of {@code src/test/thrift/garden.thrift}, a service Busgate was not
 * written for, from classes generated at test scope: {@code TFramedTransport} with
 * {@code TBinaryProtocol} on a free loopback port, as message-service serves. It counts the calls
 * of each function, so a test can check one call per GraphQL level.
 *
 * <p>Seeded with plants {@code p1} (companions {@code p2}, {@code p3}), {@code p2} (companion
 * {@code p1}) and {@code p3} (none). {@code getPlants} answers the plants that exist, in reverse
 * request order (the bridge matches them by {@code id}); {@code addPlant} plants {@code p4},
 * {@code p5}... and answers a repeated {@code idempotencyKey} with the plant it planted first.
 */
public final class GardenThriftBackend implements Garden.Iface, AutoCloseable {

	/** {@code plantedAt} of the seeded plants: beyond a double's exact integers, so rounding shows. */
	public static final long PLANTED_AT = 9_007_199_254_740_993L;

	private final Map<String, Plant> plants = new ConcurrentHashMap<>();

	private final Map<String, Plant> byIdempotencyKey = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	private final AtomicInteger nextId = new AtomicInteger(4);

	private TServer server;

	public GardenThriftBackend() {
		seed(new Plant("p1", "tomato", Health.THRIVING, new Bed("north", 1), new Care(2, List.of("stake it")),
				List.of("p2", "p3"), PLANTED_AT));
		seed(new Plant("p2", "basil", Health.WILTING, new Bed("north", 2), new Care(1, List.of()), List.of("p1"),
				PLANTED_AT));
		seed(new Plant("p3", "marigold", Health.DORMANT, new Bed("south", 1),
				new Care(7, List.of("deadhead", "keeps pests away")), List.of(), PLANTED_AT));
	}

	private void seed(Plant plant) {
		this.plants.put(plant.getId(), plant);
	}

	/**
	 * Starts serving on a free loopback port.
	 * @return the port
	 */
	public synchronized int start() throws TTransportException {
		if (this.server != null) {
			throw new IllegalStateException("already started");
		}
		TServerSocket socket = new TServerSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		this.server = new TThreadPoolServer(new TThreadPoolServer.Args(socket).processor(new Garden.Processor<>(this))
			.protocolFactory(new TBinaryProtocol.Factory())
			.transportFactory(new TFramedTransport.Factory()));
		Thread serving = new Thread(this.server::serve, "garden-thrift-backend");
		serving.setDaemon(true);
		serving.start();
		await().until(this.server::isServing);
		return socket.getServerSocket().getLocalPort();
	}

	/** How many times the function was called. */
	public int calls(String function) {
		AtomicInteger count = this.calls.get(function);
		return (count != null) ? count.get() : 0;
	}

	@Override
	public List<Plant> getPlants(List<String> ids) throws InvalidArgument {
		called("getPlants");
		if (ids.size() > 100) {
			throw new InvalidArgument("at most 100 ids, got " + ids.size());
		}
		List<Plant> found = new ArrayList<>();
		for (String id : ids) {
			Plant plant = this.plants.get(id);
			if (plant != null) {
				found.add(0, plant.deepCopy());
			}
		}
		return found;
	}

	@Override
	public synchronized Plant addPlant(PlantRequest request) throws InvalidArgument {
		called("addPlant");
		if (request.getSpecies().isBlank()) {
			throw new InvalidArgument("species must not be blank");
		}
		if (request.getIdempotencyKey() != null) {
			Plant planted = this.byIdempotencyKey.get(request.getIdempotencyKey());
			if (planted != null) {
				return planted.deepCopy();
			}
		}
		Plant plant = new Plant("p" + this.nextId.getAndIncrement(), request.getSpecies(), Health.THRIVING,
				request.getBed(), new Care(3, List.of()), List.of(), System.currentTimeMillis());
		this.plants.put(plant.getId(), plant);
		if (request.getIdempotencyKey() != null) {
			this.byIdempotencyKey.put(request.getIdempotencyKey(), plant);
		}
		return plant.deepCopy();
	}

	private void called(String function) {
		this.calls.computeIfAbsent(function, (name) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public synchronized void close() {
		if (this.server != null) {
			this.server.stop();
		}
	}

}

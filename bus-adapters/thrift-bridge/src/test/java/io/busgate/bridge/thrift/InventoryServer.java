package io.busgate.bridge.thrift;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.example.inventory.Adjustment;
import com.example.inventory.Condition;
import com.example.inventory.Inventory;
import com.example.inventory.Location;
import com.example.inventory.Money;
import com.example.inventory.OutOfStock;
import com.example.inventory.PermissionDenied;
import com.example.inventory.StockItem;
import com.example.inventory.UnknownSku;
import io.opentelemetry.api.OpenTelemetry;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TServer;
import org.apache.thrift.server.TThreadPoolServer;
import org.apache.thrift.transport.TServerSocket;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;

import io.busgate.observability.thrift.ThriftPrincipal;
import io.busgate.observability.thrift.ThriftServerTracing;

import static org.awaitility.Awaitility.await;

/**
 * A real Thrift server of the test IDL src/test/thrift/inventory.thrift on a free loopback port,
 * from classes generated for the tests only: a service the bridge was not built with. It reads
 * the principal the bridge sends ({@link ThriftServerTracing}), lets only a known caller adjust
 * stock, and applies each adjustment once per request id. Closing it closes its connections too,
 * as a stopped process would.
 */
final class InventoryServer implements Inventory.Iface, AutoCloseable {

	/** An item whose answer is larger than 1 KB. */
	static final String LARGE_SKU = "sku-large";

	/** An i64 beyond a double's exact integers: it must reach the caller unrounded. */
	static final long FIRST_VERSION = 9_007_199_254_740_993L;

	/** Principals of the calls served, in order; {@code "-"} for an anonymous one. */
	final List<String> principals = new CopyOnWriteArrayList<>();

	/** Adjustments applied (not answered from a repeated request id). */
	final List<Adjustment> applied = new CopyOnWriteArrayList<>();

	private final Map<String, StockItem> items = new ConcurrentHashMap<>();

	private final Map<String, StockItem> byRequestId = new ConcurrentHashMap<>();

	private final List<TSocket> connections = new CopyOnWriteArrayList<>();

	private final TServer server;

	private final int port;

	/** A server on a free port. */
	InventoryServer() throws TTransportException {
		this(0);
	}

	/** A server on this port, 0 for a free one. */
	InventoryServer(int port) throws TTransportException {
		this.items.put("sku-1", new StockItem("sku-1", "Kettle", Condition.NEW, new Money(1999, "EUR"),
				List.of(new Location("A", (short) 3)), Set.of("kitchen"), Map.of("north", 3), FIRST_VERSION));
		this.items.put("sku-2", new StockItem("sku-2", "Lamp", Condition.REFURBISHED, new Money(4500, "CHF"),
				List.of(new Location("B", (short) 1), new Location("C", (short) 12)), Set.of(), Map.of(), 1)
			.setPhoto(new byte[] { 7, 8, 9 }));
		this.items.put(LARGE_SKU, new StockItem(LARGE_SKU, "z".repeat(1500), Condition.USED, new Money(1, "EUR"),
				List.of(), Set.of(), Map.of(), 1));
		TServerSocket socket = new TServerSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)) {

			@Override
			public TSocket accept() throws TTransportException {
				TSocket connection = super.accept();
				InventoryServer.this.connections.add(connection);
				return connection;
			}

		};
		this.port = socket.getServerSocket().getLocalPort();
		ThriftServerTracing tracing = new ThriftServerTracing(OpenTelemetry.noop(), "Inventory");
		this.server = new TThreadPoolServer(new TThreadPoolServer.Args(socket)
			.processor(tracing.processor(new Inventory.Processor<>(this)))
			.protocolFactory(tracing.protocolFactory(new TBinaryProtocol.Factory()))
			.transportFactory(new TFramedTransport.Factory()));
		Thread serving = new Thread(this.server::serve, "inventory-server");
		serving.setDaemon(true);
		serving.start();
		await().until(this.server::isServing);
	}

	int port() {
		return this.port;
	}

	@Override
	public List<StockItem> getItems(List<String> skus, boolean withPhotos) {
		served();
		List<StockItem> found = new ArrayList<>();
		for (String sku : skus) {
			StockItem item = this.items.get(sku);
			if (item != null) {
				StockItem answered = item.deepCopy();
				if (!withPhotos) {
					answered.unsetPhoto();
				}
				// In no particular order: the bridge matches items to keys by sku.
				found.add(0, answered);
			}
		}
		return found;
	}

	@Override
	public synchronized StockItem adjust(Adjustment adjustment) throws UnknownSku, OutOfStock, PermissionDenied {
		if (served() == null) {
			throw new PermissionDenied("permission denied: an anonymous caller may not adjust stock");
		}
		StockItem before = (adjustment.getRequestId() != null) ? this.byRequestId.get(adjustment.getRequestId()) : null;
		if (before != null) {
			return before;
		}
		StockItem item = this.items.get(adjustment.getSku());
		if (item == null) {
			throw new UnknownSku("no item with sku '" + adjustment.getSku() + "'", adjustment.getSku());
		}
		int available = item.getCountByWarehouse().getOrDefault("north", 0);
		if (available + adjustment.getDelta() < 0) {
			throw new OutOfStock(adjustment.getSku(), available);
		}
		StockItem after = item.deepCopy();
		after.putToCountByWarehouse("north", available + adjustment.getDelta());
		after.setVersion(item.getVersion() + 1);
		this.items.put(after.getSku(), after);
		this.applied.add(adjustment);
		if (adjustment.getRequestId() != null) {
			this.byRequestId.put(adjustment.getRequestId(), after);
		}
		return after;
	}

	@Override
	public void audit(String note) {
		served();
	}

	/** Records the call's principal and answers it, {@code null} for an anonymous call. */
	private String served() {
		String principal = ThriftPrincipal.current();
		this.principals.add((principal != null) ? principal : "-");
		return principal;
	}

	@Override
	public void close() {
		this.server.stop();
		this.connections.forEach(TSocket::close);
	}

}

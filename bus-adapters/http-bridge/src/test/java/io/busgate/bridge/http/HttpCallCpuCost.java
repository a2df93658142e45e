package io.busgate.bridge.http;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

import io.busgate.bridge.BackendClient;
import io.busgate.bus.BusRequest;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A measurement, not a check of behaviour, so its name keeps it out of the build's test run:
 * the CPU the process spends per {@code shop.getItems} call of the whole http-bridge app's
 * backend client (its observation registry and tracing as configured), the loopback HTTP
 * server included, each call under an unsampled trace as most are. Run it alone:
 * {@code -Dtest=HttpCallCpuCost}.
 */
@EmbeddedKafka(partitions = 1)
class HttpCallCpuCost {

	private static final int CALLS = 3000;

	private static final int IN_FLIGHT = 8;

	private static final Map<String, String> ITEM = Map.of("id", "1", "name", "an item");

	/** Calls that did not answer the item: a measurement of failing calls would be worthless. */
	private final AtomicInteger wrong = new AtomicInteger();

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void cpuPerCall(EmbeddedKafkaBroker broker) throws Exception {
		HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		backend.createContext("/items/", HttpCallCpuCost::serve);
		backend.setExecutor(Executors.newFixedThreadPool(IN_FLIGHT));
		backend.start();
		try (ConfigurableApplicationContext bridge = HttpBridgeApplication.application()
			.run("--busgate.bridge.service=shop",
					"--busgate.bridge.http.base-url=http://127.0.0.1:" + backend.getAddress().getPort(),
					"--busgate.bridge.routes[shop.getItems].call=GET /items/{key}",
					"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(), "--server.port=0",
					"--management.tracing.sampling.probability=0.01", "--spring.main.banner-mode=off",
					"--logging.level.root=warn")) {
			BackendClient client = bridge.getBean(BackendClient.class);
			Tracer tracer = bridge.getBean(OpenTelemetry.class).getTracer("cpu-cost");
			com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
				.getOperatingSystemMXBean();
			List<Long> perCall = new ArrayList<>();
			for (int round = 0; round < 13; round++) {
				long before = os.getProcessCpuTime();
				round(client, tracer);
				if (round >= 8) {
					perCall.add((os.getProcessCpuTime() - before) / CALLS / 1000);
				}
			}
			List<Long> sorted = perCall.stream().sorted().toList();
			assertThat(this.wrong).hasValue(0);
			System.out.println("CPU-COST http shop.getItems: process us/call per round " + perCall + ", median "
					+ sorted.get(sorted.size() / 2) + ", min " + sorted.get(0) + ", max " + sorted.get(sorted.size() - 1));
		}
		finally {
			backend.stop(0);
		}
	}

	/** Calls, a few in flight, each inside an unsampled span, as the bridge's span for an unsampled record. */
	private void round(BackendClient client, Tracer tracer) throws InterruptedException {
		Context unsampled = Context.root()
			.with(Span.wrap(SpanContext.createFromRemoteParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
					TraceFlags.getDefault(), TraceState.getDefault())));
		Semaphore slots = new Semaphore(IN_FLIGHT);
		for (int i = 0; i < CALLS; i++) {
			slots.acquire();
			Span span = tracer.spanBuilder("serve").setParent(unsampled).startSpan();
			try (Scope scope = span.makeCurrent()) {
				BusRequest request = new BusRequest(new RequestHeaders(CorrelationIds.next(), "shop.getItems",
						"gateway.replies.t", Instant.now().plus(Duration.ofSeconds(10)), null), List.of("1"), Map.of());
				client.call(request).whenComplete((items, failure) -> {
					if (failure != null || !List.of(ITEM).equals(items)) {
						this.wrong.incrementAndGet();
					}
					slots.release();
				});
			}
			finally {
				span.end();
			}
		}
		slots.acquire(IN_FLIGHT);
	}

	private static void serve(HttpExchange exchange) throws IOException {
		byte[] body = "{\"id\":\"1\",\"name\":\"an item\"}".getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(200, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

}

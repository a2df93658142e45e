package io.busgate.bench;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator's closed loop against a real HTTP server on loopback. */
class HttpLoadTests {

	private static final Duration ANSWER_DELAY = Duration.ofMillis(20);

	private final Set<Object> connections = ConcurrentHashMap.newKeySet();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger mostInFlight = new AtomicInteger();

	private DisposableServer server;

	@BeforeEach
	void startServer() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> this.connections.add(connection.channel().id()))
			.handle((request, response) -> {
				this.mostInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
				return response.sendString(Mono.delay(ANSWER_DELAY).map((tick) -> {
					this.inFlight.decrementAndGet();
					return "ok";
				}));
			})
			.bindNow();
	}

	@AfterEach
	void stopServer() {
		this.server.disposeNow();
	}

	@Test
	void closedLoopOpensExactlyItsConnectionsAndMeasuresEachRun() {
		URI uri = URI.create("http://127.0.0.1:" + this.server.port() + "/");
		HttpLoad.Call call = new HttpLoad.Call() {

			@Override
			public HttpLoad.Request next() {
				return HttpLoad.Request.get(uri);
			}

			@Override
			public String failure(HttpLoad.Response response) {
				return (response.status() == 200 && response.body().equals("ok")) ? null : HttpLoad.describe(response);
			}

		};
		Measurement measurement;
		try (HttpLoad http = new HttpLoad(Duration.ofSeconds(5))) {
			measurement = http.closed("closed", call, 8, Duration.ofMillis(200), Duration.ofMillis(400), 3,
					new ProcessMeter(Map.of("self", ProcessHandle.current())));
		}

		assertThat(this.connections).hasSize(8);
		assertThat(this.mostInFlight.get()).isPositive().isLessThanOrEqualTo(8);
		assertThat(measurement.summary().requests()).isPositive();
		assertThat(measurement.summary().errors()).isZero();
		assertThat(measurement.runs()).hasSize(3).allSatisfy((run) -> {
			// 8 connections, each answered after 20 ms or more: at most 21 sent each in a window of 400 ms.
			assertThat(run.requests()).isLessThanOrEqualTo(8 * 21);
			assertThat(run.cpuPercent()).containsKey("self");
		});
		assertThat(measurement.runs()).filteredOn((run) -> run.requests() > 0)
			.allSatisfy((run) -> assertThat(run.p50Ms()).isGreaterThanOrEqualTo(ANSWER_DELAY.toMillis()));
	}

}

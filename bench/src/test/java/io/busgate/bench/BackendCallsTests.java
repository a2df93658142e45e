package io.busgate.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/** Backend calls per record from the bridges' Prometheus text, with and without the counter. */
class BackendCallsTests {

	private static final String BEFORE = """
			# HELP busgate_bridge_backend_calls_total Calls made to the backend
			# TYPE busgate_bridge_backend_calls_total counter
			busgate_bridge_backend_calls_total{operation="user.getUsers",service="user"} 10.0
			busgate_bridge_backend_calls_total{operation="user.getFriends",service="user"} 5.0
			# TYPE busgate_bridge_requests_seconds histogram
			busgate_bridge_requests_seconds_bucket{operation="user.getUsers",service="user",status="ok",le="0.001"} 3
			busgate_bridge_requests_seconds_count{operation="user.getUsers",service="user",status="ok"} 100
			busgate_bridge_requests_seconds_count{operation="user.getFriends",service="user",status="ok"} 50
			busgate_bridge_requests_seconds_sum{operation="user.getUsers",service="user",status="ok"} 0.5
			""";

	private static final String AFTER = """
			busgate_bridge_backend_calls_total{operation="user.getUsers",service="user"} 110.0
			busgate_bridge_backend_calls_total{operation="user.getFriends",service="user"} 5.0
			busgate_bridge_requests_seconds_count{operation="user.getUsers",service="user",status="ok"} 1100
			busgate_bridge_requests_seconds_count{operation="user.getFriends",service="user",status="ok"} 50
			""";

	private static final String WITHOUT_COUNTER = """
			# TYPE busgate_bridge_requests_seconds histogram
			busgate_bridge_requests_seconds_count{operation="user.getUsers",service="user",status="ok"} 100
			jvm_threads_live_threads 42.0
			""";

	@Test
	void callsPerRecordAreTheCountersGrowthOverTheRecordsServed() {
		BackendCalls.Counts before = BackendCalls.parse(BEFORE);
		assertThat(before).isEqualTo(new BackendCalls.Counts(15.0, 150.0));
		assertThat(BackendCalls.parse(AFTER).perRecordSince(before)).isEqualTo(0.1);
	}

	@Test
	void bridgesAreAddedUpAndOneWithoutTheCounterYetAddsNothing() {
		BackendCalls.Counts twoBridges = BackendCalls.parse(AFTER).plus(BackendCalls.parse(WITHOUT_COUNTER));
		assertThat(twoBridges).isEqualTo(new BackendCalls.Counts(115.0, 1250.0));
	}

	@Test
	void readsEveryBridgeOverHttp() {
		AtomicInteger scrapes = new AtomicInteger();
		DisposableServer bridges = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes
				.get("/new/actuator/prometheus",
						(request, response) -> response.sendString(Mono.just((scrapes.getAndIncrement() < 1) ? BEFORE : AFTER)))
				.get("/old/actuator/prometheus",
						(request, response) -> response.sendString(Mono.just(WITHOUT_COUNTER))))
			.bindNow();
		try (HttpLoad http = new HttpLoad(Duration.ofSeconds(5))) {
			String base = "http://127.0.0.1:" + bridges.port();
			BackendCalls newer = new BackendCalls(http, List.of(URI.create(base + "/new/actuator/prometheus")));
			BackendCalls.Counts before = newer.read();
			assertThat(newer.read().perRecordSince(before)).isEqualTo(0.1);

			BackendCalls older = new BackendCalls(http, List.of(URI.create(base + "/old/actuator/prometheus"),
					URI.create(base + "/old/actuator/prometheus")));
			BackendCalls.Counts olderBefore = older.read();
			assertThat(olderBefore).isEqualTo(new BackendCalls.Counts(null, 200.0));
			assertThat(older.read().perRecordSince(olderBefore)).isNull();

			BackendCalls unreachable = new BackendCalls(http, List.of(URI.create(base + "/none")));
			assertThat(unreachable.read()).isEqualTo(BackendCalls.Counts.NONE);
		}
		finally {
			bridges.disposeNow();
		}
	}

	@Test
	void noFigureWithoutTheCounterOrWithoutRecords() {
		BackendCalls.Counts old = BackendCalls.parse(WITHOUT_COUNTER);
		assertThat(old.calls()).isNull();
		assertThat(BackendCalls.parse(WITHOUT_COUNTER).perRecordSince(old)).isNull();
		assertThat(BackendCalls.parse(AFTER).perRecordSince(BackendCalls.parse(AFTER))).isNull();
		assertThat(BackendCalls.parse(AFTER).perRecordSince(BackendCalls.Counts.NONE)).isNull();
	}

}

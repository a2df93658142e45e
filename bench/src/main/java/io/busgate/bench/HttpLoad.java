package io.busgate.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The HTTP load generator: Reactor Netty's non-blocking client over HTTP/1.1 (pooled keep-alive
 * connections, two event-loop threads), three ways of loading. Chosen over the JDK's client,
 * which cost the generator about 0.9 ms of CPU per request: on a small machine, CPU the stack
 * under test then did not get. Its own CPU is measured with the stack's, as the "load generator".
 * <ul>
 * <li>{@link #sequential}: one request at a time, for latency.</li>
 * <li>{@link #closed}: a closed loop over a fixed number of connections, a pool of exactly that
 * many: each connection sends its next request as soon as its last one is answered, for
 * throughput.</li>
 * <li>{@link #open}: requests sent at a constant rate whatever the answers do, each latency
 * measured from the moment the request was due, not from when it could be sent: a stalled
 * server shows as latency instead of slowing the generator down (no coordinated omission).</li>
 * </ul>
 */
final class HttpLoad implements AutoCloseable {

	/** An open-model step gives up on more requests outstanding than this (each counts as an error). */
	private static final int MAX_OUTSTANDING = 4_000;

	private static final int MAX_ERROR_BODY = 200;

	private static final int EVENT_LOOPS = 2;

	private final LoopResources loops = LoopResources.create("bench-http", EVENT_LOOPS, true);

	private final ConnectionProvider connections = pool("bench-http", MAX_OUTSTANDING);

	private final HttpClient client;

	private final Duration requestTimeout;

	HttpLoad(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
		this.client = client(this.connections);
	}

	/** A kind of request and what counts as its answer. */
	interface Call {

		/** The next request; the timeout is the generator's. */
		Request next();

		/** Why a response does not answer the request, or {@code null} when it does. */
		String failure(Response response);

	}

	/**
	 * A request: a method, a URI, a JSON body or none, and an {@code Authorization} header or none.
	 */
	record Request(HttpMethod method, URI uri, String json, String authorization) {

		static Request get(URI uri) {
			return new Request(HttpMethod.GET, uri, null, null);
		}

		static Request put(URI uri) {
			return new Request(HttpMethod.PUT, uri, null, null);
		}

		static Request postJson(URI uri, String json, String authorization) {
			return new Request(HttpMethod.POST, uri, json, authorization);
		}

	}

	/** A response: its status code and body. */
	record Response(int status, String body) {

	}

	/**
	 * Sends {@code warmup} requests and then {@code runs} times {@code count} measured ones, one
	 * after the other, each once the previous one is answered.
	 */
	Measurement sequential(String scenario, Call call, int warmup, int count, int runs, ProcessMeter meter) {
		for (int i = 0; i < warmup; i++) {
			send(this.client, call, new LatencyRecorder());
		}
		List<Figures> measured = new ArrayList<>();
		for (int run = 0; run < runs; run++) {
			LatencyRecorder recorder = new LatencyRecorder();
			ProcessMeter.CpuWindow cpu = meter.start();
			long start = System.nanoTime();
			for (int i = 0; i < count; i++) {
				send(this.client, call, recorder);
			}
			long elapsed = System.nanoTime() - start;
			measured.add(recorder.figures(scenario, Duration.ofNanos(elapsed), cpu.stop()));
		}
		return Measurement.of(scenario, measured);
	}

	/**
	 * A closed loop over {@code connections} connections (a pool of that many, opened as the load
	 * starts): each sends its next request as soon as its last one is answered, through the
	 * warm-up and then {@code runs} consecutive windows of {@code duration}; a request counts in the
	 * window it was sent in, also when its answer comes after it.
	 */
	Measurement closed(String scenario, Call call, int connections, Duration warmup, Duration duration, int runs,
			ProcessMeter meter) {
		ConnectionProvider pool = pool("bench-closed-" + connections, connections);
		try {
			HttpClient client = client(pool);
			Windows windows = new Windows(scenario, warmup, duration, runs);
			CompletableFuture<List<Map<String, Double>>> cpu = windows.measureCpu(meter);
			CountDownLatch done = new CountDownLatch(connections);
			for (int i = 0; i < connections; i++) {
				keepSending(client, call, windows, done);
			}
			List<Map<String, Double>> cpuPercent = cpu.join();
			await(done, this.requestTimeout.plusSeconds(1));
			return windows.measurement(cpuPercent);
		}
		finally {
			pool.dispose();
		}
	}

	/**
	 * Sends {@code rate} requests per second, evenly spaced, through the warm-up and then
	 * {@code runs} consecutive windows of {@code duration}; a request counts in the window it was
	 * due in, its latency from when it was due.
	 */
	Measurement open(String scenario, Call call, int rate, Duration warmup, Duration duration, int runs,
			ProcessMeter meter) {
		double interval = 1e9 / rate;
		Windows windows = new Windows(scenario, warmup, duration, runs);
		long start = System.nanoTime();
		CompletableFuture<List<Map<String, Double>>> cpu = windows.measureCpu(meter);
		AtomicInteger outstanding = new AtomicInteger();
		for (long i = 0;; i++) {
			long due = start + Math.round(i * interval);
			if (due >= windows.end()) {
				break;
			}
			LockSupport.parkNanos(due - System.nanoTime());
			LatencyRecorder recorder = windows.at(due);
			if (outstanding.get() >= MAX_OUTSTANDING) {
				if (recorder != null) {
					recorder.failed("the stack fell " + MAX_OUTSTANDING + " requests behind");
				}
				continue;
			}
			outstanding.incrementAndGet();
			sendAsync(this.client, call).whenComplete((failure, ex) -> {
				outstanding.decrementAndGet();
				if (recorder != null) {
					record(recorder, due, failure, ex);
				}
			});
		}
		List<Map<String, Double>> cpuPercent = cpu.join();
		long waitUntil = System.nanoTime() + this.requestTimeout.plusSeconds(1).toNanos();
		while (outstanding.get() > 0 && System.nanoTime() < waitUntil) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
		return windows.measurement(cpuPercent);
	}

	/** Sends one request and waits for its answer; {@code true} when answered. */
	boolean sendOnce(Call call) {
		LatencyRecorder recorder = new LatencyRecorder();
		send(this.client, call, recorder);
		return recorder.answeredCount() == 1;
	}

	/** Sends one request; its response, or why there was none. */
	Response exchange(Request request) {
		try {
			return exchangeAsync(this.client, request).join();
		}
		catch (CompletionException ex) {
			throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + describe(ex), ex);
		}
	}

	private void send(HttpClient client, Call call, LatencyRecorder recorder) {
		long start = System.nanoTime();
		String failure;
		try {
			failure = sendAsync(client, call).join();
		}
		catch (CompletionException ex) {
			failure = describe(ex);
		}
		if (failure == null) {
			recorder.answered(System.nanoTime() - start);
		}
		else {
			recorder.failed(failure);
		}
	}

	private void keepSending(HttpClient client, Call call, Windows windows, CountDownLatch done) {
		long sent = System.nanoTime();
		sendAsync(client, call).whenComplete((failure, ex) -> {
			LatencyRecorder recorder = windows.at(sent);
			if (recorder != null) {
				record(recorder, sent, failure, ex);
			}
			if (System.nanoTime() < windows.end()) {
				keepSending(client, call, windows, done);
			}
			else {
				done.countDown();
			}
		});
	}

	/** Completes with the response's failure, {@code null} when it answers the call. */
	private static CompletableFuture<String> sendAsync(HttpClient client, Call call) {
		return exchangeAsync(client, call.next()).thenApply(call::failure);
	}

	/** Headers are set on the request itself: a client with headers of its own is a new configuration each time. */
	private static CompletableFuture<Response> exchangeAsync(HttpClient client, Request request) {
		HttpClient.RequestSender sender = client.request(request.method()).uri(request.uri());
		HttpClient.ResponseReceiver<?> receiver = (request.json() == null && request.authorization() == null) ? sender
				: sender.send((outbound, out) -> {
					if (request.authorization() != null) {
						outbound.header(HttpHeaderNames.AUTHORIZATION, request.authorization());
					}
					if (request.json() == null) {
						return out;
					}
					outbound.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
					return out.sendString(Mono.just(request.json()), StandardCharsets.UTF_8);
				});
		return receiver
			.responseSingle((head, body) -> body.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("")
				.map((text) -> new Response(head.status().code(), text)))
			.toFuture();
	}

	/** At most {@code size} connections; a request finding none free waits for one. */
	private static ConnectionProvider pool(String name, int size) {
		return ConnectionProvider.builder(name).maxConnections(size).pendingAcquireMaxCount(-1).build();
	}

	private HttpClient client(ConnectionProvider pool) {
		return HttpClient.create(pool)
			.runOn(this.loops)
			.responseTimeout(this.requestTimeout)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(this.requestTimeout.toMillis()));
	}

	private static void record(LatencyRecorder recorder, long since, String failure, Throwable ex) {
		if (ex != null) {
			recorder.failed(describe(ex));
		}
		else if (failure != null) {
			recorder.failed(failure);
		}
		else {
			recorder.answered(System.nanoTime() - since);
		}
	}

	/** A response's status and the start of its body, for an error sample. */
	static String describe(Response response) {
		String body = response.body();
		return "HTTP " + response.status() + ": "
				+ ((body.length() > MAX_ERROR_BODY) ? body.substring(0, MAX_ERROR_BODY) + "..." : body);
	}

	private static String describe(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		return cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
	}

	private static void await(CountDownLatch latch, Duration timeout) {
		try {
			latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while measuring", ex);
		}
	}

	@Override
	public void close() {
		this.connections.dispose();
		this.loops.dispose();
	}

}

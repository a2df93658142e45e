package io.busgate.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The HTTP load generator: Reactor Netty's non-blocking client over HTTP/1.1 (pooled keep-alive
 * connections, two event-loop threads), three ways of loading. Chosen over the JDK's client,
 * which cost the generator about 0.9 ms of CPU per request: on a small machine, CPU the stack
 * under test then did not get.
 * <ul>
 * <li>{@link #sequential}: one request at a time, for latency.</li>
 * <li>{@link #closed}: a fixed number of requests in flight, each answered one replaced at once,
 * for throughput.</li>
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

	private final ConnectionProvider connections = ConnectionProvider.builder("bench-http")
		.maxConnections(MAX_OUTSTANDING)
		.pendingAcquireMaxCount(-1)
		.build();

	private final HttpClient client;

	private final Duration requestTimeout;

	HttpLoad(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
		this.client = HttpClient.create(this.connections)
			.runOn(this.loops)
			.responseTimeout(requestTimeout)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(requestTimeout.toMillis()));
	}

	/** A kind of request and what counts as its answer. */
	interface Call {

		/** The next request; the timeout is the generator's. */
		Request next();

		/** Why a response does not answer the request, or {@code null} when it does. */
		String failure(Response response);

	}

	/**
	 * A request: a method, a URI and a JSON body, or none.
	 */
	record Request(HttpMethod method, URI uri, String json) {

		static Request get(URI uri) {
			return new Request(HttpMethod.GET, uri, null);
		}

		static Request put(URI uri) {
			return new Request(HttpMethod.PUT, uri, null);
		}

		static Request postJson(URI uri, String json) {
			return new Request(HttpMethod.POST, uri, json);
		}

	}

	/** A response: its status code and body. */
	record Response(int status, String body) {

	}

	/** Sends {@code count} requests one after the other, each once the previous one is answered. */
	Figures sequential(String scenario, Call call, int warmup, int count, ProcessMeter meter) {
		for (int i = 0; i < warmup; i++) {
			send(call, new LatencyRecorder());
		}
		LatencyRecorder recorder = new LatencyRecorder();
		ProcessMeter.CpuWindow cpu = meter.start();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			send(call, recorder);
		}
		long elapsed = System.nanoTime() - start;
		return recorder.figures(scenario, Duration.ofNanos(elapsed), cpu.stop());
	}

	/**
	 * Keeps {@code concurrency} requests in flight for the warm-up and then the measured
	 * {@code duration}; measures the requests sent within the measured time, also when their
	 * answer comes after it.
	 */
	Figures closed(String scenario, Call call, int concurrency, Duration warmup, Duration duration,
			ProcessMeter meter) {
		LatencyRecorder recorder = new LatencyRecorder();
		long measureFrom = System.nanoTime() + warmup.toNanos();
		long end = measureFrom + duration.toNanos();
		CountDownLatch done = new CountDownLatch(concurrency);
		for (int i = 0; i < concurrency; i++) {
			keepSending(call, recorder, measureFrom, end, done);
		}
		LockSupport.parkNanos(measureFrom - System.nanoTime());
		ProcessMeter.CpuWindow cpu = meter.start();
		LockSupport.parkNanos(end - System.nanoTime());
		Map<String, Double> cpuPercent = cpu.stop();
		await(done, this.requestTimeout.plusSeconds(1));
		return recorder.figures(scenario, duration, cpuPercent);
	}

	/**
	 * Sends {@code rate} requests per second, evenly spaced, for the warm-up and then the
	 * measured {@code duration}; measures the requests due within the measured time, each from
	 * when it was due.
	 */
	Figures open(String scenario, Call call, int rate, Duration warmup, Duration duration, ProcessMeter meter) {
		LatencyRecorder recorder = new LatencyRecorder();
		double interval = 1e9 / rate;
		long start = System.nanoTime();
		long measureFrom = start + warmup.toNanos();
		long end = measureFrom + duration.toNanos();
		AtomicInteger outstanding = new AtomicInteger();
		ProcessMeter.CpuWindow cpu = null;
		for (long i = 0;; i++) {
			long due = start + Math.round(i * interval);
			if (due >= end) {
				break;
			}
			LockSupport.parkNanos(due - System.nanoTime());
			boolean measured = due >= measureFrom;
			if (measured && cpu == null) {
				cpu = meter.start();
			}
			if (outstanding.get() >= MAX_OUTSTANDING) {
				if (measured) {
					recorder.failed("the stack fell " + MAX_OUTSTANDING + " requests behind");
				}
				continue;
			}
			outstanding.incrementAndGet();
			sendAsync(call).whenComplete((failure, ex) -> {
				outstanding.decrementAndGet();
				if (measured) {
					record(recorder, due, failure, ex);
				}
			});
		}
		LockSupport.parkNanos(end - System.nanoTime());
		Map<String, Double> cpuPercent = (cpu != null) ? cpu.stop() : Map.of();
		long waitUntil = System.nanoTime() + this.requestTimeout.plusSeconds(1).toNanos();
		while (outstanding.get() > 0 && System.nanoTime() < waitUntil) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
		return recorder.figures(scenario, duration, cpuPercent);
	}

	/** Sends one request and waits for its answer; {@code true} when answered. */
	boolean sendOnce(Call call) {
		LatencyRecorder recorder = new LatencyRecorder();
		send(call, recorder);
		return recorder.answeredCount() == 1;
	}

	private void send(Call call, LatencyRecorder recorder) {
		long start = System.nanoTime();
		String failure;
		try {
			failure = sendAsync(call).join();
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

	private void keepSending(Call call, LatencyRecorder recorder, long measureFrom, long end, CountDownLatch done) {
		long sent = System.nanoTime();
		sendAsync(call).whenComplete((failure, ex) -> {
			if (sent >= measureFrom) {
				record(recorder, sent, failure, ex);
			}
			if (System.nanoTime() < end) {
				keepSending(call, recorder, measureFrom, end, done);
			}
			else {
				done.countDown();
			}
		});
	}

	/** Completes with the response's failure, {@code null} when it answers the call. */
	private CompletableFuture<String> sendAsync(Call call) {
		Request request = call.next();
		HttpClient client = (request.json() == null) ? this.client
				: this.client.headers((headers) -> headers.set(HttpHeaderNames.CONTENT_TYPE,
						HttpHeaderValues.APPLICATION_JSON));
		HttpClient.RequestSender sender = client.request(request.method()).uri(request.uri());
		HttpClient.ResponseReceiver<?> receiver = (request.json() == null) ? sender : sender
			.send(ByteBufFlux.fromString(Mono.just(request.json()), StandardCharsets.UTF_8, ByteBufAllocator.DEFAULT));
		return receiver
			.responseSingle((head, body) -> body.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("")
				.map((text) -> new Response(head.status().code(), text)))
			.toFuture()
			.thenApply(call::failure);
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

package io.busgate.bridge.http;

import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.ChannelOption;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import io.busgate.backend.BackendContract;
import io.busgate.bridge.BackendClient;
import io.busgate.bridge.BackendException;
import io.busgate.bridge.BridgeProperties;
import io.busgate.bridge.HeaderValues;
import io.busgate.bridge.JsonRoute;
import io.busgate.bridge.TcpProbe;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;

/**
 * Serves requests by calling an HTTP/JSON backend through a non-blocking, pooled client.
 *
 * <p>Backend answers map to bus statuses: a 2xx answer's JSON becomes the items as the route's
 * JSON side shapes it ({@link io.busgate.bridge.JsonRoute}); 404 a {@code null} item on per-key
 * routes and {@code NOT_FOUND} otherwise; 400 and 422 {@code INVALID_ARGUMENT}; 408, 429 and 5xx
 * and connection failures {@code UNAVAILABLE}; 401 and 403 (a backend refusing the request's
 * principal) {@code PERMISSION_DENIED} with the backend's reason; a body larger than
 * {@code max-response-size} {@code RESPONSE_TOO_LARGE}. Every call is cut off at the
 * request's deadline. A request made for a known caller carries it as the header
 * {@code bus-principal}, so the backend can enforce access too; a principal that is not
 * printable ASCII is {@code INVALID_ARGUMENT}.
 *
 * <p>A call whose trace is sampled is observed as the builder's client observes it (a client
 * span, whose context the call carries, and the {@code http.client.requests} meters). Any other
 * call skips the observation, which would record nothing to export yet costs CPU on every call,
 * and carries the caller's trace context (unsampled), so the backend continues the same trace.
 */
class HttpBackendClient implements BackendClient {

	private static final int MAX_REASON_LENGTH = 300;

	private static final TextMapSetter<WebClient.RequestBodySpec> HEADERS = (spec, name, value) -> spec.header(name,
			value);

	private final Map<String, HttpRoute> routes;

	private final WebClient observed;

	private final WebClient unobserved;

	private final TextMapPropagator propagator;

	private final Clock clock = Clock.systemUTC();

	private final URI baseUrl;

	/**
	 * @param routes the route of each operation ({@code busgate.bridge.routes})
	 * @param webClients builds the client of sampled calls, observed as it is configured
	 * @param propagator writes the trace context of the calls that are not sampled
	 * @throws IllegalArgumentException if a route is not an HTTP call or its settings contradict
	 * each other
	 */
	HttpBackendClient(HttpBridgeProperties properties, Map<String, BridgeProperties.Route> routes,
			WebClient.Builder webClients, TextMapPropagator propagator) {
		this.routes = compile(routes, properties.baseUrl());
		this.propagator = propagator;
		this.baseUrl = properties.baseUrl();
		ConnectionProvider pool = ConnectionProvider.builder("http-bridge")
			.maxConnections(properties.maxConnections())
			.build();
		HttpClient httpClient = HttpClient.create(pool)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis());
		int maxResponseSize = (int) properties.maxResponseSize().toBytes();
		WebClient.Builder configured = webClients.clientConnector(new ReactorClientHttpConnector(httpClient))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(maxResponseSize));
		this.observed = configured.build();
		this.unobserved = configured.clone().observationRegistry(ObservationRegistry.NOOP).build();
	}

	@Override
	public CompletableFuture<Void> probe(Duration timeout) {
		int port = (this.baseUrl.getPort() != -1) ? this.baseUrl.getPort()
				: "https".equals(this.baseUrl.getScheme()) ? 443 : 80;
		return TcpProbe.connect(this.baseUrl.getHost(), port, timeout);
	}

	@Override
	public CompletableFuture<List<Object>> call(BusRequest request) {
		HttpRoute route = this.routes.get(request.headers().operation());
		if (route == null) {
			return CompletableFuture.failedFuture(
					JsonRoute.unrouted("HTTP", request.headers().operation(), this.routes.keySet()));
		}
		Map<String, Object> body;
		try {
			HeaderValues.printableAscii("principal", request.headers().principal());
			body = route.body(request);
		}
		catch (BackendException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (!route.isPerKey()) {
			return exchange(route, request, null, body).toFuture()
				.thenApply((answer) -> route.json().items(request, answer));
		}
		// A 404 is an empty answer: the key's item is null.
		List<CompletableFuture<Object>> calls = request.keys()
			.stream()
			.map((key) -> exchange(route, request, key, body).map(route.json()::item).toFuture())
			.toList();
		return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
			.thenApply((done) -> calls.stream().map(CompletableFuture::join).collect(Collectors.toCollection(ArrayList::new)));
	}

	/** One HTTP call; empty for a 404 on a per-key route, which becomes a null item. */
	private Mono<Object> exchange(HttpRoute route, BusRequest request, Object key, Map<String, Object> body) {
		Duration budget = request.headers().remaining(this.clock);
		Context context = Context.current();
		SpanContext trace = Span.fromContext(context).getSpanContext();
		WebClient.RequestBodySpec spec = (trace.isSampled() ? this.observed : this.unobserved).method(route.method())
			.uri(route.uri(request, key))
			.accept(MediaType.APPLICATION_JSON);
		if (!trace.isSampled() && trace.isValid()) {
			this.propagator.inject(context, spec, HEADERS);
		}
		if (request.headers().principal() != null) {
			spec.header(BackendContract.PRINCIPAL, request.headers().principal());
		}
		WebClient.RequestHeadersSpec<?> call = (body != null)
				? spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body) : spec;
		return call.exchangeToMono((response) -> read(route, response))
			.retryWhen(Retry.max(1).filter((ex) -> isSafe(route) && isClosedBeforeResponse(ex)))
			.timeout(budget.isNegative() ? Duration.ZERO : budget)
			.onErrorMap((ex) -> !(ex instanceof BackendException) && !(ex instanceof TimeoutException),
					(ex) -> failure(route, ex));
	}

	private Mono<Object> read(HttpRoute route, ClientResponse response) {
		HttpStatusCode status = response.statusCode();
		if (status.is2xxSuccessful()) {
			return response.bodyToMono(Object.class);
		}
		if (status.value() == 404 && route.isPerKey()) {
			return response.releaseBody().then(Mono.empty());
		}
		return response.bodyToMono(String.class)
			.defaultIfEmpty("")
			.flatMap((body) -> Mono.error(new BackendException(statusFor(status.value()),
					"HTTP " + status.value() + " from " + route.describe() + reason(body))));
	}

	private static BusStatus statusFor(int httpStatus) {
		return switch (httpStatus) {
			case 404 -> BusStatus.NOT_FOUND;
			case 400, 422 -> BusStatus.INVALID_ARGUMENT;
			case 401, 403 -> BusStatus.PERMISSION_DENIED;
			case 408, 429 -> BusStatus.UNAVAILABLE;
			default -> (httpStatus >= 500) ? BusStatus.UNAVAILABLE : BusStatus.INVALID_ARGUMENT;
		};
	}

	private static boolean isSafe(HttpRoute route) {
		return route.method() == HttpMethod.GET || route.method() == HttpMethod.HEAD;
	}

	/**
	 * A pooled connection the backend closed while it was idle, or one closed after an answer cut
	 * off at {@code max-response-size}: the backend never answered this request. A safe method is
	 * sent again once, on another connection, within the same deadline; any other is not, because
	 * the backend may have acted on it.
	 */
	private static boolean isClosedBeforeResponse(Throwable ex) {
		return NestedExceptionUtils.getMostSpecificCause(ex) instanceof PrematureCloseException;
	}

	private static BackendException failure(HttpRoute route, Throwable ex) {
		if (NestedExceptionUtils.getMostSpecificCause(ex) instanceof DataBufferLimitException tooLarge) {
			return new BackendException(BusStatus.RESPONSE_TOO_LARGE,
					"the answer of " + route.describe() + " is larger than max-response-size: " + tooLarge.getMessage(), ex);
		}
		if (ex instanceof WebClientRequestException || ex.getCause() instanceof ConnectException) {
			return new BackendException(BusStatus.UNAVAILABLE,
					route.describe() + " unreachable: " + NestedExceptionUtils.getMostSpecificCause(ex).getMessage(), ex);
		}
		return new BackendException(BusStatus.INTERNAL, route.describe() + " failed: " + ex.getMessage(), ex);
	}

	private static String reason(String body) {
		if (body.isBlank()) {
			return "";
		}
		String oneLine = body.replaceAll("\\s+", " ").trim();
		return ": " + ((oneLine.length() > MAX_REASON_LENGTH) ? oneLine.substring(0, MAX_REASON_LENGTH) + "..." : oneLine);
	}

	private static Map<String, HttpRoute> compile(Map<String, BridgeProperties.Route> routes, URI baseUrl) {
		Map<String, HttpRoute> compiled = new LinkedHashMap<>();
		routes.forEach((operation, route) -> compiled.put(operation, new HttpRoute(operation, route, baseUrl)));
		return Map.copyOf(compiled);
	}

}

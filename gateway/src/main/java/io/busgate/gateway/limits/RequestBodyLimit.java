package io.busgate.gateway.limits;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses a request body over the limit with 413: at once when its {@code Content-Length} says
 * so, otherwise (a chunked body) as soon as that many bytes have arrived, so an endless body
 * costs no more memory than the limit.
 */
final class RequestBodyLimit implements WebFilter {

	private final long maxBytes;

	RequestBodyLimit(DataSize maxRequestBody) {
		this.maxBytes = maxRequestBody.toBytes();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		long declared = request.getHeaders().getContentLength();
		if (declared > this.maxBytes) {
			ServerHttpResponse response = exchange.getResponse();
			response.setStatusCode(HttpStatus.CONTENT_TOO_LARGE);
			response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
			String problem = "{\"title\":\"Content Too Large\",\"status\":413,\"detail\":\"" + reason() + "\"}";
			return response.writeWith(Mono.just(response.bufferFactory().wrap(problem.getBytes(StandardCharsets.UTF_8))));
		}
		return chain.filter(exchange.mutate().request(new LimitedRequest(request)).build());
	}

	private String reason() {
		return "the request body is over " + this.maxBytes + " bytes (busgate.gateway.limits.max-request-body)";
	}

	private PayloadTooLargeException tooLarge() {
		return new PayloadTooLargeException(new IllegalArgumentException(reason()));
	}

	private final class LimitedRequest extends ServerHttpRequestDecorator {

		LimitedRequest(ServerHttpRequest delegate) {
			super(delegate);
		}

		@Override
		public Flux<DataBuffer> getBody() {
			AtomicLong received = new AtomicLong();
			return super.getBody().handle((buffer, sink) -> {
				if (received.addAndGet(buffer.readableByteCount()) > RequestBodyLimit.this.maxBytes) {
					DataBufferUtils.release(buffer);
					sink.error(tooLarge());
				}
				else {
					sink.next(buffer);
				}
			});
		}

	}

}

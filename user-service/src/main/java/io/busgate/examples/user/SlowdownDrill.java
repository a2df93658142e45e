package io.busgate.examples.user;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.server.ResponseStatusException;

/**
 * A fault drill, off unless {@code busgate.user-service.drills=true} (the local stack turns it
 * on): {@code PUT /drill/slowdown?ms=3000} makes every call of the user API take that much
 * longer, {@code ms=0} ends it; {@code GET /drill/slowdown} tells the delay and how many user API
 * calls have been served, so a drill can check which requests reached the backend.
 */
@RestController
@RequestMapping("/drill/slowdown")
@ConditionalOnBooleanProperty("busgate.user-service.drills")
class SlowdownDrill extends OncePerRequestFilter {

	private volatile Duration delay = Duration.ZERO;

	private final AtomicLong calls = new AtomicLong();

	@PutMapping
	Map<String, Object> slowDown(@RequestParam long ms) {
		if (ms < 0) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "ms must be 0 or more, was " + ms);
		}
		this.delay = Duration.ofMillis(ms);
		return state();
	}

	@GetMapping
	Map<String, Object> state() {
		return Map.of("delayMs", this.delay.toMillis(), "calls", this.calls.get());
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return !request.getRequestURI().startsWith("/user");
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		this.calls.incrementAndGet();
		Duration delay = this.delay;
		if (!delay.isZero()) {
			try {
				Thread.sleep(delay.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ServletException("interrupted while slowed down", ex);
			}
		}
		chain.doFilter(request, response);
	}

}

package io.busgate.examples.user;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * A fault drill, off unless {@code busgate.user-service.drills=true} (the local stack turns it
 * on): {@code PUT /drill/oversize?bytes=2000000} pads the name of the first user in every answer
 * of the user API ({@code /user/**}) with that many characters, so that a bridge meets an answer
 * too large for a reply record; {@code bytes=0} ends it. {@code GET /drill/oversize} tells the
 * padding in force.
 */
@RestController
@RequestMapping("/drill/oversize")
@ControllerAdvice(assignableTypes = UserController.class)
@ConditionalOnBooleanProperty("busgate.user-service.drills")
class OversizeDrill implements ResponseBodyAdvice<Object> {

	/** 16 MB: far beyond any record size a bus is set up for, and still a heap this app has. */
	static final int MAX_PADDING = 16 * 1024 * 1024;

	private volatile String padding = "";

	@PutMapping
	Map<String, Object> pad(@RequestParam int bytes) {
		if (bytes < 0 || bytes > MAX_PADDING) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"bytes must be 0 to " + MAX_PADDING + ", was " + bytes);
		}
		this.padding = "x".repeat(bytes);
		return state();
	}

	@GetMapping
	Map<String, Object> state() {
		return Map.of("bytes", this.padding.length());
	}

	@Override
	public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
		return true;
	}

	@Override
	public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
			Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
			ServerHttpResponse response) {
		String padding = this.padding;
		if (padding.isEmpty()) {
			return body;
		}
		if (body instanceof User user) {
			return padded(user, padding);
		}
		if (body instanceof List<?> list) {
			List<Object> copy = new ArrayList<>(list);
			for (int i = 0; i < copy.size(); i++) {
				if (copy.get(i) instanceof User user) {
					copy.set(i, padded(user, padding));
					return copy;
				}
			}
		}
		return body;
	}

	private static User padded(User user, String padding) {
		return new User(user.id(), user.name() + padding);
	}

}

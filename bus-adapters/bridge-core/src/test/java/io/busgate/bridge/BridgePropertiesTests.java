package io.busgate.bridge;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The routes of {@code busgate.bridge.*}, bound as a bridge app binds them. */
class BridgePropertiesTests {

	@Test
	void routesBindWithTheSameNamesForEveryProtocol() {
		BridgeProperties properties = bind(Map.of("busgate.bridge.service", "post",
				"busgate.bridge.routes[post.getPosts].call", "busgate.post.v1.PostService/GetPosts",
				"busgate.bridge.routes[post.getPosts].keys-field", "ids",
				"busgate.bridge.routes[post.getPosts].items-field", "posts",
				"busgate.bridge.routes[post.getPosts].item-key-field", "id",
				"busgate.bridge.routes[post.getPosts].item-value-field", "body",
				"busgate.bridge.routes[post.createPost].call", "busgate.post.v1.PostService/CreatePost",
				"busgate.bridge.routes[post.createPost].args-field", "input",
				"busgate.bridge.routes[post.createPost].idempotency-key-field", "requestId"));

		assertThat(properties.routes()).containsOnlyKeys("post.getPosts", "post.createPost");
		assertThat(properties.routes().get("post.getPosts")).isEqualTo(new BridgeProperties.Route(
				"busgate.post.v1.PostService/GetPosts", "ids", null, "posts", "id", "body", null));
		assertThat(properties.routes().get("post.createPost")).isEqualTo(new BridgeProperties.Route(
				"busgate.post.v1.PostService/CreatePost", null, "input", null, null, null, "requestId"));
	}

	@Test
	void noRoutesIsAnEmptyMap() {
		assertThat(bind(Map.of("busgate.bridge.service", "user")).routes()).isEmpty();
	}

	@Test
	void routeOfAnotherServiceIsRejectedAtStartup() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("busgate.bridge.service", "svc", "busgate.bridge.routes[other.get].call",
					"GET /x")))
			.havingRootCause()
			.withMessage("route other.get does not belong to service 'svc' that this bridge serves");
	}

	@Test
	void routeWithoutACallIsRejectedAtStartup() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("busgate.bridge.service", "svc", "busgate.bridge.routes[svc.get].keys-field",
					"ids")))
			.havingRootCause()
			.withMessageStartingWith("a route needs a call");
	}

	private static BridgeProperties bind(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bind("busgate.bridge", BridgeProperties.class)
			.get();
	}

}

package io.busgate.examples.user;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.web.servlet.client.RestTestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document the service serves is the committed one, so the generator can read the
 * file in a build without starting the service.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "spring.config.name=user-service")
@AutoConfigureRestTestClient
class OpenApiDocumentTests {

	static final Path COMMITTED = Path.of("src/main/openapi/user-service.json");

	@Autowired
	private RestTestClient client;

	@Test
	void servedDocumentIsTheCommittedOne() throws IOException {
		String served = this.client.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
			.expectBody(String.class).returnResult().getResponseBody();
		String expected = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "";
		String actual = pretty(served);
		if (Boolean.getBoolean("busgate.openapi.refresh")) {
			Files.writeString(COMMITTED, actual, StandardCharsets.UTF_8);
			expected = actual;
		}
		assertThat(actual).as("""
				user-service/%s differs from the document /v3/api-docs serves. If the API changed on purpose, refresh the file:
				  ./mvnw -B -ntp -pl user-service -am verify -Dtest=OpenApiDocumentTests \
				-Dsurefire.failIfNoSpecifiedTests=false -Dbusgate.openapi.refresh=true
				and commit it with the change.""".formatted(COMMITTED)).isEqualTo(expected);
	}

	/**
	 * Pretty-printed with a final newline, a text to compare and diff; the keys keep the order
	 * springdoc writes them in, sorted ({@code springdoc.writer-with-order-by-keys}).
	 */
	static String pretty(String json) {
		ObjectMapper mapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
		JsonNode tree = mapper.readTree(json);
		return mapper.writeValueAsString(tree) + "\n";
	}

}

package io.busgate.gateway.graphql;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.graphql.test.autoconfigure.tester.AutoConfigureHttpGraphQlTester;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.ClassPathResource;
import org.springframework.graphql.test.tester.HttpGraphQlTester;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.busgate.gateway.FakeBridges;
import io.busgate.gateway.GatewayApplication;
import io.busgate.gateway.TestTokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A deployment's own schema directory ({@code spring.graphql.schema.locations=file:...}) in place
 * of the jar's files: the built-ins are there all the same and its {@code @bus} fields are served
 * over a real broker, and the start log names what each file defines; two of its files that clash
 * stop the start, naming both.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=gateway", "busgate.gateway.instance-id=schema-file-tests",
				TestTokens.SIGNING_KEY_PROPERTY })
@AutoConfigureHttpGraphQlTester
@AutoConfigureWebTestClient
@EmbeddedKafka(topics = { "user.requests", "post.requests" })
@Import(FakeBridges.class)
@ExtendWith(OutputCaptureExtension.class)
class SchemaFileLocationsTests {

	@Autowired
	private HttpGraphQlTester graphQl;

	@Autowired
	private WebTestClient web;

	@Autowired
	private KafkaListenerEndpointRegistry listeners;

	@Autowired
	private FakeBridges bridge;

	@Value("${spring.embedded.kafka.brokers}")
	private String brokers;

	@DynamicPropertySource
	static void schemaDirectory(DynamicPropertyRegistry registry) {
		registry.add("spring.graphql.schema.locations", () -> fileLocation("schema-files/person/"));
	}

	@BeforeEach
	void reset() {
		this.bridge.reset();
		FakeBridges.awaitAssigned(this.listeners);
		FakeBridges.awaitGatewayReady(this.web);
	}

	@Test
	void fieldOfAFileLocationIsServedOverTheBus() {
		// Inline, not in graphql-test/: the documents there are for the jar's schema.
		this.graphQl.document("query($id: ID!) { person(id: $id) { id name } }")
			.variable("id", "7")
			.execute()
			.errors()
			.verify()
			.path("person")
			.entity(Map.class)
			.isEqualTo(Map.of("id", 7, "name", "User 7"));
		assertThat(this.bridge.requests).singleElement().satisfies((request) -> {
			assertThat(request.headers().operation()).isEqualTo("user.getUsers");
			assertThat(request.keys()).containsExactly("7");
		});
	}

	@Test
	void startLogSaysWhichFileDefinesWhat(CapturedOutput output) {
		assertThat(output.getOut()).contains(
				"busgate.graphqls: directives @bus, @busEvent, @auth; types Long, JSON, Query",
				"person.graphqls: types Person; fields Query.person");
	}

	@Test
	void filesOfTheJarAreNotPartOfIt() {
		this.graphQl.document("{ getUser(id: \"1\") { name } }")
			.execute()
			.errors()
			.satisfy((errors) -> assertThat(errors).singleElement()
				.satisfies((error) -> assertThat(error.getMessage()).contains("getUser")));
		assertThat(this.bridge.requests).isEmpty();
	}

	@Test
	void filesThatClashStopTheStartNamingBoth() {
		assertThatException()
			.isThrownBy(() -> GatewayApplication.application()
				.run("--server.port=0", "--spring.kafka.bootstrap-servers=" + this.brokers,
						"--busgate.gateway.instance-id=schema-clash-tests", "--" + TestTokens.SIGNING_KEY_PROPERTY,
						"--spring.graphql.schema.locations=" + fileLocation("schema-files/clash/"))
				.close())
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex))
				.hasMessageContaining("Field 'Person.id' is defined by links.graphqls and by person.graphqls"));
	}

	private static String fileLocation(String classpathDirectory) {
		try {
			return new ClassPathResource(classpathDirectory).getFile().toURI().toString();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

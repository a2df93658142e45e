package io.busgate.examples.message;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import io.busgate.examples.message.thrift.Inbox;
import io.busgate.examples.message.thrift.InvalidArgument;
import io.busgate.examples.message.thrift.Message;
import io.busgate.examples.message.thrift.NotFound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The whole application with its real configuration ({@code message-service.yml}: 10,000 users,
 * 50,000 seeded messages), on free ports, called by a real Thrift client over loopback.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=message-service", "busgate.message-service.port=0" })
@AutoConfigureWebTestClient
class MessageServiceApplicationTests {

	@Autowired
	private WebTestClient http;

	@Autowired
	private MessageServiceProperties properties;

	@Value("${" + MessageServiceApplication.LOCAL_PORT_PROPERTY + "}")
	private int thriftPort;

	@Test
	void usesTheDefaultConfigurationButThePort() {
		MessageServiceProperties defaults = MessageServiceProperties.defaults();
		assertThat(this.properties).usingRecursiveComparison().ignoringFields("port").isEqualTo(defaults);
		assertThat(defaults.port()).isEqualTo(9095);
	}

	@Test
	void readinessIncludesTheThriftServer() {
		this.http.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
		this.http.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
			.expectBody().jsonPath("$.status").isEqualTo("UP");
	}

	@Test
	void sendMessageIsIdempotentPerKey() throws Exception {
		try (ThriftTestClient thrift = new ThriftTestClient(this.thriftPort)) {
			Message first = thrift.client().sendMessage(MessageServiceHandlerTests.request("10", "20", "Lunch?", "app-1"));
			Message again = thrift.client().sendMessage(MessageServiceHandlerTests.request("10", "20", "Lunch?", "app-1"));

			assertThat(again).isEqualTo(first);
			assertThat(first.getId()).isEqualTo("50001");
			List<Inbox> inbox = thrift.client().inbox(List.of("20"), 100);
			assertThat(inbox.get(0).getMessages()).filteredOn((message) -> message.getBody().equals("Lunch?"))
				.containsExactly(first);
		}
	}

	@Test
	void validationFailuresAreDeclaredExceptions() throws Exception {
		try (ThriftTestClient thrift = new ThriftTestClient(this.thriftPort)) {
			assertThatExceptionOfType(InvalidArgument.class)
				.isThrownBy(() -> thrift.client().sendMessage(MessageServiceHandlerTests.request("1", "2", "", null)))
				.withMessage("body must not be blank");
			assertThatExceptionOfType(NotFound.class)
				.isThrownBy(() -> thrift.client().sendMessage(MessageServiceHandlerTests.request("1", "10001", "hi", null)))
				.withMessage("No user with id '10001'");
		}
	}

	@Test
	void getMessagesAndInboxServeTheSeededData() throws Exception {
		try (ThriftTestClient thrift = new ThriftTestClient(this.thriftPort)) {
			List<Message> messages = thrift.client().getMessages(List.of("1", "50000", "no-such-id"));
			List<Inbox> inboxes = thrift.client().inbox(List.of("1", "10000"), 3);

			assertThat(messages).extracting(Message::getId).containsExactly("1", "50000");
			assertThat(inboxes).extracting(Inbox::getUserId).containsExactly("1", "10000");
			assertThat(inboxes).allSatisfy((inbox) -> assertThat(inbox.getMessages()).hasSizeLessThanOrEqualTo(3));
		}
	}

}

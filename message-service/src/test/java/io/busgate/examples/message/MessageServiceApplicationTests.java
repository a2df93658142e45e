package io.busgate.examples.message;

import java.util.List;

import io.opentelemetry.api.OpenTelemetry;
import org.apache.thrift.transport.TTransportException;
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
import io.busgate.examples.message.thrift.MessageService;
import io.busgate.examples.message.thrift.NotFound;
import io.busgate.examples.message.thrift.PermissionDenied;
import io.busgate.observability.thrift.ThriftClientTracing;
import io.busgate.observability.thrift.ThriftPrincipal;

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
		try (ThriftTestClient thrift = callerClient()) {
			MessageService.Client calls = thrift.client();
			Message first = ThriftPrincipal.callAs("10",
					() -> calls.sendMessage(MessageServiceHandlerTests.request("10", "20", "Lunch?", "app-1")));
			Message again = ThriftPrincipal.callAs("10",
					() -> calls.sendMessage(MessageServiceHandlerTests.request("10", "20", "Lunch?", "app-1")));

			assertThat(again).isEqualTo(first);
			assertThat(first.getId()).isEqualTo("50001");
			List<Inbox> inbox = ThriftPrincipal.callAs("20", () -> calls.inbox(List.of("20"), 100));
			assertThat(inbox.get(0).getMessages()).filteredOn((message) -> message.getBody().equals("Lunch?"))
				.containsExactly(first);
		}
	}

	@Test
	void validationFailuresAreDeclaredExceptions() throws Exception {
		try (ThriftTestClient thrift = callerClient()) {
			MessageService.Client calls = thrift.client();
			assertThatExceptionOfType(InvalidArgument.class)
				.isThrownBy(() -> ThriftPrincipal.callAs("1",
						() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "2", "", null))))
				.withMessage("body must not be blank");
			assertThatExceptionOfType(NotFound.class)
				.isThrownBy(() -> ThriftPrincipal.callAs("1",
						() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "10001", "hi", null))))
				.withMessage("No user with id '10001'");
			assertThatExceptionOfType(PermissionDenied.class)
				.isThrownBy(() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "2", "hi", null)))
				.withMessage("permission denied: an anonymous caller may not send messages");
		}
	}

	@Test
	void getMessagesAndInboxServeTheSeededDataToItsUsers() throws Exception {
		try (ThriftTestClient thrift = callerClient()) {
			MessageService.Client calls = thrift.client();
			List<String> ids = List.of("1", "no-such-id");

			// The seeded message 1 is from 7557 to 3376 (seed 42).
			for (String party : List.of("7557", "3376")) {
				assertThat(ThriftPrincipal.callAs(party, () -> calls.getMessages(ids))).extracting(Message::getId)
					.containsExactly("1");
			}
			assertThat(ThriftPrincipal.callAs("1", () -> calls.getMessages(ids))).isEmpty();
			assertThat(calls.getMessages(ids)).isEmpty();
			List<Inbox> inboxes = ThriftPrincipal.callAs("10000", () -> calls.inbox(List.of("10000"), 3));
			assertThat(inboxes).singleElement().satisfies((inbox) -> {
				assertThat(inbox.getUserId()).isEqualTo("10000");
				assertThat(inbox.getMessages()).hasSize(3)
					.allSatisfy((message) -> assertThat(message.getToUserId()).isEqualTo("10000"));
			});
		}
	}

	/** A client whose calls carry the principal of {@link ThriftPrincipal#callAs}. */
	private ThriftTestClient callerClient() throws TTransportException {
		ThriftClientTracing protocols = new ThriftClientTracing(OpenTelemetry.noop(),
				MessageServiceConfiguration.SERVICE_NAME, "127.0.0.1:" + this.thriftPort);
		return new ThriftTestClient(this.thriftPort, protocols::protocol);
	}

}

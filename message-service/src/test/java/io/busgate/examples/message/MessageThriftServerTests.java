package io.busgate.examples.message;

import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.thrift.server.TServer;
import org.apache.thrift.server.TSimpleServer;
import org.apache.thrift.transport.TServerSocket;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.env.StandardEnvironment;

import io.busgate.examples.message.thrift.InvalidArgument;
import io.busgate.examples.message.thrift.Message;
import io.busgate.examples.message.thrift.MessageService;
import io.busgate.examples.message.thrift.NotFound;
import io.busgate.examples.message.thrift.PermissionDenied;
import io.busgate.observability.thrift.ThriftClientTracing;
import io.busgate.observability.thrift.ThriftPrincipal;
import io.busgate.observability.thrift.ThriftServerTracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The Thrift server without Spring: lifecycle, framing, the message size limit, and server spans
 * from the trace context a client sends.
 */
class MessageThriftServerTests {

	private final StandardEnvironment environment = new StandardEnvironment();

	private final InMemorySpanExporter spans = InMemorySpanExporter.create();

	private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
		.setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(this.spans)).build())
		.setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
		.build();

	private MessageThriftServer server;

	@BeforeEach
	void start() {
		MessageServiceProperties properties = MessageStoreTests.properties(20, 50, 100);
		this.server = new MessageThriftServer(
				new MessageServiceHandler(MessageStore.seeded(properties, Clock.systemUTC())), properties,
				this.environment, new ThriftServerTracing(this.openTelemetry, MessageServiceConfiguration.SERVICE_NAME));
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop();
		this.openTelemetry.close();
	}

	@Test
	void tracedCallIsServedInAServerSpanChildOfTheClientSpan() throws Exception {
		ThriftClientTracing tracing = new ThriftClientTracing(this.openTelemetry,
				MessageServiceConfiguration.SERVICE_NAME, "127.0.0.1:" + this.server.port());
		try (ThriftTestClient client = new ThriftTestClient(this.server.port(), tracing::protocol)) {
			// A struct argument: the context fields go into the arguments struct, not into it.
			Message sent = ThriftPrincipal.callAs("1", () -> tracing.call("sendMessage",
					() -> client.client().sendMessage(MessageServiceHandlerTests.request("1", "2", "traced", "t"))));

			assertThat(sent.getBody()).isEqualTo("traced");
		}

		await().atMost(Duration.ofSeconds(5)).until(() -> this.spans.getFinishedSpanItems().size() == 2);
		SpanData clientSpan = span(SpanKind.CLIENT);
		SpanData serverSpan = span(SpanKind.SERVER);
		assertThat(serverSpan.getName()).isEqualTo("MessageService/sendMessage");
		assertThat(serverSpan.getTraceId()).isEqualTo(clientSpan.getTraceId());
		assertThat(serverSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
	}

	@Test
	void untracedClientIsServedInATraceOfItsOwn() throws Exception {
		try (ThriftTestClient client = new ThriftTestClient(this.server.port())) {
			// Served, as for any anonymous caller: no message is theirs.
			assertThat(client.client().getMessages(List.of("1"))).isEmpty();
		}

		await().atMost(Duration.ofSeconds(5)).until(() -> this.spans.getFinishedSpanItems().size() == 1);
		SpanData serverSpan = span(SpanKind.SERVER);
		assertThat(serverSpan.getName()).isEqualTo("MessageService/getMessages");
		assertThat(serverSpan.getParentSpanContext().isValid()).isFalse();
	}

	@Test
	void callsMadeForAPrincipalReadOnlyTheirOwnInboxAndSendOnlyAsThemselves() throws Exception {
		try (ThriftTestClient client = callerClient(this.server.port())) {
			MessageService.Client calls = client.client();

			assertThat(ThriftPrincipal.callAs("2", () -> calls.inbox(List.of("2", "2"), 1))).hasSize(2);
			assertThat(ThriftPrincipal.callAs("1", () -> calls.sendMessage(MessageServiceHandlerTests.request("1", "2",
					"mine", null))).getFromUserId()).isEqualTo("1");
			assertThatExceptionOfType(PermissionDenied.class)
				.isThrownBy(() -> ThriftPrincipal.callAs("2", () -> calls.inbox(List.of("2", "3", "1", "3"), 1)))
				.withMessage("permission denied: user '2' may read only their own inbox, not [3, 1]");
			assertThatExceptionOfType(PermissionDenied.class)
				.isThrownBy(() -> ThriftPrincipal.callAs("2",
						() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "3", "forged", null))))
				.withMessage("permission denied: user '2' may send only as themselves, not as '1'");
			// Anonymous calls on the same connection: nothing of the calls before stays with it, and
			// private data needs a caller.
			assertThatExceptionOfType(PermissionDenied.class).isThrownBy(() -> calls.inbox(List.of("3"), 1))
				.withMessage("permission denied: an anonymous caller may not read an inbox");
			assertThatExceptionOfType(PermissionDenied.class)
				.isThrownBy(() -> ThriftPrincipal.callAs(null,
						() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "3", "anonymous", "k"))))
				.withMessage("permission denied: an anonymous caller may not send messages");
			assertThat(ThriftPrincipal.callAs("3", () -> calls.inbox(List.of("3"), 1))).hasSize(1);
		}
	}

	@Test
	void aMessageIsShownOnlyToItsSenderAndItsRecipient() throws Exception {
		try (ThriftTestClient client = callerClient(this.server.port())) {
			MessageService.Client calls = client.client();
			Message sent = ThriftPrincipal.callAs("1",
					() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "2", "between us", null)));
			List<String> ids = List.of(sent.getId());

			assertThat(ThriftPrincipal.callAs("1", () -> calls.getMessages(ids))).containsExactly(sent);
			assertThat(ThriftPrincipal.callAs("2", () -> calls.getMessages(ids))).containsExactly(sent);
			// Anyone else, and an anonymous caller, gets what an unknown id gets: nothing.
			assertThat(ThriftPrincipal.callAs("3", () -> calls.getMessages(ids))).isEmpty();
			assertThat(calls.getMessages(ids)).isEmpty();
			assertThat(ThriftPrincipal.callAs("3", () -> calls.getMessages(List.of("no-such-id")))).isEmpty();
		}
	}

	@Test
	void idempotencyKeysAreTheCallersOwn() throws Exception {
		try (ThriftTestClient client = callerClient(this.server.port())) {
			MessageService.Client calls = client.client();

			Message fromTwo = ThriftPrincipal.callAs("2",
					() -> calls.sendMessage(MessageServiceHandlerTests.request("2", "3", "from two", "kx-9")));
			Message fromOne = ThriftPrincipal.callAs("1",
					() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "4", "from one", "kx-9")));
			Message again = ThriftPrincipal.callAs("1",
					() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "4", "from one", "kx-9")));

			assertThat(fromOne.getId()).isNotEqualTo(fromTwo.getId());
			assertThat(fromOne).extracting(Message::getFromUserId, Message::getToUserId, Message::getBody)
				.containsExactly("1", "4", "from one");
			assertThat(again).isEqualTo(fromOne);
			assertThatExceptionOfType(InvalidArgument.class)
				.isThrownBy(() -> ThriftPrincipal.callAs("1",
						() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "4", "changed", "kx-9"))))
				.withMessage("idempotency key 'kx-9' was used for a different request");
			assertThat(ThriftPrincipal.callAs("4", () -> calls.inbox(List.of("4"), 100)))
				.singleElement()
				.satisfies((inbox) -> assertThat(inbox.getMessages()).filteredOn((message) -> message.getBody()
					.equals("from one") || message.getBody().equals("changed")).containsExactly(fromOne));
		}
	}

	@Test
	void serverWithoutTheDecoratorsSkipsThePrincipalAndTraceFields() throws Exception {
		MessageServiceProperties properties = MessageStoreTests.properties(20, 50, 100);
		TServerSocket socket = new TServerSocket(new InetSocketAddress("127.0.0.1", 0));
		TSimpleServer plain = new TSimpleServer(new TServer.Args(socket)
			.processor(new MessageService.Processor<>(
					new MessageServiceHandler(MessageStore.seeded(properties, Clock.systemUTC()))))
			.transportFactory(new TFramedTransport.Factory()));
		Thread serving = new Thread(plain::serve, "plain-thrift-server");
		serving.start();
		try {
			await().atMost(Duration.ofSeconds(10)).until(plain::isServing);
			ThriftClientTracing tracing = new ThriftClientTracing(this.openTelemetry,
					MessageServiceConfiguration.SERVICE_NAME, "127.0.0.1:" + socket.getServerSocket().getLocalPort());
			try (ThriftTestClient client = new ThriftTestClient(socket.getServerSocket().getLocalPort(),
					tracing::protocol)) {
				// The server never sees the principal: the call is served as an anonymous one, refused.
				assertThatExceptionOfType(PermissionDenied.class)
					.isThrownBy(() -> ThriftPrincipal.callAs("2",
							() -> tracing.call("inbox", () -> client.client().inbox(List.of("2"), 1))))
					.withMessage("permission denied: an anonymous caller may not read an inbox");
			}
		}
		finally {
			plain.stop();
			serving.join(10_000);
		}
	}

	/** A client whose calls carry the principal of {@link ThriftPrincipal#callAs}. */
	private ThriftTestClient callerClient(int port) throws TTransportException {
		ThriftClientTracing tracing = new ThriftClientTracing(this.openTelemetry,
				MessageServiceConfiguration.SERVICE_NAME, "127.0.0.1:" + port);
		return new ThriftTestClient(port, tracing::protocol);
	}

	private SpanData span(SpanKind kind) {
		return this.spans.getFinishedSpanItems().stream().filter((span) -> span.getKind() == kind).findFirst().orElseThrow();
	}

	@Test
	void servesCallsAndDeclaredExceptionsOnItsPublishedPort() throws Exception {
		int port = this.environment.getProperty(MessageServiceApplication.LOCAL_PORT_PROPERTY, Integer.class);
		assertThat(port).isEqualTo(this.server.port()).isPositive();
		assertThat(this.server.isServing()).isTrue();
		try (ThriftTestClient client = callerClient(port)) {
			MessageService.Client calls = client.client();
			Message sent = ThriftPrincipal.callAs("1",
					() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "2", "hi", "k")));

			assertThat(ThriftPrincipal.callAs("1", () -> calls.getMessages(List.of(sent.getId())))).containsExactly(sent);
			assertThatExceptionOfType(NotFound.class)
				.isThrownBy(() -> ThriftPrincipal.callAs("1",
						() -> calls.sendMessage(MessageServiceHandlerTests.request("1", "21", "hi", null))))
				.withMessage("No user with id '21'");
			assertThatExceptionOfType(InvalidArgument.class)
				.isThrownBy(() -> calls.inbox(List.of("1"), 0))
				.withMessage("first must be between 1 and 100, was 0");
			// The connection survives declared exceptions.
			assertThat(ThriftPrincipal.callAs("2", () -> calls.inbox(List.of("2"), 1)).get(0).getMessages())
				.containsExactly(sent);
		}
	}

	@Test
	void frameAboveTheMessageSizeLimitClosesTheConnection() throws Exception {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.server.port()), 2000);
			socket.setSoTimeout(5000);
			// A frame header announcing 65 KB, more than the 64 KB the test server accepts.
			new DataOutputStream(socket.getOutputStream()).writeInt(65 * 1024);
			InputStream in = socket.getInputStream();

			assertThat(in.read()).isEqualTo(-1);
		}
	}

	@Test
	void stoppedServerRefusesConnectionsAndCanStartAgain() throws Exception {
		int port = this.server.port();

		this.server.stop();

		assertThat(this.server.isRunning()).isFalse();
		assertThatExceptionOfType(TTransportException.class).isThrownBy(() -> new ThriftTestClient(port).close());
		this.server.start();
		try (ThriftTestClient client = callerClient(this.server.port())) {
			assertThat(ThriftPrincipal.callAs("1", () -> client.client().inbox(List.of("1"), 1))).hasSize(1);
		}
	}

}

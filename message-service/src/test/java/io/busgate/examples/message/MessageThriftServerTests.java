package io.busgate.examples.message;

import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.util.List;

import org.apache.thrift.transport.TTransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.env.StandardEnvironment;

import io.busgate.examples.message.thrift.InvalidArgument;
import io.busgate.examples.message.thrift.Message;
import io.busgate.examples.message.thrift.NotFound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The Thrift server without Spring: lifecycle, framing and the message size limit. */
class MessageThriftServerTests {

	private final StandardEnvironment environment = new StandardEnvironment();

	private MessageThriftServer server;

	@BeforeEach
	void start() {
		MessageServiceProperties properties = MessageStoreTests.properties(20, 50, 100);
		this.server = new MessageThriftServer(
				new MessageServiceHandler(MessageStore.seeded(properties, Clock.systemUTC())), properties,
				this.environment);
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop();
	}

	@Test
	void servesCallsAndDeclaredExceptionsOnItsPublishedPort() throws Exception {
		int port = this.environment.getProperty(MessageServiceApplication.LOCAL_PORT_PROPERTY, Integer.class);
		assertThat(port).isEqualTo(this.server.port()).isPositive();
		assertThat(this.server.isServing()).isTrue();
		try (ThriftTestClient client = new ThriftTestClient(port)) {
			Message sent = client.client().sendMessage(MessageServiceHandlerTests.request("1", "2", "hi", "k"));

			assertThat(client.client().getMessages(List.of(sent.getId()))).containsExactly(sent);
			assertThatExceptionOfType(NotFound.class)
				.isThrownBy(() -> client.client().sendMessage(MessageServiceHandlerTests.request("1", "21", "hi", null)))
				.withMessage("No user with id '21'");
			assertThatExceptionOfType(InvalidArgument.class)
				.isThrownBy(() -> client.client().inbox(List.of("1"), 0))
				.withMessage("first must be between 1 and 100, was 0");
			// The connection survives declared exceptions.
			assertThat(client.client().inbox(List.of("2"), 1).get(0).getMessages()).containsExactly(sent);
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
		try (ThriftTestClient client = new ThriftTestClient(this.server.port())) {
			assertThat(client.client().getMessages(List.of("1"))).hasSize(1);
		}
	}

}

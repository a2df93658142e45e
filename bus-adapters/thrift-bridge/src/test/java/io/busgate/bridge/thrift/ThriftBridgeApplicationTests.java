package io.busgate.bridge.thrift;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;

import io.busgate.bus.BusReply;
import io.busgate.bus.BusStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole thrift-bridge application given the example message service's routes as the local
 * stack gives them ({@code --spring.config.import=file:compose/routes/message.yml}, no profile)
 * with message-service's IDL, over a real broker. message-service is not running (the bridge
 * has no dependency on it; the system tests bridge the real one): each reply shows the route the
 * file configured, up to the call the backend did not take.
 */
@EmbeddedKafka(partitions = 1, topics = "gateway.replies.example")
class ThriftBridgeApplicationTests {

	private static ConfigurableApplicationContext bridge;

	private static String brokers;

	private static int closedPort;

	@BeforeAll
	static void start(EmbeddedKafkaBroker broker) throws IOException {
		brokers = broker.getBrokersAsString();
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closedPort = socket.getLocalPort();
		}
		bridge = ThriftBridgeApplication.application()
			.run("--spring.config.import=file:" + ShippedConfiguration.MESSAGE_ROUTES,
					"--spring.kafka.bootstrap-servers=" + brokers,
					// Requests written before the bridge's consumer is assigned are still served.
					"--busgate.bridge.partitions=2", "--busgate.bridge.thrift.port=" + closedPort,
					"--busgate.bridge.thrift.idl=" + ShippedConfiguration.MESSAGE_IDL, "--server.port=0",
					"--spring.main.banner-mode=off");
	}

	@AfterAll
	static void stop() {
		bridge.close();
	}

	@Test
	void exampleRoutesFileRoutesTheMessageOperations() throws Exception {
		try (BusCaller gateway = new BusCaller(brokers, "example")) {
			String lookup = gateway.send("message.getMessages", List.of("1"), Map.of(), null, "7557");
			String inbox = gateway.send("message.inbox", List.of("5"), Map.of("userIds", List.of("6")), null, "5");
			String send = gateway.send("message.sendMessage", null, Map.of("body", "Walk?"), "example-key", "5");
			String unrouted = gateway.send("message.deleteAll", null, Map.of(), null, "5");

			Map<String, BusReply> replies = gateway.awaitReplies(List.of(lookup, inbox, send, unrouted));

			assertThat(replies.get(lookup).status()).isEqualTo(BusStatus.UNAVAILABLE);
			assertThat(replies.get(lookup).errorMessage())
				.startsWith("getMessages (message.getMessages): 127.0.0.1:" + closedPort + " unreachable");
			assertThat(replies.get(inbox).status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
			assertThat(replies.get(inbox).errorMessage())
				.isEqualTo("argument 'userIds' of message.inbox is filled from the request's keys and cannot be given");
			assertThat(replies.get(send).status()).isEqualTo(BusStatus.INVALID_ARGUMENT);
			assertThat(replies.get(send).errorMessage())
				.isEqualTo("message.sendMessage takes its request from argument 'input' only, not [body]");
			assertThat(replies.get(unrouted).status()).isEqualTo(BusStatus.UNIMPLEMENTED);
			assertThat(replies.get(unrouted).errorMessage()).isEqualTo("no Thrift route for operation"
					+ " message.deleteAll; routes: [message.getMessages, message.inbox, message.sendMessage]");
		}
	}

}

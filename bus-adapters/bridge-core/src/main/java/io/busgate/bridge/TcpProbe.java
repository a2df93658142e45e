package io.busgate.bridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link BackendClient#probe} for backends without a health call of their own: the backend
 * answers if it accepts a TCP connection. Nothing is sent, so the backend sees no request.
 */
public final class TcpProbe {

	private TcpProbe() {
	}

	/** Connects to {@code host:port} and closes the connection, on the caller's thread. */
	public static CompletableFuture<Void> connect(String host, int port, Duration timeout) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
			return CompletableFuture.completedFuture(null);
		}
		catch (IOException ex) {
			return CompletableFuture.failedFuture(
					new UncheckedIOException("cannot connect to " + host + ":" + port + ": " + ex.getMessage(), ex));
		}
	}

}

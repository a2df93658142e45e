package io.busgate.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 in front of a backend port, for one bridge. Once {@link #silence()}d,
 * it still passes the bridge's calls on, so the backend serves them (a mutation is applied), but
 * swallows the backend's answers: the bridge waits for answers that never come, holding its
 * requests in flight until the test kills it. The protocol (gRPC, Thrift) does not matter.
 */
final class SilencedBackend implements AutoCloseable {

	private final int backendPort;

	private final ServerSocket server;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile boolean silenced;

	SilencedBackend(int backendPort) {
		this.backendPort = backendPort;
		try {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		daemon("relay-accept-" + backendPort, this::accept).start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	/** From now on, nothing the backend sends reaches the bridge. */
	void silence() {
		this.silenced = true;
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket bridge = this.server.accept();
				this.sockets.add(bridge);
				Socket backend = new Socket(InetAddress.getLoopbackAddress(), this.backendPort);
				this.sockets.add(backend);
				daemon("relay-calls", () -> pump(bridge, backend, false)).start();
				daemon("relay-answers", () -> pump(backend, bridge, true)).start();
			}
			catch (IOException ex) {
				// Closed: the test is over.
			}
		}
	}

	private void pump(Socket from, Socket to, boolean answers) {
		byte[] buffer = new byte[8192];
		try (from; to) {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				if (!(answers && this.silenced)) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
		}
		catch (IOException ex) {
			// Either side went away (the bridge killed): so does the other.
		}
		finally {
			this.sockets.remove(from);
			this.sockets.remove(to);
		}
	}

	private static Thread daemon(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

}

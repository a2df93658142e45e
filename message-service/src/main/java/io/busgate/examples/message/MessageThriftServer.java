package io.busgate.examples.message;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.server.TThreadedSelectorServer;
import org.apache.thrift.transport.TNonblockingServerSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import io.busgate.examples.message.thrift.MessageService;
import io.busgate.observability.thrift.ThriftServerTracing;

/**
 * The Thrift server, started and stopped with the application context.
 *
 * <p>A {@link TThreadedSelectorServer}: an accept thread, a few selector threads for the
 * connections' I/O and a pool of worker threads for the calls, so many idle or slow connections
 * cost no thread each. Being non-blocking, it reads framed messages only: clients use
 * {@code TFramedTransport} with {@link TBinaryProtocol}. A frame larger than
 * {@code max-message-size} closes its connection before any of it is buffered. Every call is a
 * server span, child of the trace context the client sent ({@link ThriftServerTracing}).
 */
final class MessageThriftServer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(MessageThriftServer.class);

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final MessageService.Iface handler;

	private final MessageServiceProperties properties;

	private final ConfigurableEnvironment environment;

	private final ThriftServerTracing tracing;

	private volatile TThreadedSelectorServer server;

	private volatile Thread serving;

	private volatile int port = -1;

	MessageThriftServer(MessageService.Iface handler, MessageServiceProperties properties,
			ConfigurableEnvironment environment, ThriftServerTracing tracing) {
		this.handler = handler;
		this.properties = properties;
		this.environment = environment;
		this.tracing = tracing;
	}

	@Override
	public synchronized void start() {
		if (isRunning()) {
			return;
		}
		int maxMessageSize = (int) this.properties.maxMessageSize().toBytes();
		TNonblockingServerSocket socket;
		try {
			// Binds here, so a port in use fails the application's startup.
			socket = new TNonblockingServerSocket(new TNonblockingServerSocket.NonblockingAbstractServerSocketArgs()
				.bindAddr(new InetSocketAddress(this.properties.host(), this.properties.port()))
				.maxFrameSize(maxMessageSize));
		}
		catch (TTransportException ex) {
			throw new IllegalStateException("Thrift server cannot listen on " + this.properties.host() + ":"
					+ this.properties.port() + ": " + ex.getMessage(), ex);
		}
		TThreadedSelectorServer.Args args = new TThreadedSelectorServer.Args(socket)
			.selectorThreads(this.properties.selectorThreads())
			.workerThreads(this.properties.workerThreads())
			.stopTimeoutVal((int) STOP_TIMEOUT.toSeconds())
			.stopTimeoutUnit(TimeUnit.SECONDS);
		args.processor(this.tracing.processor(new MessageService.Processor<>(this.handler)))
			.protocolFactory(this.tracing.protocolFactory(new TBinaryProtocol.Factory()))
			.transportFactory(new LimitedFramedTransportFactory(maxMessageSize));
		TThreadedSelectorServer created = new TThreadedSelectorServer(args);
		Thread thread = new Thread(created::serve, "message-service-thrift");
		this.server = created;
		this.serving = thread;
		this.port = socket.getPort();
		thread.start();
		awaitServing(created);
		publishPort(this.port);
		logger.info("Thrift server listening on " + this.properties.host() + ":" + this.port);
	}

	private void awaitServing(TThreadedSelectorServer created) {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (!created.isServing()) {
			if (!this.serving.isAlive() || System.nanoTime() > deadline) {
				stop();
				throw new IllegalStateException("Thrift server did not start serving within " + START_TIMEOUT);
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				stop();
				throw new IllegalStateException("interrupted while starting the Thrift server", ex);
			}
		}
	}

	private void publishPort(int port) {
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("message-service.ports",
					Map.of(MessageServiceApplication.LOCAL_PORT_PROPERTY, port)));
	}

	@Override
	public synchronized void stop() {
		TThreadedSelectorServer current = this.server;
		Thread thread = this.serving;
		if (current == null) {
			return;
		}
		// Stops accepting, closes every connection, then lets running calls finish.
		current.stop();
		try {
			thread.join(STOP_TIMEOUT.toMillis() + 1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.server = null;
		this.serving = null;
		logger.info("Thrift server on port " + this.port + " stopped");
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	/** Whether the server is accepting and serving calls. */
	boolean isServing() {
		TThreadedSelectorServer current = this.server;
		return current != null && current.isServing();
	}

	/** The port listened on, or -1 before the first start. */
	int port() {
		return this.port;
	}

	/**
	 * Framed transports (the non-blocking server's default) whose message size limit is the
	 * configured one rather than Thrift's default of 100 MB. The server socket's frame limit
	 * already bounds what is buffered; this makes the protocol's own checks (string and container
	 * lengths against the bytes left) use the same limit.
	 */
	private static final class LimitedFramedTransportFactory extends TFramedTransport.Factory {

		private final int maxMessageSize;

		LimitedFramedTransportFactory(int maxMessageSize) {
			super(maxMessageSize);
			this.maxMessageSize = maxMessageSize;
		}

		@Override
		public TTransport getTransport(TTransport base) throws TTransportException {
			// TFramedTransport reads frames through a buffer sharing this configuration.
			base.getConfiguration().setMaxMessageSize(this.maxMessageSize);
			return super.getTransport(base);
		}

	}

}

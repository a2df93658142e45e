package io.busgate.bridge.thrift;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.apache.thrift.TBase;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.TServiceClient;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;

/**
 * One connection to the backend: a socket with Thrift's framed transport and binary protocol.
 * Not thread-safe: it serves one call at a time, which the pool guarantees.
 */
final class ThriftConnection implements AutoCloseable {

	private final TSocket socket;

	private final TTransport transport;

	private final GenericCall calls;

	private int served;

	private ThriftConnection(TSocket socket, TTransport transport, UnaryOperator<TProtocol> protocols) {
		this.socket = socket;
		this.transport = transport;
		this.calls = new GenericCall(protocols.apply(new TBinaryProtocol(transport)));
	}

	/**
	 * Connects.
	 * @param maxMessageSize the largest frame and message read; Thrift's default is 100 MB
	 * @param protocols decorates the binary protocol, e.g. to send the trace context
	 * @throws TTransportException if the backend cannot be reached
	 */
	static ThriftConnection open(String host, int port, Duration connectTimeout, int maxMessageSize,
			UnaryOperator<TProtocol> protocols) throws TTransportException {
		// A configuration per connection: TFramedTransport writes its frame limit into it.
		TConfiguration configuration = new TConfiguration(maxMessageSize, maxMessageSize,
				TConfiguration.DEFAULT_RECURSION_DEPTH);
		TSocket socket = new TSocket(configuration, host, port, 0, (int) connectTimeout.toMillis());
		TTransport transport = new TFramedTransport(socket, maxMessageSize);
		transport.open();
		return new ThriftConnection(socket, transport, protocols);
	}

	/**
	 * Calls a method and reads its result, waiting at most {@code timeout} for each read.
	 * @param args the method's {@code <method>_args} struct
	 * @param result an empty {@code <method>_result} struct to read into
	 * @return {@code result}, filled
	 * @throws TException as the call fails: transport failures and timeouts
	 * ({@link TTransportException}), undeclared server failures
	 * ({@link org.apache.thrift.TApplicationException}), unreadable answers
	 */
	TBase<?, ?> call(String method, TBase<?, ?> args, TBase<?, ?> result, Duration timeout) throws TException {
		this.socket.setSocketTimeout((int) Math.max(1, Math.min(timeout.toMillis(), Integer.MAX_VALUE)));
		this.served++;
		this.calls.call(method, args, result);
		return result;
	}

	/** Whether the connection served a call before: it may have been closed by the backend since. */
	boolean isReused() {
		return this.served > 0;
	}

	@Override
	public void close() {
		this.transport.close();
	}

	/**
	 * Thrift's own request-reply exchange of generated clients (message framing, sequence ids,
	 * server exceptions), for any method: generated clients only offer it method by method.
	 */
	private static final class GenericCall extends TServiceClient {

		GenericCall(TProtocol protocol) {
			super(protocol);
		}

		void call(String method, TBase<?, ?> args, TBase<?, ?> result) throws TException {
			sendBase(method, args);
			receiveBase(result, method);
		}

	}

}

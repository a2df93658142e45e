package io.busgate.bridge.thrift;

import java.time.Duration;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.thrift.TApplicationException;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolException;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;

import io.busgate.thrift.idl.ThriftIdl.StructDef;

/**
 * One connection to the backend: a socket with Thrift's framed transport and binary protocol.
 * Not thread-safe: it serves one call at a time, which the pool guarantees.
 */
final class ThriftConnection implements AutoCloseable {

	private final TSocket socket;

	private final TTransport transport;

	private final TProtocol protocol;

	private final ThriftWire wire;

	private int served;

	private int sequenceId;

	private ThriftConnection(TSocket socket, TTransport transport, UnaryOperator<TProtocol> protocols,
			ThriftWire wire) {
		this.socket = socket;
		this.transport = transport;
		this.protocol = protocols.apply(new TBinaryProtocol(transport));
		this.wire = wire;
	}

	/**
	 * Connects.
	 * @param maxMessageSize the largest frame and message read; Thrift's default is 100 MB
	 * @param protocols decorates the binary protocol, e.g. to send the trace context
	 * @param wire writes the arguments and reads the results
	 * @throws TTransportException if the backend cannot be reached
	 */
	static ThriftConnection open(String host, int port, Duration connectTimeout, int maxMessageSize,
			UnaryOperator<TProtocol> protocols, ThriftWire wire) throws TTransportException {
		// A configuration per connection: TFramedTransport writes its frame limit into it.
		TConfiguration configuration = new TConfiguration(maxMessageSize, maxMessageSize,
				TConfiguration.DEFAULT_RECURSION_DEPTH);
		TSocket socket = new TSocket(configuration, host, port, 0, (int) connectTimeout.toMillis());
		TTransport transport = new TFramedTransport(socket, maxMessageSize);
		transport.open();
		return new ThriftConnection(socket, transport, protocols, wire);
	}

	/**
	 * Makes a call and reads its result, waiting at most {@code timeout} for each read: Thrift's
	 * own exchange (a {@code CALL} message with the arguments struct, a {@code REPLY} with the
	 * result struct or an {@code EXCEPTION} with a {@link TApplicationException}, matched by
	 * sequence id), as generated clients make it.
	 * @return the result struct as JSON ({@link ThriftWire#read})
	 * @throws TException as the call fails: transport failures and timeouts
	 * ({@link TTransportException}), undeclared server failures
	 * ({@link TApplicationException}), unreadable answers
	 */
	Map<String, Object> call(Call call, Duration timeout) throws TException {
		this.socket.setSocketTimeout((int) Math.max(1, Math.min(timeout.toMillis(), Integer.MAX_VALUE)));
		this.served++;
		int sequenceId = ++this.sequenceId;
		this.protocol.writeMessageBegin(new TMessage(call.method(), TMessageType.CALL, sequenceId));
		this.wire.write(this.protocol, call.arguments(), call.values());
		this.protocol.writeMessageEnd();
		this.transport.flush();
		TMessage reply = this.protocol.readMessageBegin();
		if (reply.type == TMessageType.EXCEPTION) {
			TApplicationException failure = TApplicationException.readFrom(this.protocol);
			this.protocol.readMessageEnd();
			throw failure;
		}
		if (reply.seqid != sequenceId) {
			throw new TApplicationException(TApplicationException.BAD_SEQUENCE_ID,
					call.method() + " failed: out of sequence response: expected " + sequenceId + " but got "
							+ reply.seqid);
		}
		if (reply.type != TMessageType.REPLY || !call.method().equals(reply.name)) {
			throw new TProtocolException(TProtocolException.INVALID_DATA,
					"expected the reply of " + call.method() + ", was a message of type " + reply.type + " for "
							+ reply.name);
		}
		Map<String, Object> result = this.wire.read(this.protocol, call.result());
		this.protocol.readMessageEnd();
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
	 * One call of a service function.
	 *
	 * @param method the function
	 * @param arguments its arguments struct
	 * @param values the arguments' values ({@link ThriftJsonMapper})
	 * @param result its result struct
	 */
	record Call(String method, StructDef arguments, Map<String, Object> values, StructDef result) {

	}

}

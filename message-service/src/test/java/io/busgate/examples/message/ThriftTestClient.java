package io.busgate.examples.message;

import java.util.function.UnaryOperator;

import org.apache.thrift.TConfiguration;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;
import org.apache.thrift.transport.layered.TFramedTransport;

import io.busgate.examples.message.thrift.MessageService;

/** A plain Thrift client of the message service, as any client would connect: framed, binary. */
final class ThriftTestClient implements AutoCloseable {

	private final TTransport transport;

	private final MessageService.Client client;

	ThriftTestClient(int port) throws TTransportException {
		this(port, UnaryOperator.identity());
	}

	/** A client whose binary protocol is decorated, e.g. to send the trace context. */
	ThriftTestClient(int port, UnaryOperator<TProtocol> protocols) throws TTransportException {
		TSocket socket = new TSocket(new TConfiguration(), "127.0.0.1", port, 5000, 2000);
		this.transport = new TFramedTransport(socket);
		this.transport.open();
		this.client = new MessageService.Client(protocols.apply(new TBinaryProtocol(this.transport)));
	}

	MessageService.Client client() {
		return this.client;
	}

	TTransport transport() {
		return this.transport;
	}

	@Override
	public void close() {
		this.transport.close();
	}

}

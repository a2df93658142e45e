package io.busgate.observability.thrift;

import java.util.HashMap;
import java.util.Map;

import org.apache.thrift.TException;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolDecorator;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;

/**
 * Takes the trace context and principal fields ({@link ThriftTraceContext}) out of a call's
 * arguments struct before the generated code reads it, and tells {@link ThriftServerTracing}
 * when the call is read, i.e. right before its handler runs. Not thread-safe, like the protocol
 * it decorates.
 */
final class ContextReadingProtocol extends TProtocolDecorator {

	private final Map<String, String> context = new HashMap<>();

	private final CallListener listener;

	private String method;

	private String principal;

	private int depth;

	ContextReadingProtocol(TProtocol protocol, CallListener listener) {
		super(protocol);
		this.listener = listener;
	}

	@Override
	public TMessage readMessageBegin() throws TException {
		TMessage message = super.readMessageBegin();
		this.method = message.name;
		this.context.clear();
		this.principal = null;
		this.depth = 0;
		return message;
	}

	@Override
	public TStruct readStructBegin() throws TException {
		this.depth++;
		return super.readStructBegin();
	}

	@Override
	public void readStructEnd() throws TException {
		this.depth--;
		super.readStructEnd();
	}

	@Override
	public TField readFieldBegin() throws TException {
		TField field = super.readFieldBegin();
		while (this.depth == 1 && field.type == TType.STRING && (ThriftTraceContext.FIELD_NAMES.containsKey(field.id)
				|| field.id == ThriftTraceContext.PRINCIPAL_FIELD)) {
			if (field.id == ThriftTraceContext.PRINCIPAL_FIELD) {
				this.principal = super.readString();
			}
			else {
				this.context.put(ThriftTraceContext.FIELD_NAMES.get(field.id), super.readString());
			}
			super.readFieldEnd();
			field = super.readFieldBegin();
		}
		return field;
	}

	CallListener listener() {
		return this.listener;
	}

	@Override
	public void readMessageEnd() throws TException {
		super.readMessageEnd();
		this.listener.callRead(this.method, Map.copyOf(this.context), this.principal);
	}

	/** Told when a call's arguments are read, with its method, trace context and principal. */
	interface CallListener {

		/**
		 * @param principal the principal the client sent, or {@code null}
		 */
		void callRead(String method, Map<String, String> traceContext, String principal);

	}

}

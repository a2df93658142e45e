package io.busgate.observability.thrift;

import java.util.HashMap;
import java.util.Map;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TMessage;
import org.apache.thrift.protocol.TMessageType;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.protocol.TProtocolDecorator;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;

/**
 * Writes the current trace context and principal ({@link ThriftPrincipal#callAs}) into every
 * call's arguments struct, as {@link ThriftTraceContext} describes. Not thread-safe, like the
 * protocol it decorates.
 */
final class ContextWritingProtocol extends TProtocolDecorator {

	private final TextMapPropagator propagator;

	private boolean call;

	private int depth;

	ContextWritingProtocol(TProtocol protocol, TextMapPropagator propagator) {
		super(protocol);
		this.propagator = propagator;
	}

	@Override
	public void writeMessageBegin(TMessage message) throws TException {
		this.call = message.type == TMessageType.CALL || message.type == TMessageType.ONEWAY;
		this.depth = 0;
		super.writeMessageBegin(message);
	}

	@Override
	public void writeStructBegin(TStruct struct) throws TException {
		this.depth++;
		super.writeStructBegin(struct);
	}

	@Override
	public void writeStructEnd() throws TException {
		this.depth--;
		super.writeStructEnd();
	}

	@Override
	public void writeFieldStop() throws TException {
		if (this.call && this.depth == 1) {
			writeContext();
		}
		super.writeFieldStop();
	}

	private void writeContext() throws TException {
		Map<String, String> carrier = new HashMap<>();
		this.propagator.inject(Context.current(), carrier, (map, name, value) -> map.put(name, value));
		for (Map.Entry<Short, String> field : ThriftTraceContext.FIELD_NAMES.entrySet()) {
			String value = carrier.get(field.getValue());
			if (value != null) {
				super.writeFieldBegin(new TField(field.getValue(), TType.STRING, field.getKey()));
				super.writeString(value);
				super.writeFieldEnd();
			}
		}
		String principal = ThriftPrincipal.calling();
		if (principal != null) {
			super.writeFieldBegin(new TField("principal", TType.STRING, ThriftTraceContext.PRINCIPAL_FIELD));
			super.writeString(principal);
			super.writeFieldEnd();
		}
	}

}

package io.busgate.systemtests;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Starts one broker and one {@link BusgateStack} for all system test classes (starting them
 * takes most of the suite's time), and stops them when the run ends. Test methods and
 * lifecycle methods receive the stack as a parameter.
 */
final class RunningBusgate implements BeforeAllCallback, ParameterResolver {

	private static final int REQUEST_PARTITIONS = 6;

	@Override
	public void beforeAll(ExtensionContext context) {
		running(context);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == BusgateStack.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return running(context).stack;
	}

	private static Running running(ExtensionContext context) {
		return context.getRoot()
			.getStore(ExtensionContext.Namespace.create(RunningBusgate.class))
			.getOrComputeIfAbsent(Running.class, (key) -> new Running(), Running.class);
	}

	/** Closed by JUnit when the root context closes, i.e. after the last test class. */
	private static final class Running implements AutoCloseable {

		private final EmbeddedKafkaKraftBroker broker;

		private final BusgateStack stack;

		Running() {
			this.broker = new EmbeddedKafkaKraftBroker(1, REQUEST_PARTITIONS);
			this.broker.afterPropertiesSet();
			this.stack = new BusgateStack(this.broker.getBrokersAsString());
		}

		@Override
		public void close() {
			try {
				this.stack.close();
			}
			finally {
				this.broker.destroy();
			}
		}

	}

}

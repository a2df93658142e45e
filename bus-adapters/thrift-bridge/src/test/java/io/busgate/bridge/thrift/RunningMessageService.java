package io.busgate.bridge.thrift;

import org.springframework.context.ConfigurableApplicationContext;

import io.busgate.examples.message.MessageServiceApplication;

/** The real example backend, message-service, started in this JVM for a test. */
final class RunningMessageService implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private RunningMessageService(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/** Starts it with its own configuration on the given Thrift port, 0 for any free one. */
	static RunningMessageService start(int port) {
		return new RunningMessageService(MessageServiceApplication.application()
			.run("--busgate.message-service.port=" + port, "--spring.main.web-application-type=none",
					"--spring.main.banner-mode=off"));
	}

	int port() {
		return this.context.getEnvironment().getRequiredProperty(MessageServiceApplication.LOCAL_PORT_PROPERTY,
				Integer.class);
	}

	@Override
	public void close() {
		this.context.close();
	}

}

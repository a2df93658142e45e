package io.busgate.observability;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The observability settings every Busgate app starts from, below anything configured (an
 * app's yml, arguments, environment variables such as {@code OTEL_EXPORTER_OTLP_ENDPOINT}):
 *
 * <ul>
 * <li>every trace is sampled ({@code management.tracing.sampling.probability=1.0});</li>
 * <li>no exporter runs unless asked for: Zipkin with
 * {@code management.tracing.export.zipkin.enabled=true} (and its {@code endpoint}), OTLP once
 * {@code management.opentelemetry.tracing.export.otlp.endpoint} is set; exporting to a backend
 * that is not there would only fill the logs;</li>
 * <li>{@code /actuator/prometheus} is exposed next to health and info;</li>
 * <li>log lines carry the trace id, span id and the bus correlation id ({@link #CORRELATION_ID}
 * in the MDC).</li>
 * </ul>
 */
public class ObservabilityDefaults implements EnvironmentPostProcessor {

	/** The MDC key of the bus correlation id, on the log lines about one bus request. */
	public static final String CORRELATION_ID = "correlationId";

	static final String PROPERTY_SOURCE = "busgateObservabilityDefaults";

	private static final Map<String, Object> DEFAULTS = Map.of(
			"management.tracing.sampling.probability", "1.0",
			"management.tracing.export.zipkin.enabled", "false",
			"management.endpoints.web.exposure.include", "health,info,prometheus",
			"logging.pattern.correlation", "%correlationId{traceId(32),spanId(16)," + CORRELATION_ID + "(36)}");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE, DEFAULTS));
	}

}

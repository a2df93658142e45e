package io.busgate.observability;

import io.micrometer.core.instrument.binder.grpc.GrpcClientObservationContext;
import io.micrometer.core.instrument.binder.grpc.GrpcServerObservationContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.util.ClassUtils;

/**
 * Leaves health checks unobserved: requests to {@code /actuator/**} and calls of gRPC's health
 * service. Load balancers, orchestrators and the bridges' backend checks make them every few
 * seconds; as traces they would bury the requests worth looking at.
 */
final class HealthCheckObservations implements ObservationPredicate {

	private static final String ACTUATOR = "/actuator";

	private static final String GRPC_HEALTH = "grpc.health.v1.Health/";

	private static final ClassLoader CLASS_LOADER = HealthCheckObservations.class.getClassLoader();

	private static final boolean REACTIVE_WEB = ClassUtils
		.isPresent("org.springframework.http.server.reactive.ServerHttpRequest", CLASS_LOADER);

	private static final boolean SERVLET_WEB = ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
			CLASS_LOADER)
			&& ClassUtils.isPresent("org.springframework.http.server.observation.ServerRequestObservationContext",
					CLASS_LOADER);

	private static final boolean GRPC = ClassUtils.isPresent("io.grpc.Metadata", CLASS_LOADER);

	@Override
	public boolean test(String name, Observation.Context context) {
		return !(isActuatorRequest(context) || isGrpcHealthCheck(context));
	}

	private static boolean isActuatorRequest(Observation.Context context) {
		return (REACTIVE_WEB && Reactive.path(context).startsWith(ACTUATOR))
				|| (SERVLET_WEB && Servlet.path(context).startsWith(ACTUATOR));
	}

	private static boolean isGrpcHealthCheck(Observation.Context context) {
		if (!GRPC) {
			return false;
		}
		if (context instanceof GrpcServerObservationContext server) {
			return server.getFullMethodName() != null && server.getFullMethodName().startsWith(GRPC_HEALTH);
		}
		return context instanceof GrpcClientObservationContext client && client.getFullMethodName() != null
				&& client.getFullMethodName().startsWith(GRPC_HEALTH);
	}

	/** Kept apart so that apps without Spring WebFlux never load its classes. */
	private static final class Reactive {

		static String path(Observation.Context context) {
			return (context instanceof org.springframework.http.server.reactive.observation.ServerRequestObservationContext request)
					? request.getCarrier().getPath().value() : "";
		}

	}

	/** Kept apart so that apps without the servlet API never load its classes. */
	private static final class Servlet {

		static String path(Observation.Context context) {
			return (context instanceof org.springframework.http.server.observation.ServerRequestObservationContext request)
					? request.getCarrier().getRequestURI() : "";
		}

	}

}

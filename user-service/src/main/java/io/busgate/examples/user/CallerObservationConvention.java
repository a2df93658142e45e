package io.busgate.examples.user;

import io.micrometer.common.KeyValues;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

import io.busgate.backend.BackendContract;

/**
 * Names the caller a request is made for on the request's observation: its trace span carries
 * {@code enduser.id} (OpenTelemetry's attribute for it) with the
 * {@link BackendContract#PRINCIPAL} header that http-bridge sends for a caller the gateway
 * verified. It is a high-cardinality value, so it goes on spans, never on metrics. Requests
 * without the header (anonymous callers) have none.
 *
 * <p>The user directory itself is public, so this service enforces nothing with the principal;
 * a service that does reads the same header and trusts it because only the bridge reaches it.
 */
@Component
final class CallerObservationConvention extends DefaultServerRequestObservationConvention {

	/** The request header naming the caller, as http-bridge sends it. */
	static final String PRINCIPAL_HEADER = BackendContract.PRINCIPAL;

	/** The span attribute of the caller, in OpenTelemetry's semantic conventions. */
	static final String ENDUSER_ID = "enduser.id";

	@Override
	public KeyValues getHighCardinalityKeyValues(ServerRequestObservationContext context) {
		KeyValues values = super.getHighCardinalityKeyValues(context);
		HttpServletRequest request = context.getCarrier();
		String principal = request.getHeader(PRINCIPAL_HEADER);
		return (principal != null) ? values.and(ENDUSER_ID, principal) : values;
	}

}

package io.busgate.backend;

import java.util.Map;

/**
 * What a bridge's call tells a backend besides the request itself, per protocol: who the call is
 * made for (the principal) and the idempotency key of a mutation; and, for Thrift, which
 * declared exceptions become which bus statuses. These names are defined here
 * and nowhere else; backends depend on this module alone, without Kafka or the bus.
 *
 * <table>
 * <caption>Where a backend finds the principal and the idempotency key</caption>
 * <tr><th>protocol</th><th>principal</th><th>idempotency key</th></tr>
 * <tr><td>HTTP</td><td>header {@value #PRINCIPAL}</td><td>not sent</td></tr>
 * <tr><td>gRPC</td><td>metadata {@value #PRINCIPAL}</td><td>metadata {@value #IDEMPOTENCY_KEY}</td></tr>
 * <tr><td>Thrift</td><td>reserved field {@value #THRIFT_PRINCIPAL_FIELD} of the call's arguments
 * struct</td><td>the string field the route names ({@code idempotency-key-field}), by
 * convention {@value #THRIFT_IDEMPOTENCY_KEY_FIELD}</td></tr>
 * </table>
 *
 * <p>Each is absent when the call has none: an anonymous caller, a query. The principal names
 * the caller as the gateway verified it and is never a credential; a backend can trust it only as
 * far as it trusts its clients (the bridge).
 */
public final class BackendContract {

	/**
	 * The HTTP header and gRPC metadata key naming the caller a call is made for; the same name
	 * as the bus header it comes from.
	 */
	public static final String PRINCIPAL = "bus-principal";

	/** The gRPC metadata key of a mutation's idempotency key. */
	public static final String IDEMPOTENCY_KEY = "idempotency-key";

	/**
	 * The field id that carries the principal, a string, in a Thrift call's arguments struct:
	 * reserved, so no IDL may declare it; generated code skips it like any field it does not know.
	 */
	public static final short THRIFT_PRINCIPAL_FIELD = Short.MAX_VALUE - 2;

	/** The name a Thrift request struct gives the string field that receives the idempotency key. */
	public static final String THRIFT_IDEMPOTENCY_KEY_FIELD = "idempotencyKey";

	/**
	 * The bus status (by name) a Thrift exception of one of these names is answered with, unless
	 * the bridge is told otherwise; any other declared exception is {@code INTERNAL}.
	 */
	public static final Map<String, String> THRIFT_EXCEPTION_STATUSES = Map.of("NotFound", "NOT_FOUND",
			"InvalidArgument", "INVALID_ARGUMENT", "PermissionDenied", "PERMISSION_DENIED");

	private BackendContract() {
	}

}

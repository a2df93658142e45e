package io.busgate.bus;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The outcome of a request, carried in the {@link BusHeaders#STATUS} header of every reply.
 * The codes follow gRPC's status codes where one fits.
 */
public enum BusStatus {

	/** The request was served; the reply carries one item per key. */
	OK("ok"),

	/** The addressed entity does not exist (for non-batch operations; batch replies use null items). */
	NOT_FOUND("NOT_FOUND"),

	/** The request is malformed or its arguments are invalid; retrying it will not help. */
	INVALID_ARGUMENT("INVALID_ARGUMENT"),

	/**
	 * The backend refused the request's caller ({@code bus-principal}): an anonymous caller on
	 * private data, or a caller acting for someone else. The gateway reports it as
	 * {@code FORBIDDEN}, the code of its own refusals.
	 */
	PERMISSION_DENIED("PERMISSION_DENIED"),

	/** No route for the operation on the bridge that received it. */
	UNIMPLEMENTED("UNIMPLEMENTED"),

	/** The backend could not be reached or answered with a transient failure. */
	UNAVAILABLE("UNAVAILABLE"),

	/** The request's deadline passed before the backend answered. */
	DEADLINE_EXCEEDED("DEADLINE_EXCEEDED"),

	/**
	 * The backend answered, but its answer is larger than a reply record may be (the bridge's
	 * {@code busgate.bridge.max-reply-size}, or its client's limit for the backend's answers);
	 * retrying the same request will not help, asking for fewer keys may.
	 */
	RESPONSE_TOO_LARGE("RESPONSE_TOO_LARGE"),

	/** Anything else that went wrong; details are in the reply's error message. */
	INTERNAL("INTERNAL");

	private static final Map<String, BusStatus> BY_CODE = Arrays.stream(values())
		.collect(Collectors.toUnmodifiableMap(BusStatus::code, Function.identity()));

	private final String code;

	BusStatus(String code) {
		this.code = code;
	}

	/** The header value of this status. */
	public String code() {
		return this.code;
	}

	/**
	 * The status for a header value.
	 * @throws BusContractException if the value is not a status code of this contract version
	 */
	public static BusStatus fromCode(String code) {
		BusStatus status = BY_CODE.get(code);
		if (status == null) {
			throw new BusContractException("unknown " + BusHeaders.STATUS + " '" + code + "', expected one of "
					+ BY_CODE.keySet().stream().sorted().toList());
		}
		return status;
	}

}

package io.busgate.bridge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.busgate.bus.BusRequest;
import io.busgate.bus.BusStatus;

/**
 * A route's JSON side, which every protocol shares ({@link BridgeProperties.Route}): the JSON
 * object a request becomes, and the reply's items taken from the JSON of the backend's answer. A
 * protocol bridge only converts that JSON to and from its wire and makes the call.
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonRoute {

	private final String operation;

	private final BridgeProperties.Route config;

	private final boolean keyed;

	private final Names names;

	/**
	 * A route whose requests carry their keys in {@code keys-field} (if set), with field names
	 * as configured.
	 * @throws IllegalArgumentException if the settings contradict each other
	 */
	public JsonRoute(String operation, BridgeProperties.Route config) {
		this(operation, config, config.keysField() != null, Names.of(config));
	}

	/**
	 * A route as its protocol compiled it.
	 * @param keyed whether the route serves requests with keys; without {@code keys-field}, the
	 * protocol takes the keys itself (an HTTP URI template)
	 * @param names the fields' names in the JSON the protocol converts, where they may differ
	 * from the configured ones (a gRPC route's {@code .proto} names)
	 * @throws IllegalArgumentException if the settings contradict each other
	 */
	public JsonRoute(String operation, BridgeProperties.Route config, boolean keyed, Names names) {
		this.operation = operation;
		this.config = config;
		this.keyed = keyed;
		this.names = names;
		if (config.keysField() != null && !keyed) {
			throw problem("keys-field '" + config.keysField() + "' receives keys, so the route serves keyed requests");
		}
		if (config.itemKeyField() != null && !keyed) {
			throw problem("item-key-field matches items to keys, so it needs keys-field");
		}
	}

	/** The operation served. */
	public String operation() {
		return this.operation;
	}

	/** The route as configured. */
	public BridgeProperties.Route config() {
		return this.config;
	}

	/** Whether the route serves requests with keys (and only those). */
	public boolean isKeyed() {
		return this.keyed;
	}

	/** How to name the call in messages: the call and the operation, without argument values. */
	public String describe() {
		return this.config.call() + " (" + this.operation + ")";
	}

	// ---- request

	/**
	 * Refuses a request with keys to a keyless route and one without keys to a keyed route.
	 * @throws BackendException ({@code INVALID_ARGUMENT})
	 */
	public void checkKeys(BusRequest request) {
		if (this.keyed && !request.isKeyed()) {
			throw invalid(this.operation + " is called with keys, the request has none");
		}
		if (!this.keyed && request.isKeyed()) {
			throw invalid(this.operation + " takes no keys, the request has " + request.keys().size());
		}
	}

	/**
	 * The request's arguments as the call takes them: the arguments object, or the object of
	 * {@code args-field}, with the idempotency key in {@code idempotency-key-field}; without the
	 * keys, for a protocol that places them apart ({@link #request} adds them).
	 * @return a new, mutable map
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the request does not fit the route
	 */
	public Map<String, Object> arguments(BusRequest request) {
		checkKeys(request);
		Map<String, Object> fields = fieldsOf(request);
		if (this.config.keysField() != null && (fields.containsKey(this.config.keysField())
				|| fields.containsKey(this.names.keysField()))) {
			throw invalid("argument '" + this.names.keysField() + "' of " + this.operation
					+ " is filled from the request's keys and cannot be given");
		}
		String idempotencyKey = request.headers().idempotencyKey();
		if (this.config.idempotencyKeyField() != null && idempotencyKey != null) {
			fields.put(this.config.idempotencyKeyField(), idempotencyKey);
		}
		return fields;
	}

	/**
	 * The JSON object of the call's request: {@link #arguments} plus the keys in
	 * {@code keys-field}.
	 * @return a new, mutable map
	 * @throws BackendException ({@code INVALID_ARGUMENT}) if the request does not fit the route
	 */
	public Map<String, Object> request(BusRequest request) {
		Map<String, Object> fields = arguments(request);
		if (this.config.keysField() != null) {
			fields.put(this.names.keysField(), request.keys());
		}
		return fields;
	}

	private Map<String, Object> fieldsOf(BusRequest request) {
		String argsField = this.config.argsField();
		if (argsField == null) {
			return new LinkedHashMap<>(request.args());
		}
		// Sorted names are built only for the refusal: this runs for every mutation.
		if (request.args().size() > (request.args().containsKey(argsField) ? 1 : 0)) {
			Set<String> others = new TreeSet<>(request.args().keySet());
			others.remove(argsField);
			throw invalid(this.operation + " takes its request from argument '" + argsField + "' only, not " + others);
		}
		Object value = request.args().get(argsField);
		if (!(value instanceof Map<?, ?> object)) {
			throw invalid(this.operation + " needs argument '" + argsField + "' as an object, "
					+ ((value == null) ? "it is missing" : "was " + value.getClass().getSimpleName()));
		}
		Map<String, Object> fields = new LinkedHashMap<>();
		object.forEach((name, field) -> fields.put(String.valueOf(name), field));
		return fields;
	}

	// ---- reply

	/**
	 * The reply's items from the JSON of the answer to a request: one per key in key order
	 * ({@code null} where the answer has none), or exactly one for a keyless request.
	 * @throws BackendException ({@code INTERNAL}) if the answer does not have the shape the
	 * route expects
	 */
	public List<Object> items(BusRequest request, Object answer) {
		if (!request.isKeyed()) {
			List<Object> single = new ArrayList<>(1);
			single.add(item(answer));
			return single;
		}
		Object found = itemsOf(answer);
		int keys = request.keys().size();
		if (!(found instanceof List<?> elements)) {
			throw internal(describe() + " answered " + describe(found) + " for " + keys + " keys, expected a list");
		}
		if (this.names.itemKeyField() != null) {
			return matchedByKey(request.keys(), elements);
		}
		if (elements.size() != keys) {
			throw internal(describe() + " answered " + elements.size() + " items for " + keys + " keys");
		}
		List<Object> items = new ArrayList<>(keys);
		elements.forEach((element) -> items.add(valueOf(element)));
		return items;
	}

	/**
	 * The one item of an answer for a keyless request, or for one key of a route the protocol
	 * calls once per key: the answer (or its {@code items-field}), each element of it if it is a
	 * list, as {@code item-value-field} shapes it.
	 * @throws BackendException ({@code INTERNAL}) if the answer does not have the shape the
	 * route expects
	 */
	public Object item(Object answer) {
		Object found = itemsOf(answer);
		if (found instanceof List<?> elements) {
			List<Object> values = new ArrayList<>(elements.size());
			elements.forEach((element) -> values.add(valueOf(element)));
			return values;
		}
		return valueOf(found);
	}

	private Object itemsOf(Object answer) {
		return (this.names.itemsField() != null) ? member(answer, this.names.itemsField(), "the answer") : answer;
	}

	private List<Object> matchedByKey(List<Object> keys, List<?> elements) {
		Map<String, Object> byKey = new HashMap<>();
		for (Object element : elements) {
			Object key = (element != null) ? member(element, this.names.itemKeyField(), "an item") : null;
			if (key != null) {
				byKey.putIfAbsent(String.valueOf(key), element);
			}
		}
		List<Object> items = new ArrayList<>(keys.size());
		for (Object key : keys) {
			items.add((key != null) ? valueOf(byKey.get(String.valueOf(key))) : null);
		}
		return items;
	}

	/** The item-value-field of an item, or the item itself. */
	private Object valueOf(Object item) {
		return (this.names.itemValueField() != null && item != null)
				? member(item, this.names.itemValueField(), "an item") : item;
	}

	private Object member(Object json, String name, String what) {
		if (!(json instanceof Map<?, ?> members)) {
			throw internal(describe() + ": " + what + " is " + describe(json) + ", not an object with '" + name + "'");
		}
		return members.get(name);
	}

	/** What kind of JSON value a value is, for messages that must not show the data. */
	private static String describe(Object json) {
		if (json == null) {
			return "null";
		}
		if (json instanceof Map<?, ?>) {
			return "an object";
		}
		if (json instanceof List<?> list) {
			return "a list of " + list.size();
		}
		if (json instanceof String) {
			return "a string";
		}
		if (json instanceof Number) {
			return "a number";
		}
		return (json instanceof Boolean) ? "a boolean" : json.getClass().getSimpleName();
	}

	// ---- failures

	/**
	 * The failure of a request for an operation without a route ({@code UNIMPLEMENTED}).
	 * @param protocol the bridge's protocol, for the message: {@code HTTP}, {@code gRPC}, ...
	 * @param operations the operations that have a route
	 */
	public static BackendException unrouted(String protocol, String operation, Collection<String> operations) {
		return new BackendException(BusStatus.UNIMPLEMENTED,
				"no " + protocol + " route for operation " + operation + "; routes: " + new TreeSet<>(operations));
	}

	private IllegalArgumentException problem(String message) {
		return new IllegalArgumentException("route " + this.operation + " (" + this.config.call() + "): " + message);
	}

	private static BackendException invalid(String message) {
		return new BackendException(BusStatus.INVALID_ARGUMENT, message);
	}

	private static BackendException internal(String message) {
		return new BackendException(BusStatus.INTERNAL, message);
	}

	/**
	 * The names of a route's fields in the JSON its protocol converts.
	 *
	 * @param keysField the name the keys are put under
	 * @param itemsField the answer's field holding the items
	 * @param itemKeyField the items' field matched to the keys
	 * @param itemValueField the items' field answered instead of the item
	 */
	public record Names(String keysField, String itemsField, String itemKeyField, String itemValueField) {

		/** The names as configured. */
		public static Names of(BridgeProperties.Route config) {
			return new Names(config.keysField(), config.itemsField(), config.itemKeyField(), config.itemValueField());
		}

	}

}

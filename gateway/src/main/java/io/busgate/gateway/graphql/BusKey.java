package io.busgate.gateway.graphql;

import java.util.Map;

/**
 * What one bus-bound field asks the {@link BusBatchLoader} for. Keys of one execution tick that
 * share operation and arguments travel in one request record.
 *
 * @param operation the operation, {@code <service>.<name>}
 * @param key the entity key
 * @param args the field's other arguments
 */
record BusKey(String operation, Object key, Map<String, Object> args) {
}

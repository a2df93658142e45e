package io.busgate.gateway.graphql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.dataloader.Try;

import io.busgate.bus.BusTopics;
import io.busgate.gateway.GatewayProperties;
import io.busgate.gateway.bus.BusClient;

/**
 * The batch function of the one DataLoader behind every {@code @bus} field: the keys wanted in
 * one execution tick are grouped by operation and arguments, and each group leaves as one
 * request record, or as several when it has more keys than the service takes at once
 * ({@code busgate.gateway.bus.max-batch-size}). A record that fails fails only its own keys.
 */
final class BusBatchLoader {

	/** The name the loader is registered under for each request. */
	static final String NAME = "bus";

	private final BusClient client;

	private final GatewayProperties.Bus settings;

	BusBatchLoader(BusClient client, GatewayProperties.Bus settings) {
		this.client = client;
		this.settings = settings;
	}

	/**
	 * Loads a batch. Items not found are left out of the map (and load as {@code null}); keys of
	 * a failed group map to a failed {@link Try}. DataLoaders are per request, so a batch has one
	 * caller, whose principal every record of the batch carries.
	 */
	CompletableFuture<Map<BusKey, Object>> load(Set<BusKey> keys, String principal) {
		Map<Group, List<BusKey>> groups = keys.stream()
			.collect(Collectors.groupingBy((key) -> new Group(key.operation(), key.args()), LinkedHashMap::new,
					Collectors.toList()));
		Map<BusKey, Object> results = new ConcurrentHashMap<>();
		List<CompletableFuture<Void>> requests = new ArrayList<>();
		groups.forEach((group, groupKeys) -> {
			int maxBatchSize = this.settings.maxBatchSize(BusTopics.serviceOf(group.operation()));
			for (int from = 0; from < groupKeys.size(); from += maxBatchSize) {
				List<BusKey> batch = groupKeys.subList(from, Math.min(groupKeys.size(), from + maxBatchSize));
				requests.add(request(group, batch, principal, results));
			}
		});
		return CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).thenApply((done) -> results);
	}

	private CompletableFuture<Void> request(Group group, List<BusKey> keys, String principal,
			Map<BusKey, Object> results) {
		List<Object> keyValues = keys.stream().map(BusKey::key).toList();
		return this.client.query(group.operation(), keyValues, group.args(), principal).handle((items, failure) -> {
			for (int i = 0; i < keys.size(); i++) {
				if (failure != null) {
					results.put(keys.get(i), Try.failed(unwrap(failure)));
				}
				else if (items.get(i) != null) {
					results.put(keys.get(i), items.get(i));
				}
			}
			return null;
		});
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	private record Group(String operation, Map<String, Object> args) {
	}

}

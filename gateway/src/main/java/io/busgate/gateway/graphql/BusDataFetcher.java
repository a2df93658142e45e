package io.busgate.gateway.graphql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import graphql.language.OperationDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import org.dataloader.DataLoader;

import io.busgate.gateway.bus.BusClient;
import io.busgate.gateway.security.Caller;

/**
 * Fetches a {@code @bus} field. Queries go through the request's DataLoader so that keys are
 * batched; mutations are sent one by one, each with its own idempotency key, in the order
 * GraphQL executes them. Every request carries the caller's principal, from the request's
 * {@link Caller}: never from anything the client sent.
 */
final class BusDataFetcher implements DataFetcher<CompletableFuture<Object>> {

	private static final String IDEMPOTENCY_KEY = "idempotencyKey";

	private final BusBinding binding;

	private final BusClient client;

	BusDataFetcher(BusBinding binding, BusClient client) {
		this.binding = binding;
		this.client = client;
	}

	@Override
	public CompletableFuture<Object> get(DataFetchingEnvironment environment) {
		Map<String, Object> args = new LinkedHashMap<>(environment.getArguments());
		Object key = switch (this.binding.keySource()) {
			case ARGUMENT -> args.remove(this.binding.key());
			case PARENT -> parentKey(environment.getSource());
			case NONE -> null;
		};
		if (this.binding.keySource() != BusBinding.KeySource.NONE && key == null) {
			return CompletableFuture.completedFuture(null);
		}
		String principal = Caller.of(environment.getGraphQlContext()).subject();
		if (isMutation(environment)) {
			List<Object> keys = (key != null) ? keysOf(key) : null;
			return this.client
				.mutate(this.binding.operation(), keys, args, takeIdempotencyKey(args, environment), principal)
				.thenApply((items) -> (key instanceof List) ? items : items.get(0));
		}
		if (key == null) {
			return this.client.query(this.binding.operation(), null, args, principal)
				.thenApply((items) -> items.get(0));
		}
		DataLoader<BusKey, Object> loader = environment.getDataLoader(BusBatchLoader.NAME);
		if (key instanceof List<?> keys) {
			return loader.loadMany(keys.stream().map((each) -> new BusKey(this.binding.operation(), each, args)).toList())
				.thenApply((items) -> items);
		}
		return loader.load(new BusKey(this.binding.operation(), key, args));
	}

	private Object parentKey(Object source) {
		if (source instanceof Map<?, ?> parent) {
			return parent.get(this.binding.key());
		}
		throw new IllegalStateException(this.binding.coordinates() + " takes its key from its parent's field '"
				+ this.binding.key() + "', but the parent is not an object from the bus");
	}

	private static List<Object> keysOf(Object key) {
		if (key instanceof List<?> keys) {
			return List.copyOf(keys);
		}
		return List.of(key);
	}

	/**
	 * The client's idempotency key, an {@code idempotencyKey} argument or input field, which
	 * travels as the {@code bus-idempotency-key} header instead of as an argument; else one made
	 * from the request's {@code Idempotency-Key} header and the field's path ({@code k-1/sendMessage}),
	 * so that two mutation fields of a request never share a key and a retry of the same document
	 * gets the same ones; else a fresh key per field execution, so that a redelivery of this
	 * request cannot act twice.
	 */
	private static String takeIdempotencyKey(Map<String, Object> args, DataFetchingEnvironment environment) {
		Object key = args.remove(IDEMPOTENCY_KEY);
		for (Map.Entry<String, Object> arg : args.entrySet()) {
			if (key == null && arg.getValue() instanceof Map<?, ?> input && input.containsKey(IDEMPOTENCY_KEY)) {
				Map<String, Object> rest = new LinkedHashMap<>();
				input.forEach((name, value) -> rest.put((String) name, value));
				key = rest.remove(IDEMPOTENCY_KEY);
				arg.setValue(rest);
			}
		}
		if (key != null) {
			return key.toString();
		}
		String header = IdempotencyKeyHeader.of(environment.getGraphQlContext());
		return (header != null) ? header + environment.getExecutionStepInfo().getPath()
				: UUID.randomUUID().toString();
	}

	private static boolean isMutation(DataFetchingEnvironment environment) {
		return environment.getOperationDefinition().getOperation() == OperationDefinition.Operation.MUTATION
				&& environment.getExecutionStepInfo().getPath().getLevel() == 1;
	}

}

package io.busgate.generator.model;

import java.util.regex.Pattern;

/**
 * What a source reader needs from the user's settings to classify operations.
 *
 * @param mutationNames an operation whose source name, first letter in lower case, matches is a
 * mutation (gRPC and Thrift; OpenAPI goes by HTTP method)
 * @param idempotencyKeyField the name of a request field that carries the idempotency key
 */
public record Conventions(Pattern mutationNames, String idempotencyKeyField) {

	/**
	 * A verb that changes something, then the end or a new word: {@code CreatePost},
	 * {@code sendMessage}, {@code delete_item}; not {@code settings} or {@code GetPosts}. Matched
	 * against the name with its first letter in lower case.
	 */
	public static final Pattern DEFAULT_MUTATION_NAMES = Pattern.compile(
			"(create|update|delete|remove|add|set|send|insert|upsert|cancel|submit|register|reserve|publish|start|stop)([A-Z_].*)?");

	public static final Conventions DEFAULTS = new Conventions(DEFAULT_MUTATION_NAMES, "idempotencyKey");

	public boolean isMutation(String operationName) {
		return this.mutationNames.matcher(Names.lowerFirst(operationName)).matches();
	}

}

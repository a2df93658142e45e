package io.busgate.generator.model;

/**
 * How an operation found to be a batched lookup takes its keys and answers its items: the route's
 * keyed settings (bridge-core's README, "Routes"), plus why the source reader took it for one.
 *
 * @param keysField the request field that receives the keys (a list), or {@code null} when the
 * call carries them (an HTTP route's {@code {keys}})
 * @param keyArgument the GraphQL argument a field uses for one key ({@code id}, {@code authorId})
 * @param itemsField the answer's field holding the items, or {@code null} when the answer is the
 * list
 * @param itemKeyField the items' field carrying the key, or {@code null} when the answer has one
 * item per key, in key order
 * @param itemValueField the items' field answered for each key, or {@code null} for the item
 * @param reason one sentence for the user: what in the source made this a batched lookup
 */
public record Batch(String keysField, String keyArgument, String itemsField, String itemKeyField,
		String itemValueField, String reason) {

	/** The key field items are matched by, or "key order" for a positional answer; for messages. */
	public String itemKeyFieldOrOrder() {
		return (this.itemKeyField != null) ? this.itemKeyField : "key order";
	}

}

package io.busgate.generator;

import java.util.List;

/**
 * What the generator made of one source.
 *
 * @param schema the GraphQL SDL fragment: the service's types, and its root fields as
 * {@code extend type Query} / {@code extend type Mutation}, bound with {@code @bus}
 * @param routes the bridge's routes, YAML under {@code busgate.bridge}
 * @param findings one line per operation: what it became and why (a batched lookup and on which
 * key, a mutation, a query, left out)
 */
public record Generated(String schema, String routes, List<String> findings) {

	public Generated {
		findings = List.copyOf(findings);
	}

}

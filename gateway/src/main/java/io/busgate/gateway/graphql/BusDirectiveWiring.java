package io.busgate.gateway.graphql;

import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLAppliedDirective;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.idl.SchemaDirectiveWiring;
import graphql.schema.idl.SchemaDirectiveWiringEnvironment;

import io.busgate.gateway.bus.BusClient;

/**
 * Wires every field carrying {@code @bus(operation:, key:)} to a {@link BusDataFetcher}, so that
 * binding a field to a backend takes SDL only.
 */
final class BusDirectiveWiring implements SchemaDirectiveWiring {

	static final String DIRECTIVE = "bus";

	private final BusClient client;

	BusDirectiveWiring(BusClient client) {
		this.client = client;
	}

	@Override
	public GraphQLFieldDefinition onField(SchemaDirectiveWiringEnvironment<GraphQLFieldDefinition> environment) {
		GraphQLFieldDefinition field = environment.getElement();
		GraphQLFieldsContainer parent = environment.getFieldsContainer();
		GraphQLAppliedDirective directive = environment.getAppliedDirective(DIRECTIVE);
		String operation = directive.getArgument("operation").getValue();
		String key = directive.getArgument("key").getValue();
		BusBinding binding = BusBinding.of(parent, field, operation, key);
		environment.getCodeRegistry()
			.dataFetcher(FieldCoordinates.coordinates(parent, field), new BusDataFetcher(binding, this.client));
		return field;
	}

}

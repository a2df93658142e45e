package io.busgate.gateway.events;

import java.util.LinkedHashMap;
import java.util.Map;

import graphql.schema.DataFetcher;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.idl.SchemaDirectiveWiring;
import graphql.schema.idl.SchemaDirectiveWiringEnvironment;
import org.reactivestreams.Publisher;

/**
 * Wires every subscription field carrying {@code @busEvent(type:)} to the {@link EventHub}: the
 * field streams the payloads of that event type whose fields equal the field's (non-null)
 * arguments of the same name.
 */
final class BusEventWiring implements SchemaDirectiveWiring {

	static final String DIRECTIVE = "busEvent";

	private final EventHub hub;

	private final EventTypes eventTypes;

	BusEventWiring(EventHub hub, EventTypes eventTypes) {
		this.hub = hub;
		this.eventTypes = eventTypes;
	}

	@Override
	public GraphQLFieldDefinition onField(SchemaDirectiveWiringEnvironment<GraphQLFieldDefinition> environment) {
		GraphQLFieldDefinition field = environment.getElement();
		GraphQLFieldsContainer parent = environment.getFieldsContainer();
		String type = environment.getAppliedDirective(DIRECTIVE).getArgument("type").getValue();
		try {
			this.eventTypes.add(type);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("@busEvent on " + parent.getName() + "." + field.getName() + ": "
					+ ex.getMessage(), ex);
		}
		DataFetcher<Publisher<Object>> events = (fetching) -> this.hub.subscribe(type, filterOf(fetching.getArguments()));
		environment.getCodeRegistry().dataFetcher(FieldCoordinates.coordinates(parent, field), events);
		return field;
	}

	private static Map<String, Object> filterOf(Map<String, Object> arguments) {
		Map<String, Object> filter = new LinkedHashMap<>();
		arguments.forEach((name, value) -> {
			if (value != null) {
				filter.put(name, value);
			}
		});
		return filter;
	}

}

package io.busgate.gateway.security;

import java.util.List;

import graphql.language.OperationTypeDefinition;
import graphql.schema.DataFetcher;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLAppliedDirective;
import graphql.schema.GraphQLAppliedDirectiveArgument;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.idl.SchemaDirectiveWiring;
import graphql.schema.idl.SchemaDirectiveWiringEnvironment;
import graphql.schema.idl.TypeDefinitionRegistry;

/**
 * Guards fields by the schema, with no code per field: a field marked {@code @auth(subject:,
 * readers:)} needs a token (and, with {@code subject}, the caller's own id there; with
 * {@code readers}, a result that names the caller: {@link AuthRule}); so does
 * every mutation and subscription field, marked or not, so that a forgotten directive never
 * opens a write; and every query field when anonymous reads are off. Registered for every schema
 * element, after the named wirings such as {@code @bus}, whose fetcher it wraps.
 */
final class AuthWiring implements SchemaDirectiveWiring {

	static final String DIRECTIVE = "auth";

	private final boolean anonymousReads;

	AuthWiring(boolean anonymousReads) {
		this.anonymousReads = anonymousReads;
	}

	@Override
	public GraphQLFieldDefinition onField(SchemaDirectiveWiringEnvironment<GraphQLFieldDefinition> environment) {
		GraphQLFieldDefinition field = environment.getElement();
		GraphQLFieldsContainer parent = environment.getFieldsContainer();
		if (parent == null) {
			return field;
		}
		GraphQLAppliedDirective directive = field.getAppliedDirective(DIRECTIVE);
		TypeDefinitionRegistry registry = environment.getRegistry();
		String type = parent.getName();
		boolean subscription = type.equals(rootType(registry, "subscription", "Subscription"));
		boolean needsToken = directive != null || subscription
				|| type.equals(rootType(registry, "mutation", "Mutation"))
				|| (!this.anonymousReads && type.equals(rootType(registry, "query", "Query")));
		if (!needsToken) {
			return field;
		}
		String subject = (directive != null) ? argument(directive, "subject") : null;
		List<String> readers = (directive != null) ? argument(directive, "readers") : null;
		if (readers != null && subscription) {
			throw new IllegalStateException("@auth on " + type + "." + field.getName()
					+ ": readers is for query and mutation fields; a subscription filters with its arguments");
		}
		FieldCoordinates coordinates = FieldCoordinates.coordinates(parent, field);
		AuthRule rule = AuthRule.of(type + "." + field.getName(), field, subject, readers);
		DataFetcher<?> fetcher = environment.getCodeRegistry().getDataFetcher(coordinates, field);
		environment.getCodeRegistry().dataFetcher(coordinates, new AuthorizingDataFetcher(rule, fetcher, subscription));
		return field;
	}

	private static <T> T argument(GraphQLAppliedDirective directive, String name) {
		GraphQLAppliedDirectiveArgument argument = directive.getArgument(name);
		return (argument != null) ? argument.getValue() : null;
	}

	private static String rootType(TypeDefinitionRegistry registry, String operation, String defaultName) {
		return registry.schemaDefinition()
			.flatMap((schema) -> schema.getOperationTypeDefinitions()
				.stream()
				.filter((definition) -> definition.getName().equals(operation))
				.map(OperationTypeDefinition::getTypeName)
				.map((name) -> name.getName())
				.findFirst())
			.orElse(defaultName);
	}

}

package io.busgate.gateway.graphql;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import graphql.schema.idl.TypeDefinitionRegistry;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The gateway's schema composed as the gateway composes it, without Spring, for unit tests of what
 * runs on it: the built-ins plus the files, the root types the files extend, the gateway's scalars,
 * and no data fetchers.
 */
public final class TestSchemas {

	private TestSchemas() {
	}

	/** The files the gateway jar serves by default: classpath:graphql/. */
	public static GraphQLSchema gatewaySchema() {
		try {
			return compose(
					Arrays.asList(new PathMatchingResourcePatternResolver().getResources("classpath:graphql/*.graphqls")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static GraphQLSchema compose(List<Resource> files) {
		SchemaComposition composition = SchemaComposition.of(files);
		List<Resource> all = new ArrayList<>(files);
		all.add(SchemaComposition.BUILT_INS);
		TypeDefinitionRegistry registry = new TypeDefinitionRegistry();
		for (Resource file : all) {
			try (Reader sdl = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
				registry.merge(new SchemaParser().parse(sdl));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		composition.addRootTypes(registry);
		return new SchemaGenerator().makeExecutableSchema(registry,
				RuntimeWiring.newRuntimeWiring().scalar(GatewayScalars.LONG).scalar(GatewayScalars.JSON).build());
	}

}

package io.busgate.gateway.graphql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import graphql.language.Definition;
import graphql.language.DirectiveDefinition;
import graphql.language.Document;
import graphql.language.EnumTypeDefinition;
import graphql.language.EnumValueDefinition;
import graphql.language.FieldDefinition;
import graphql.language.ImplementingTypeDefinition;
import graphql.language.InputObjectTypeDefinition;
import graphql.language.InputValueDefinition;
import graphql.language.ObjectTypeDefinition;
import graphql.language.SDLExtensionDefinition;
import graphql.language.TypeDefinition;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.MultiSourceReader;
import graphql.parser.Parser;
import graphql.parser.ParserEnvironment;
import graphql.parser.ParserOptions;
import graphql.schema.idl.TypeDefinitionRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.graphql.autoconfigure.GraphQlProperties;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * The schema as several files: the gateway's own definitions ({@link #BUILT_INS}) plus every file
 * at {@code spring.graphql.schema.locations}, typically one per service and a file of links
 * between services. Each file is parsed on its own, so that a type, field, input field, enum value
 * or directive defined by two files, or a syntax error, is reported with the files' names before
 * Spring for GraphQL merges them (its own merge knows no file names). Query, Mutation and
 * Subscription are added when files only extend them.
 */
final class SchemaComposition {

	private static final Log logger = LogFactory.getLog(SchemaComposition.class);

	/** Part of every schema, wherever the locations point. */
	static final Resource BUILT_INS = new ClassPathResource("io/busgate/gateway/graphql/busgate.graphqls");

	private static final List<String> ROOT_TYPES = List.of("Query", "Mutation", "Subscription");

	private final List<String> definers;

	private final Set<String> addedRootTypes;

	private SchemaComposition(List<String> definers, Set<String> addedRootTypes) {
		this.definers = definers;
		this.addedRootTypes = addedRootTypes;
	}

	/** The files Spring Boot reads (locations times file extensions, plus additional files). */
	static SchemaComposition of(ResourcePatternResolver resolver, GraphQlProperties.Schema properties) {
		List<Resource> resources = new ArrayList<>();
		for (String location : properties.getLocations()) {
			for (String extension : properties.getFileExtensions()) {
				try {
					// by name, so the start log and the clash messages read the same on every machine
					Arrays.stream(resolver.getResources(location + "*" + extension))
						.sorted(Comparator.comparing(SchemaComposition::nameOf))
						.forEach(resources::add);
				}
				catch (IOException ex) {
					// what Boot does too: a location that cannot be read adds no file
					logger.debug("Could not resolve schema location " + location + "*" + extension, ex);
				}
			}
		}
		resources.addAll(Arrays.asList(properties.getAdditionalFiles()));
		return of(resources);
	}

	/**
	 * The built-ins and these files, checked.
	 * @throws IllegalStateException naming the files, when one does not parse or two clash
	 */
	static SchemaComposition of(List<Resource> resources) {
		List<Resource> all = new ArrayList<>();
		all.add(BUILT_INS);
		all.addAll(resources);
		Definers definers = new Definers();
		List<SchemaFile> files = new ArrayList<>();
		for (Resource resource : all) {
			SchemaFile file = new SchemaFile(nameOf(resource), parse(resource));
			definers.read(file);
			files.add(file);
		}
		Set<String> addedRootTypes = definers.rootTypesOnlyExtended();
		definers.checkExtendedTypesExist(addedRootTypes);
		if (!definers.types.containsKey("Query") && !addedRootTypes.contains("Query")) {
			definers.problems.add("No schema file adds a field to Query (extend type Query { ... }); files read: "
					+ files.stream().map(SchemaFile::name).collect(Collectors.joining(", ")));
		}
		if (!definers.problems.isEmpty()) {
			throw new IllegalStateException(
					"The GraphQL schema files do not compose:\n  " + String.join("\n  ", definers.problems));
		}
		List<String> report = new ArrayList<>();
		for (SchemaFile file : files) {
			List<String> types = new ArrayList<>(file.definedTypes());
			if (file == files.get(0)) {
				// the root types added are the built-ins'
				types.addAll(addedRootTypes);
			}
			report.add(file.report(types, definers.types));
		}
		return new SchemaComposition(report, addedRootTypes);
	}

	/** One line per file: the types it defines and the fields it adds to types of other files. */
	List<String> definers() {
		return this.definers;
	}

	void logDefiners() {
		definers().forEach(logger::info);
	}

	/** The root types that files only extend, as types with no fields of their own. */
	void addRootTypes(TypeDefinitionRegistry registry) {
		for (String name : this.addedRootTypes) {
			if (registry.getType(name).isEmpty()) {
				registry.add(new ObjectTypeDefinition(name));
			}
		}
	}

	private static String nameOf(Resource resource) {
		String name = resource.getFilename();
		return (name != null) ? name : resource.getDescription();
	}

	private static Document parse(Resource resource) {
		String name = nameOf(resource);
		String sdl;
		try (InputStream input = resource.getInputStream()) {
			sdl = new String(input.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the GraphQL schema file " + resource.getDescription(), ex);
		}
		try {
			return Parser.parse(ParserEnvironment.newParserEnvironment()
				.document(MultiSourceReader.newMultiSourceReader().string(sdl, name).trackData(false).build())
				.parserOptions(ParserOptions.getDefaultSdlParserOptions())
				.build());
		}
		catch (InvalidSyntaxException ex) {
			throw new IllegalStateException("The GraphQL schema file " + name + " does not parse: " + ex.getMessage(),
					ex);
		}
	}

	/** Who defines what across all files, and every clash or missing type found on the way. */
	private static final class Definers {

		private final Map<String, String> types = new LinkedHashMap<>();

		/** Fields, input fields and enum values by "Type.member". */
		private final Map<String, String> members = new LinkedHashMap<>();

		private final Map<String, String> directives = new LinkedHashMap<>();

		/** The first file extending each type. */
		private final Map<String, String> extended = new LinkedHashMap<>();

		private final Set<String> rootTypesWithFields = new LinkedHashSet<>();

		private final List<String> problems = new ArrayList<>();

		void read(SchemaFile file) {
			for (Definition<?> definition : file.document().getDefinitions()) {
				if (definition instanceof DirectiveDefinition directive) {
					claim(this.directives, "Directive '@" + directive.getName() + "'", directive.getName(), file.name());
				}
				else if (definition instanceof TypeDefinition<?> type) {
					if (definition instanceof SDLExtensionDefinition) {
						this.extended.putIfAbsent(type.getName(), file.name());
					}
					else {
						claim(this.types, "Type '" + type.getName() + "'", type.getName(), file.name());
					}
					for (String member : memberNames(type)) {
						String coordinate = type.getName() + "." + member;
						claim(this.members, kindOfMembers(type) + " '" + coordinate + "'", coordinate, file.name());
					}
					if (ROOT_TYPES.contains(type.getName()) && !memberNames(type).isEmpty()) {
						this.rootTypesWithFields.add(type.getName());
					}
				}
			}
		}

		private void claim(Map<String, String> definers, String what, String name, String file) {
			String earlier = definers.putIfAbsent(name, file);
			if (earlier != null) {
				this.problems.add(what + " is defined by " + earlier + " and by " + file);
			}
		}

		Set<String> rootTypesOnlyExtended() {
			Set<String> added = new LinkedHashSet<>();
			for (String root : ROOT_TYPES) {
				if (!this.types.containsKey(root) && this.rootTypesWithFields.contains(root)) {
					added.add(root);
				}
			}
			return added;
		}

		void checkExtendedTypesExist(Set<String> addedRootTypes) {
			this.extended.forEach((type, file) -> {
				if (!this.types.containsKey(type) && !addedRootTypes.contains(type)) {
					this.problems.add("Type '" + type + "' is extended by " + file + " but defined by no schema file");
				}
			});
		}

	}

	/** Fields, input fields or enum values, as the type's kind has them; unions and scalars have none. */
	private static List<String> memberNames(TypeDefinition<?> type) {
		if (type instanceof ImplementingTypeDefinition<?> object) {
			return object.getFieldDefinitions().stream().map(FieldDefinition::getName).toList();
		}
		if (type instanceof InputObjectTypeDefinition input) {
			return input.getInputValueDefinitions().stream().map(InputValueDefinition::getName).toList();
		}
		if (type instanceof EnumTypeDefinition enumType) {
			return enumType.getEnumValueDefinitions().stream().map(EnumValueDefinition::getName).toList();
		}
		return List.of();
	}

	private static String kindOfMembers(TypeDefinition<?> type) {
		if (type instanceof InputObjectTypeDefinition) {
			return "Input field";
		}
		return (type instanceof EnumTypeDefinition) ? "Enum value" : "Field";
	}

	private record SchemaFile(String name, Document document) {

		List<String> definedTypes() {
			return this.document.getDefinitions()
				.stream()
				.filter((definition) -> definition instanceof TypeDefinition<?>
						&& !(definition instanceof SDLExtensionDefinition))
				.map((definition) -> ((TypeDefinition<?>) definition).getName())
				.toList();
		}

		/** "post.graphqls: types Post, CreatePostInput; fields Query.post, Mutation.createPost" */
		String report(List<String> types, Map<String, String> typeDefiners) {
			List<String> directives = new ArrayList<>();
			List<String> added = new ArrayList<>();
			for (Definition<?> definition : this.document.getDefinitions()) {
				if (definition instanceof DirectiveDefinition directive) {
					directives.add("@" + directive.getName());
				}
				else if (definition instanceof TypeDefinition<?> extension && definition instanceof SDLExtensionDefinition
						&& !this.name.equals(typeDefiners.get(extension.getName()))) {
					memberNames(extension).forEach((member) -> added.add(extension.getName() + "." + member));
				}
			}
			List<String> parts = new ArrayList<>();
			if (!directives.isEmpty()) {
				parts.add("directives " + String.join(", ", directives));
			}
			if (!types.isEmpty()) {
				parts.add("types " + String.join(", ", types));
			}
			if (!added.isEmpty()) {
				parts.add("fields " + String.join(", ", added));
			}
			return this.name + ": " + (parts.isEmpty() ? "nothing" : String.join("; ", parts));
		}

	}

}

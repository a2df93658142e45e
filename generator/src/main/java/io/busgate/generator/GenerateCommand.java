package io.busgate.generator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.busgate.generator.GeneratorSettings.Source;
import io.busgate.generator.model.ServiceModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** {@code generate}: one source to its two files. Options override the settings file. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
		description = { "Reads a backend's description and writes its schema fragment (<service>.graphqls) and "
				+ "its bridge's routes (<service>.yml).", "Give one source, and the service name (or a settings file)." })
final class GenerateCommand implements Callable<Integer> {

	/** {@code --check} found a generated file that differs from what the source gives now. */
	static final int OUT_OF_DATE = 1;

	@Spec
	CommandSpec spec;

	@Option(names = "--settings", paramLabel = "FILE",
			description = "YAML settings: the source, the service, names, auth, the output files (README.md).")
	Path settingsFile;

	@Option(names = "--grpc", paramLabel = "HOST:PORT", description = "A gRPC server serving reflection.")
	String grpc;

	@Option(names = "--descriptor-set", paramLabel = "FILE",
			description = "A protobuf descriptor set (protoc --descriptor_set_out --include_imports).")
	String descriptorSet;

	@Option(names = "--grpc-service", paramLabel = "NAME", description = "The gRPC service (pkg.Service), if several.")
	String grpcService;

	@Option(names = "--thrift", paramLabel = "FILE", description = "A Thrift IDL file.")
	String thrift;

	@Option(names = "--thrift-service", paramLabel = "NAME", description = "The IDL's service, if several.")
	String thriftService;

	@Option(names = "--openapi", paramLabel = "FILE|URL", description = "An OpenAPI 3 document (JSON or YAML).")
	String openapi;

	@Option(names = "--service", paramLabel = "NAME",
			description = "The bus service: operations are <service>.<name>, requests go to <service>.requests.")
	String service;

	@Option(names = "--prefix", paramLabel = "PREFIX", description = "Put before every type and root field name.")
	String prefix;

	@Option(names = "--mutation-names", paramLabel = "REGEX",
			description = "gRPC methods and Thrift functions whose name matches are mutations.")
	String mutationNames;

	@Option(names = "--bridge", paramLabel = "NAME=VALUE",
			description = "A bridge setting written into the routes (target, base-url, host, port, idl, service).")
	Map<String, String> bridge = new LinkedHashMap<>();

	@Option(names = "--out", paramLabel = "DIR", description = "Where to write the two files (default: .).")
	Path out;

	@Option(names = "--schema", paramLabel = "FILE", description = "The schema file, instead of <out>/<service>.graphqls.")
	Path schema;

	@Option(names = "--routes", paramLabel = "FILE", description = "The routes file, instead of <out>/<service>.yml.")
	Path routes;

	@Option(names = "--check",
			description = "Write nothing: exit 1 when a file differs from what the source gives now.")
	boolean check;

	@Option(names = "--deadline", paramLabel = "DURATION", defaultValue = "PT10S",
			description = "How long a server may take to answer reflection (ISO-8601, default PT10S).")
	Duration deadline;

	@Override
	public Integer call() {
		GeneratorSettings settings = settings();
		ServiceModel model = Sources.read(settings.source(), settings.conventions(), this.deadline);
		Generated generated = Generator.generate(model, settings);
		Path schemaFile = output(this.schema, settings.schema(), settings.service() + ".graphqls");
		Path routesFile = output(this.routes, settings.routes(), settings.service() + ".yml");
		var out = this.spec.commandLine().getOut();
		generated.findings().forEach(out::println);
		if (this.check) {
			boolean current = isCurrent(schemaFile, generated.schema()) & isCurrent(routesFile, generated.routes());
			return current ? 0 : OUT_OF_DATE;
		}
		write(schemaFile, generated.schema());
		write(routesFile, generated.routes());
		return 0;
	}

	private GeneratorSettings settings() {
		GeneratorSettings file = (this.settingsFile != null) ? readSettings(this.settingsFile)
				: GeneratorSettings.forService(null);
		Source fromFile = file.source();
		boolean sourceGiven = this.grpc != null || this.descriptorSet != null || this.thrift != null
				|| this.openapi != null;
		Source source = sourceGiven
				? new Source(this.grpc, this.descriptorSet, this.grpcService, this.thrift, this.thriftService, this.openapi)
				: fromFile;
		Map<String, String> bridgeSettings = new LinkedHashMap<>(file.bridge());
		bridgeSettings.putAll(this.bridge);
		return new GeneratorSettings(pick(this.service, file.service()), pick(this.prefix, file.prefix()),
				pick(this.mutationNames, file.mutationNames()), file.idempotencyKeyField(), source, bridgeSettings,
				file.operations(), file.schema(), file.routes());
	}

	private static GeneratorSettings readSettings(Path file) {
		YAMLMapper mapper = YAMLMapper.builder()
			.propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
			.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.build();
		try {
			return mapper.readValue(file.toFile(), GeneratorSettings.class);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Cannot read the settings " + file + ": " + ex.getOriginalMessage());
		}
	}

	private static String pick(String option, String fromFile) {
		return (option != null) ? option : fromFile;
	}

	private Path output(Path option, String fromSettings, String defaultName) {
		if (option != null) {
			return option;
		}
		if (fromSettings != null && this.out == null) {
			return Path.of(fromSettings);
		}
		return ((this.out != null) ? this.out : Path.of(".")).resolve(defaultName);
	}

	private boolean isCurrent(Path file, String expected) {
		var out = this.spec.commandLine().getOut();
		String actual;
		try {
			actual = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file, ex);
		}
		if (expected.equals(actual)) {
			out.println("up to date: " + file);
			return true;
		}
		out.println("out of date: " + file + ((actual == null) ? " (missing)" : " (" + firstDifference(expected, actual) + ")")
				+ "; run the same command without --check to regenerate it");
		return false;
	}

	private static String firstDifference(String expected, String actual) {
		List<String> expectedLines = expected.lines().toList();
		List<String> actualLines = actual.lines().toList();
		for (int i = 0; i < Math.max(expectedLines.size(), actualLines.size()); i++) {
			String wanted = (i < expectedLines.size()) ? expectedLines.get(i) : "<end of file>";
			String found = (i < actualLines.size()) ? actualLines.get(i) : "<end of file>";
			if (!wanted.equals(found)) {
				return "line " + (i + 1) + ": generated '" + wanted + "', file has '" + found + "'";
			}
		}
		return "line endings differ";
	}

	private void write(Path file, String content) {
		try {
			Path parent = file.toAbsolutePath().getParent();
			Files.createDirectories(parent);
			Files.writeString(file, content, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file, ex);
		}
		this.spec.commandLine().getOut().println("wrote " + file);
	}

}

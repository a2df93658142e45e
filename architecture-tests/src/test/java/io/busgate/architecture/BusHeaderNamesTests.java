package io.busgate.architecture;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.busgate.bus.BusHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bus header names ({@code bus-*}) are spelled only where they are defined: in bus-core, and in
 * backend-contract for the one a backend reads too. Constants are inlined by javac, so no class
 * file shows where a name came from; the sources do. Every string literal in every module's
 * {@code src/main/java} is checked for a header name standing on its own (so a thread-name prefix
 * {@code "bus-send-"} or the command name {@code "bus-replay"} are not header names).
 */
class BusHeaderNamesTests {

	/** The modules that define header names, relative to the repository. */
	private static final Set<String> DEFINING_MODULES = Set.of("bus-adapters/bus-core", "bus-adapters/backend-contract");

	@Test
	void busHeaderNamesAreSpelledOnlyInBusCore() throws IOException {
		Set<String> names = busHeaderNames();
		Path repository = Path.of("").toAbsolutePath().getParent();
		List<Path> sources = mainJavaSources(repository);

		List<String> spelled = new ArrayList<>();
		for (Path source : sources) {
			for (JavaStringLiterals.Literal literal : JavaStringLiterals.of(Files.readString(source))) {
				for (String name : namesIn(literal.text(), names)) {
					spelled.add(repository.relativize(source) + ":" + literal.line() + " \"" + literal.text()
							+ "\" spells " + name + ": use BusHeaders (or BackendContract)");
				}
			}
		}

		// The scan saw the repository: every module's sources, the gateway's among them.
		assertThat(sources).hasSizeGreaterThan(100)
			.anyMatch((source) -> source.endsWith(Path.of("gateway/src/main/java/io/busgate/gateway/GatewayProperties.java")));
		assertThat(spelled).isEmpty();
	}

	@Test
	void headerNamesComeFromBusHeaders() {
		assertThat(busHeaderNames()).contains(BusHeaders.CORRELATION_ID, BusHeaders.PRINCIPAL, BusHeaders.REPLAY_OF)
			.doesNotContain(BusHeaders.TRACEPARENT, BusHeaders.CONTENT_TYPE)
			.allMatch((name) -> name.startsWith("bus-"));
	}

	@Test
	void aHeaderNameIsFoundOnlyInLiteralsAndOnlyOnItsOwn() {
		String source = """
				// "bus-principal" in a comment
				/* "bus-principal"
				   over lines */ class A {
				  char quote = '"';
				  String prefix = "bus-send-";
				  String command = "bus-replay";
				  String client = "bus-replay-" + id;
				  String longer = "x-bus-principal-y";
				  String escaped = "\\"bus-principal\\" it is";
				  String plain = "bus-correlation-id";
				  String block = \"""
				      header: bus-deadline
				      \""";
				}
				""";
		Set<String> names = busHeaderNames();

		List<String> found = new ArrayList<>();
		for (JavaStringLiterals.Literal literal : JavaStringLiterals.of(source)) {
			namesIn(literal.text(), names).forEach((name) -> found.add(literal.line() + ":" + name));
		}

		assertThat(found).containsExactly("9:bus-principal", "10:bus-correlation-id", "11:bus-deadline");
	}

	/** The values of BusHeaders' constants that are bus header names ({@code bus-*}). */
	static Set<String> busHeaderNames() {
		Set<String> names = new TreeSet<>();
		for (Field field : BusHeaders.class.getFields()) {
			if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
				try {
					String value = (String) field.get(null);
					if (value.startsWith("bus-")) {
						names.add(value);
					}
				}
				catch (IllegalAccessException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
		return names;
	}

	/** The names that stand on their own in a literal: not part of a longer name. */
	static List<String> namesIn(String literal, Set<String> names) {
		List<String> found = new ArrayList<>();
		for (String name : names) {
			Matcher matcher = Pattern.compile("(?<![\\w.-])" + Pattern.quote(name) + "(?![\\w-])").matcher(literal);
			if (matcher.find()) {
				found.add(name);
			}
		}
		return found;
	}

	/** Every .java file under a src/main/java of a module that does not define header names. */
	private static List<Path> mainJavaSources(Path repository) throws IOException {
		List<Path> sources = new ArrayList<>();
		Files.walkFileTree(repository, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
				String name = dir.getFileName().toString();
				if (!dir.equals(repository) && (name.startsWith(".") || name.equals("target")
						|| name.equals("node_modules") || DEFINING_MODULES.contains(relative(dir)))) {
					return FileVisitResult.SKIP_SUBTREE;
				}
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
				if (file.toString().endsWith(".java") && relative(file).contains("/src/main/java/")) {
					sources.add(file);
				}
				return FileVisitResult.CONTINUE;
			}

			private String relative(Path path) {
				return repository.relativize(path).toString().replace('\\', '/');
			}

		});
		return sources;
	}

}

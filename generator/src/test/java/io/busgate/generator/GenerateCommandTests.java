package io.busgate.generator;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateCommandTests {

	private static final String IDL = "src/test/resources/thrift/library.thrift";

	@TempDir
	Path out;

	private final StringWriter stdout = new StringWriter();

	private final StringWriter stderr = new StringWriter();

	private int run(String... args) {
		return BusgateGenerator.run(new PrintWriter(this.stdout), new PrintWriter(this.stderr), args);
	}

	@Test
	void writesBothFilesAndSaysWhatItFound() throws Exception {
		int status = run("generate", "--thrift", IDL, "--service", "library", "--out", this.out.toString());

		assertThat(status).as(this.stderr.toString()).isZero();
		assertThat(this.out.resolve("library.graphqls")).content().contains("@bus(operation: \"library.");
		assertThat(this.out.resolve("library.yml")).content().contains("    service: library", "    routes:");
		assertThat(this.stdout.toString()).contains("a batched lookup on", "wrote " + this.out.resolve("library.yml"));
	}

	@Test
	void checkPassesOnCurrentFilesAndFailsNamingTheFirstDifference() throws Exception {
		assertThat(run("generate", "--thrift", IDL, "--service", "library", "--out", this.out.toString())).isZero();
		assertThat(run("generate", "--thrift", IDL, "--service", "library", "--out", this.out.toString(), "--check"))
			.isZero();
		assertThat(this.stdout.toString()).contains("up to date: " + this.out.resolve("library.graphqls"));

		Path schema = this.out.resolve("library.graphqls");
		Files.writeString(schema, Files.readString(schema).replaceFirst("extend type Query \\{", "extend type Query {\n  edited: Int"));
		int status = run("generate", "--thrift", IDL, "--service", "library", "--out", this.out.toString(), "--check");

		assertThat(status).isEqualTo(GenerateCommand.OUT_OF_DATE);
		assertThat(this.stdout.toString()).contains("out of date: " + schema + " (line ", "file has '  edited: Int'");
		assertThat(Files.readString(schema)).contains("edited: Int");
	}

	@Test
	void readsASettingsFileWhoseValuesTheOptionsOverride() throws Exception {
		Path settings = this.out.resolve("library-settings.yml");
		Files.writeString(settings, """
				service: books
				prefix: Lib
				source:
				  thrift: %s
				schema: %s
				routes: %s
				""".formatted(IDL, this.out.resolve("books.graphqls"), this.out.resolve("books.yml")));

		assertThat(run("generate", "--settings", settings.toString(), "--prefix", "Shelf")).as(this.stderr.toString())
			.isZero();

		assertThat(this.out.resolve("books.graphqls")).content().contains("type Shelf").doesNotContain("type Lib");
		assertThat(this.out.resolve("books.yml")).content().contains("    service: books");
	}

	@Test
	void refusesWhatItCannotUseWithAMessageAndStatusTwo() throws Exception {
		assertThat(run("generate", "--service", "library")).isEqualTo(BusgateGenerator.UNUSABLE);
		assertThat(this.stderr.toString()).contains("Give exactly one source");

		assertThat(run("generate", "--thrift", IDL, "--grpc", "127.0.0.1:1", "--service", "library"))
			.isEqualTo(BusgateGenerator.UNUSABLE);
		assertThat(this.stderr.toString()).contains("was --grpc and --thrift");

		Path settings = this.out.resolve("typo.yml");
		Files.writeString(settings, "service: library\nprefx: Lib\n");
		assertThat(run("generate", "--settings", settings.toString(), "--thrift", IDL))
			.isEqualTo(BusgateGenerator.UNUSABLE);
		assertThat(this.stderr.toString()).contains("Cannot read the settings " + settings, "prefx");

		assertThat(run("generate", "--thrift", "no-such.thrift", "--service", "library"))
			.isEqualTo(BusgateGenerator.UNUSABLE);
		assertThat(this.stderr.toString()).contains("no-such.thrift").doesNotContain("\tat ");
	}

}

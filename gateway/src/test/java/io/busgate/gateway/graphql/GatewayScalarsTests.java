package io.busgate.gateway.graphql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Long} and {@code JSON} in a schema: what they take and give, and a client's bad input
 * refused with a clear error, a code, and no stack trace.
 */
class GatewayScalarsTests {

	private static final String SDL = """
			scalar Long
			scalar JSON
			type Query {
			  long(value: Long): Long
			  json(value: JSON): JSON
			  backendLong: Long
			  backendLongs: [Long]
			}
			""";

	/** What a backend answers: protobuf's JSON carries int64 as a string. */
	private static final List<Object> BACKEND_LONGS = Arrays.asList(42, 9007199254740993L, "-9223372036854775808",
			new BigInteger("9223372036854775807"), 7.0);

	private final GraphQL graphQl = GraphQL.newGraphQL(schema()).build();

	@Test
	void longTakesIntLiteralsBeyondIntAndStringsOfDigits() {
		assertThat(data("{ long(value: 9007199254740993) }")).containsEntry("long", 9007199254740993L);
		assertThat(data("{ long(value: \"-12\") }")).containsEntry("long", -12L);
	}

	@Test
	void longTakesVariablesAsNumbersOrStrings() {
		assertThat(data("query($v: Long) { long(value: $v) }", Map.of("v", 12))).containsEntry("long", 12L);
		assertThat(data("query($v: Long) { long(value: $v) }", Map.of("v", "9223372036854775807")))
			.containsEntry("long", Long.MAX_VALUE);
	}

	@Test
	void longServesWhatBackendsAnswerAsNumbers() {
		assertThat(data("{ backendLongs }")).containsEntry("backendLongs",
				List.of(42L, 9007199254740993L, Long.MIN_VALUE, Long.MAX_VALUE, 7L));
	}

	@Test
	void longRefusesBadLiteralsWithInvalidArgument() {
		for (String literal : List.of("\"abc\"", "9223372036854775808", "1.5", "true")) {
			ExecutionResult result = execute("{ long(value: " + literal + ") }", Map.of());

			assertThat(result.isDataPresent()).as(literal).isFalse();
			assertThat(result.getErrors()).as(literal).singleElement().satisfies((error) -> {
				assertThat(error.getMessage()).contains("Long must be a 64-bit integer or a string of digits");
				assertThat(error.getExtensions()).containsEntry("code", "INVALID_ARGUMENT");
				assertNoStackTrace(error);
			});
		}
	}

	@Test
	void longRefusesBadVariablesWithInvalidArgument() {
		for (Object value : List.of("12abc", 1.5, "99999999999999999999", Map.of("a", 1))) {
			ExecutionResult result = execute("query($v: Long) { long(value: $v) }", Map.of("v", value));

			assertThat(result.isDataPresent()).as("%s", value).isFalse();
			assertThat(result.getErrors()).as("%s", value).singleElement().satisfies((error) -> {
				assertThat(error.getMessage()).contains("Long must be a 64-bit integer or a string of digits");
				assertThat(error.getExtensions()).containsEntry("code", "INVALID_ARGUMENT");
				assertNoStackTrace(error);
			});
		}
	}

	@Test
	void longAnsweredAsSomethingElseIsAFieldErrorNotAClientError() {
		ExecutionResult result = execute("{ backendLong }", Map.of());

		assertThat(result.<Map<String, Object>>getData()).containsEntry("backendLong", null);
		assertThat(result.getErrors()).singleElement().satisfies((error) -> {
			assertThat(error.getMessage()).contains("Expected a 64-bit integer for Long but got \"soon\"");
			assertThat(error.getPath()).containsExactly("backendLong");
			assertThat(error.getExtensions()).containsEntry("code", "INTERNAL");
			assertNoStackTrace(error);
		});
	}

	@Test
	void jsonPassesAnyValueThrough() {
		assertThat(data("{ json(value: {a: [1, \"x\", true, null], b: {c: 1.5}}) }")).extractingByKey("json")
			.isEqualTo(Map.of("a", Arrays.asList(1L, "x", true, null), "b", Map.of("c", new BigDecimal("1.5"))));
		Map<String, Object> value = Map.of("deep", List.of(Map.of("n", 1)), "s", "t");
		assertThat(data("query($v: JSON) { json(value: $v) }", Map.of("v", value))).containsEntry("json", value);
		assertThat(data("query($v: JSON) { json(value: {wrapped: $v}) }", Map.of("v", 3)))
			.containsEntry("json", Map.of("wrapped", 3));
	}

	@Test
	void jsonRefusesAnEnumLiteral() {
		ExecutionResult result = execute("{ json(value: {state: DRAFT}) }", Map.of());

		assertThat(result.isDataPresent()).isFalse();
		assertThat(result.getErrors()).singleElement().satisfies((error) -> {
			assertThat(error.getMessage()).contains("JSON takes objects, lists, strings, numbers, booleans and null, not DRAFT");
			assertThat(error.getExtensions()).containsEntry("code", "INVALID_ARGUMENT");
			assertNoStackTrace(error);
		});
	}

	private Map<String, Object> data(String document) {
		return data(document, Map.of());
	}

	private Map<String, Object> data(String document, Map<String, Object> variables) {
		ExecutionResult result = execute(document, variables);
		assertThat(result.getErrors()).isEmpty();
		return result.getData();
	}

	private ExecutionResult execute(String document, Map<String, Object> variables) {
		return this.graphQl.execute(ExecutionInput.newExecutionInput(document).variables(variables).build());
	}

	private static void assertNoStackTrace(GraphQLError error) {
		assertThat(error.toSpecification().toString()).doesNotContain("\tat ", "CoercingParse", "CoercingSerialize", "java.");
	}

	private static GraphQLSchema schema() {
		RuntimeWiring wiring = RuntimeWiring.newRuntimeWiring()
			.scalar(GatewayScalars.LONG)
			.scalar(GatewayScalars.JSON)
			.type("Query", (type) -> type.dataFetcher("long", (environment) -> environment.getArgument("value"))
				.dataFetcher("json", (environment) -> environment.getArgument("value"))
				.dataFetcher("backendLong", (environment) -> "soon")
				.dataFetcher("backendLongs", (environment) -> BACKEND_LONGS))
			.build();
		return new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(SDL), wiring);
	}

}

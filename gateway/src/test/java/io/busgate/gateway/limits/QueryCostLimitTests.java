package io.busgate.gateway.limits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.analysis.QueryComplexityCalculator;
import graphql.execution.CoercedVariables;
import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import io.busgate.gateway.GatewayProperties;
import io.busgate.gateway.graphql.TestSchemas;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What documents cost against the gateway's own schema, with the default limits: lists multiply
 * what they select, and every document the repository sends (tests, system tests, benchmark,
 * chaos runner, READMEs) stays within the default budget.
 */
class QueryCostLimitTests {

	private static final GraphQLSchema SCHEMA = TestSchemas.gatewaySchema();

	private static final GatewayProperties.Limits DEFAULTS = new Binder(new MapConfigurationPropertySource(Map.of()))
		.bindOrCreate("busgate.gateway", Bindable.of(GatewayProperties.class))
		.limits();

	@Test
	void listSizeArgumentsMultiplyWhatTheFieldSelects() {
		assertThat(cost("{ getUser(id: \"1\") { friends(pageSize: 3) { name } } }")).isEqualTo(10 + 10 + 3 * 1);
		assertThat(cost("{ getUser(id: \"1\") { posts(first: 4) { title author { name } } } }"))
			.isEqualTo(10 + 10 + 4 * (1 + 10 + 1));
		assertThat(cost("{ getUsers(start: 5, pageSize: 7) { id name } }")).isEqualTo(10 + 7 * 2);
	}

	@Test
	void defaultValuesCountLikeGivenOnes() {
		// friends(pageSize: Int = 20), posts(first: Int = 10)
		assertThat(cost("{ getUser(id: \"1\") { friends { name } posts { title } } }"))
			.isEqualTo(10 + (10 + 20 * 1) + (10 + 10 * 1));
	}

	@Test
	void variablesCountLikeLiterals() {
		assertThat(cost("query($n: Int!) { getUsers(pageSize: $n) { name } }", Map.of("n", 40))).isEqualTo(10 + 40);
		assertThat(cost("query($ids: [ID!]!) { users(ids: $ids) { name } }", Map.of("ids", List.of("1", "2", "3"))))
			.isEqualTo(10 + 3);
	}

	@Test
	void listOfKeysOfABusFieldMultiplies() {
		assertThat(cost("{ users(ids: [\"1\", \"2\", \"3\", \"4\"]) { name posts(first: 2) { title } } }"))
			.isEqualTo(10 + 4 * (1 + 10 + 2 * 1));
	}

	@Test
	void listsOfListsAreRefused() {
		String ids = "[" + String.join(",", Collections.nCopies(1000, "\"1\"")) + "]";
		String document = "{ users(ids: " + ids + ") { friends(pageSize: 100) { posts(first: 100) { title } } } }";
		assertThat(cost(document)).isEqualTo(10 + 1000 * (10 + 100 * (10 + 100 * 1)));

		ExecutionResult result = execute(document, Map.of());

		assertThat(result.getErrors()).singleElement().satisfies((error) -> {
			assertThat(error.getExtensions()).containsEntry("code", "QUERY_TOO_COSTLY");
			assertThat(error.getMessage()).contains("at most 5000 is allowed");
		});
		// Friends of friends of friends, 20 each by default: 8,000 users.
		assertThat(cost("{ getUser(id: \"1\") { friends { friends { friends { name } } } } }")).isEqualTo(12_220);
		assertThat(execute("{ getUser(id: \"1\") { friends { friends { friends { name } } } } }", Map.of()).getErrors())
			.singleElement()
			.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", "QUERY_TOO_COSTLY"));
	}

	@Test
	void costsBeyondIntegersAreRefusedAndDoNotWrapAround() {
		// Each root field alone is far over the budget: their sum must not overflow into a small number.
		String huge = "users(ids: [\"1\"]) { friends(pageSize: 2000000000) { friends(pageSize: 2000000000) { name } } }";
		StringBuilder document = new StringBuilder("{");
		for (int i = 0; i < 8; i++) {
			document.append(" a").append(i).append(": ").append(huge);
		}
		document.append(" }");

		assertThat(execute(document.toString(), Map.of()).getErrors()).singleElement()
			.satisfies((error) -> assertThat(error.getExtensions()).containsEntry("code", "QUERY_TOO_COSTLY"));
	}

	@Test
	void otherArgumentsDoNotMultiply() {
		assertThat(cost("{ getUsers(start: 1000, pageSize: 1) { name } }")).isEqualTo(10 + 1);
	}

	@Test
	void listSizeArgumentsAreConfigurable() {
		QueryCostLimit.FieldCosts onlyFirst = new QueryCostLimit.FieldCosts(10, List.of("first"), Integer.MAX_VALUE);

		assertThat(cost(onlyFirst, "{ getUser(id: \"1\") { friends(pageSize: 3) { name } posts(first: 4) { title } } }",
				Map.of())).isEqualTo(10 + (10 + 1) + (10 + 4 * 1));
	}

	@Test
	void everyDocumentOfTheRepositoryFitsTheDefaultBudget() throws IOException {
		Map<String, String> documents = new TreeMap<>();
		for (Path directory : List.of(Path.of("src/test/resources/graphql-test"),
				Path.of("../system-tests/src/test/resources/graphql-test"))) {
			try (Stream<Path> files = Files.list(directory)) {
				files.filter((file) -> !file.getFileName().toString().equals("tooDeep.graphql"))
					.forEach((file) -> documents.put(file.toString(), read(file)));
			}
		}
		assertThat(documents).hasSizeGreaterThan(20);
		// bench's N+1 query at its most (user-service pages hold at most 100), the chaos runner's
		// authors plan, the READMEs' examples and the local stack's test.
		documents.put("bench N+1", "{ getUsers(pageSize: 100) { id friends(pageSize: 1) { id } } }");
		documents.put("chaos authors", "{ users(ids: [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\"]) { id"
				+ " posts(first: 100) { id title } } }");
		documents.put("README three protocols", "{ getUsers(pageSize: 5) { name posts(first: 3) { title author { name } } }"
				+ " getUser(id: \"1\") { inbox(first: 2) { body from { name } } } }");
		documents.put("README friends and posts",
				"{ getUser(id:\"1\") { name friends(pageSize: 3) { name } posts(first: 2) { title } } }");

		Map<String, Object> variables = Map.of("me", "1", "id", "1", "input",
				Map.of("toUserId", "2", "title", "a title", "body", "a body"));
		documents.forEach((name, document) -> assertThat(cost(document, variables))
			.as(name)
			.isLessThanOrEqualTo(DEFAULTS.maxCost()));
		// The largest: 50 users with 3 posts each and their authors, and an inbox.
		assertThat(cost(read(Path.of("../system-tests/src/test/resources/graphql-test/usersWithPostsAndInbox.graphql")),
				Map.of("me", "1"))).isEqualTo(2628);
	}

	private static int cost(String document) {
		return cost(document, Map.of());
	}

	private static int cost(String document, Map<String, Object> variables) {
		return cost(new QueryCostLimit.FieldCosts(DEFAULTS.busFieldCost(), DEFAULTS.listSizeArguments(),
				Integer.MAX_VALUE), document, variables);
	}

	private static int cost(QueryCostLimit.FieldCosts costs, String document, Map<String, Object> variables) {
		return QueryComplexityCalculator.newCalculator()
			.fieldComplexityCalculator(costs)
			.schema(SCHEMA)
			.document(Parser.parse(document))
			.variables(CoercedVariables.of(variables))
			.build()
			.calculate();
	}

	private static ExecutionResult execute(String document, Map<String, Object> variables) {
		GraphQL graphQl = GraphQL.newGraphQL(SCHEMA)
			.instrumentation(new QueryCostLimit(DEFAULTS.maxCost(), DEFAULTS.busFieldCost(), DEFAULTS.listSizeArguments()))
			.build();
		return graphQl.execute(ExecutionInput.newExecutionInput(document).variables(variables).build());
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

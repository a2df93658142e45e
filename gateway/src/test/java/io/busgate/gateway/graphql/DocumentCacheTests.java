package io.busgate.gateway.graphql;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import graphql.ExecutionInput;
import graphql.GraphqlErrorBuilder;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.parser.Parser;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DocumentCacheTests {

	private final AtomicInteger parsed = new AtomicInteger();

	private final Function<ExecutionInput, PreparsedDocumentEntry> parse = (input) -> {
		this.parsed.incrementAndGet();
		return new PreparsedDocumentEntry(Parser.parse(input.getQuery()));
	};

	private final Function<ExecutionInput, PreparsedDocumentEntry> refuse = (input) -> {
		this.parsed.incrementAndGet();
		return new PreparsedDocumentEntry(GraphqlErrorBuilder.newError().message("invalid").build());
	};

	@Test
	void sameDocumentWithOtherVariablesIsParsedOnce() {
		DocumentCache cache = new DocumentCache(10);
		String query = "query($id: ID!) { getUser(id: $id) { id } }";

		PreparsedDocumentEntry first = cache.getDocumentAsync(input(query, "1"), this.parse).join();
		PreparsedDocumentEntry second = cache.getDocumentAsync(input(query, "2"), this.parse).join();

		assertThat(second).isSameAs(first);
		assertThat(this.parsed).hasValue(1);
	}

	@Test
	void invalidDocumentsAreNotKept() {
		DocumentCache cache = new DocumentCache(10);

		cache.getDocumentAsync(input("{ nope }", "1"), this.refuse).join();
		PreparsedDocumentEntry again = cache.getDocumentAsync(input("{ nope }", "1"), this.refuse).join();

		assertThat(again.hasErrors()).isTrue();
		assertThat(this.parsed).hasValue(2);
	}

	@Test
	void keepsAtMostItsSize() {
		DocumentCache cache = new DocumentCache(1);
		for (int i = 0; i < 50; i++) {
			cache.getDocumentAsync(input("{ a" + i + " }", "1"), this.parse).join();
		}
		this.parsed.set(0);

		for (int i = 0; i < 50; i++) {
			cache.getDocumentAsync(input("{ a" + i + " }", "1"), this.parse).join();
		}

		assertThat(this.parsed.get()).isGreaterThanOrEqualTo(49);
	}

	private static ExecutionInput input(String query, String id) {
		return ExecutionInput.newExecutionInput(query).variables(Map.of("id", id)).build();
	}

}

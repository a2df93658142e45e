package io.busgate.gateway.graphql;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;

/**
 * Keeps parsed and validated documents by their text, so that a client sending the same
 * document with other variables (the common case) skips parsing and validation. Only valid
 * documents are kept: invalid ones are parsed again each time and cannot crowd out the others.
 * The limits checked at execution (depth, cost, aliases) still apply to every request.
 */
final class DocumentCache implements PreparsedDocumentProvider {

	private final Cache<String, PreparsedDocumentEntry> documents;

	/** @param maximumSize how many documents to keep, least recently used dropped first */
	DocumentCache(long maximumSize) {
		// Evicts on the caller's thread, not later on the common pool: a flood of distinct documents
		// cannot outrun the bound, and the pool's threads stay free for the request path.
		this.documents = Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run).build();
	}

	@Override
	public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
			Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
		PreparsedDocumentEntry entry = this.documents.getIfPresent(input.getQuery());
		if (entry == null) {
			entry = parseAndValidate.apply(input);
			if (!entry.hasErrors()) {
				this.documents.put(input.getQuery(), entry);
			}
		}
		return CompletableFuture.completedFuture(entry);
	}

}

package io.busgate.gateway.graphql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.graphql.server.webflux.GraphQlHttpHandler;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * GraphQL over HTTP with GET, as the GraphQL-over-HTTP spec describes it: the request is in the
 * query parameters {@code query}, {@code operationName}, {@code variables} and
 * {@code extensions} (the last two JSON-encoded). Mutations are refused with 405, since GET must
 * be safe. The request is then executed exactly like a POST.
 */
final class GraphQlGetHandler {

	private final GraphQlHttpHandler postHandler;

	private final JsonMapper json;

	GraphQlGetHandler(GraphQlHttpHandler postHandler, JsonMapper json) {
		this.postHandler = postHandler;
		this.json = json;
	}

	Mono<ServerResponse> handle(ServerRequest request) {
		Optional<String> query = request.queryParam("query");
		if (query.isEmpty() || query.get().isBlank()) {
			return problem(HttpStatus.BAD_REQUEST, "GET /graphql needs a 'query' parameter");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("query", query.get());
		request.queryParam("operationName").ifPresent((name) -> body.put("operationName", name));
		try {
			putJson(body, "variables", request);
			putJson(body, "extensions", request);
		}
		catch (JacksonException ex) {
			return problem(HttpStatus.BAD_REQUEST, "parameter is not a JSON object: " + ex.getOriginalMessage());
		}
		if (isMutation(query.get(), (String) body.get("operationName"))) {
			return ServerResponse.status(HttpStatus.METHOD_NOT_ALLOWED)
				.allow(HttpMethod.POST)
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.bodyValue(ProblemDetail.forStatusAndDetail(HttpStatus.METHOD_NOT_ALLOWED,
						"mutations must be sent with POST"));
		}
		ServerRequest post = ServerRequest.from(request)
			.method(HttpMethod.POST)
			.headers((headers) -> headers.setContentType(MediaType.APPLICATION_JSON))
			.body(this.json.writeValueAsString(body))
			.build();
		return this.postHandler.handleRequest(post);
	}

	private void putJson(Map<String, Object> body, String name, ServerRequest request) {
		Optional<String> value = request.queryParam(name);
		if (value.isPresent() && !value.get().isBlank()) {
			body.put(name, this.json.readValue(value.get(), Map.class));
		}
	}

	/**
	 * Whether the operation to execute is a mutation. A document that does not parse is left to
	 * the engine, which reports the syntax error the usual way.
	 */
	private static boolean isMutation(String query, String operationName) {
		Document document;
		try {
			document = Parser.parse(query);
		}
		catch (InvalidSyntaxException ex) {
			return false;
		}
		List<OperationDefinition> operations = document.getDefinitionsOfType(OperationDefinition.class);
		return operations.stream()
			.filter((operation) -> operationName == null ? operations.size() == 1
					: operationName.equals(operation.getName()))
			.anyMatch((operation) -> operation.getOperation() == OperationDefinition.Operation.MUTATION);
	}

	private static Mono<ServerResponse> problem(HttpStatus status, String detail) {
		return ServerResponse.status(status)
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyValue(ProblemDetail.forStatusAndDetail(status, detail));
	}

}

package io.busgate.examples.user;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.List;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.Explode;
import io.swagger.v3.oas.annotations.enums.ParameterStyle;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.servers.Server;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The HTTP/JSON API, described at {@code /v3/api-docs} (OpenAPI 3). Errors are RFC 9457 problem
 * details ({@code application/problem+json}) whose {@code detail} says what was wrong.
 * <ul>
 * <li>{@code GET /user/{id}}: one user, 404 if unknown.</li>
 * <li>{@code GET /user?ids=1,2,3}: batch lookup, a JSON array in the order of the ids with
 * {@code null} for unknown ids.</li>
 * <li>{@code GET /users?start=0&pageSize=20}: a page of users in id order.</li>
 * <li>{@code GET /user/{id}/friends?start=0&pageSize=20}: a page of the user's friends in id
 * order, 404 if the user is unknown.</li>
 * <li>{@code GET /friends?ids=1,2,3&start=0&pageSize=20}: batch of the above, a JSON array in
 * the order of the ids, each a page of that user's friends, {@code null} for unknown ids. One
 * call serves a whole level of a GraphQL query asking for the friends of many users.</li>
 * </ul>
 * Paging: {@code start} is a 0-based offset ({@code >= 0}; past the end gives an empty
 * array), {@code pageSize} is 1 to {@value #MAX_PAGE_SIZE}. The batch lookup and the page have
 * paths of their own because an OpenAPI document has one operation per path and method.
 */
@RestController
@OpenAPIDefinition(info = @Info(title = "user-service", version = "1",
		description = "The example user directory behind the http-bridge. Readable by anyone who may call the service."),
		servers = @Server(url = "http://127.0.0.1:8081", description = "The service's default port on this machine"))
@Tag(name = "users", description = "The seeded user directory: users and their friends, read-only")
class UserController {

	static final int DEFAULT_PAGE_SIZE = 20;

	static final int MAX_PAGE_SIZE = 100;

	static final int MAX_BATCH_SIZE = 1000;

	private final UserDirectory directory;

	UserController(UserDirectory directory) {
		this.directory = directory;
	}

	@GetMapping("/user/{id}")
	@Operation(operationId = "getUser", summary = "One user by id")
	@ApiResponse(responseCode = "200", description = "The user")
	@NotFoundResponse
	User user(@Parameter(description = "The user's id") @PathVariable String id) {
		return this.directory.find(id).orElseThrow(() -> unknownUser(id));
	}

	@GetMapping("/user")
	@Operation(operationId = "getUsers", summary = "Users by id, in one call",
			description = "Answers an array in the order of `ids`, one element per id (repeated ids repeat it), "
					+ "`null` for an id no user has.")
	@ApiResponse(responseCode = "200", description = "One element per id, in the order of `ids`; `null` for an unknown id")
	@BadRequestResponse
	List<User> users(@IdsParameter @RequestParam String ids) {
		return this.directory.findAll(parseIds(ids));
	}

	@GetMapping("/users")
	@Operation(operationId = "listUsers", summary = "A page of users in id order")
	@ApiResponse(responseCode = "200", description = "The page; empty past the last user")
	@BadRequestResponse
	List<User> page(@StartParameter @RequestParam(defaultValue = "0") int start,
			@PageSizeParameter @RequestParam(defaultValue = "" + DEFAULT_PAGE_SIZE) int pageSize) {
		checkPaging(start, pageSize);
		return this.directory.page(start, pageSize);
	}

	@GetMapping("/user/{id}/friends")
	@Operation(operationId = "getUserFriends", summary = "A page of one user's friends in id order")
	@ApiResponse(responseCode = "200", description = "The page; empty past the last friend")
	@BadRequestResponse
	@NotFoundResponse
	List<User> friends(@Parameter(description = "The user's id") @PathVariable String id,
			@StartParameter @RequestParam(defaultValue = "0") int start,
			@PageSizeParameter @RequestParam(defaultValue = "" + DEFAULT_PAGE_SIZE) int pageSize) {
		checkPaging(start, pageSize);
		return this.directory.friends(id, start, pageSize).orElseThrow(() -> unknownUser(id));
	}

	@GetMapping("/friends")
	@Operation(operationId = "getFriends", summary = "A page of friends of each of several users, in one call",
			description = "Answers an array in the order of `ids`, one element per id: that user's friends page, "
					+ "`null` for an id no user has.")
	@ApiResponse(responseCode = "200",
			description = "One friends page per id, in the order of `ids`; `null` for an unknown id")
	@BadRequestResponse
	List<List<User>> friendsOfEach(@IdsParameter @RequestParam String ids,
			@StartParameter @RequestParam(defaultValue = "0") int start,
			@PageSizeParameter @RequestParam(defaultValue = "" + DEFAULT_PAGE_SIZE) int pageSize) {
		checkPaging(start, pageSize);
		return parseIds(ids).stream()
			.map((id) -> this.directory.friends(id, start, pageSize).orElse(null))
			.toList();
	}

	/**
	 * Splits a comma-separated id list ({@code ids=1,2,3}; repeated {@code ids} parameters
	 * arrive joined by commas). Blank entries are kept and simply match no user.
	 */
	private static List<String> parseIds(String ids) {
		if (ids.isBlank()) {
			throw badRequest("ids must name at least one id, e.g. ids=1,2,3");
		}
		List<String> list = Arrays.stream(ids.split(",", -1)).map(String::strip).toList();
		if (list.size() > MAX_BATCH_SIZE) {
			throw badRequest("At most " + MAX_BATCH_SIZE + " ids per request, got " + list.size());
		}
		return list;
	}

	private static void checkPaging(int start, int pageSize) {
		if (start < 0) {
			throw badRequest("start must be 0 or more, was " + start);
		}
		if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
			throw badRequest("pageSize must be between 1 and " + MAX_PAGE_SIZE + ", was " + pageSize);
		}
	}

	private static ResponseStatusException unknownUser(String id) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "No user with id '" + id + "'");
	}

	private static ResponseStatusException badRequest(String reason) {
		return new ResponseStatusException(HttpStatus.BAD_REQUEST, reason);
	}

	/**
	 * The documented form of {@code ids}: a comma-separated list, bound as one string so that
	 * {@link #parseIds} keeps blank entries and joins repeated parameters.
	 */
	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@ApiResponse(responseCode = "400", description = "A parameter is missing or out of range; `detail` says which",
			content = @Content(mediaType = "application/problem+json",
					schema = @Schema(implementation = ProblemDetail.class)))
	@interface BadRequestResponse {

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@ApiResponse(responseCode = "404", description = "No user has this id",
			content = @Content(mediaType = "application/problem+json",
					schema = @Schema(implementation = ProblemDetail.class)))
	@interface NotFoundResponse {

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.PARAMETER)
	@Parameter(description = "The users' ids, comma-separated (`ids=1,2,3`); repeated parameters are joined, "
			+ "blank entries kept (they match no user)", required = true, style = ParameterStyle.FORM,
			explode = Explode.FALSE, array = @ArraySchema(minItems = 1, maxItems = MAX_BATCH_SIZE,
					schema = @Schema(type = "string")))
	@interface IdsParameter {

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.PARAMETER)
	@Parameter(description = "0-based offset of the page's first element; past the end gives an empty page",
			schema = @Schema(type = "integer", format = "int32", minimum = "0", defaultValue = "0"))
	@interface StartParameter {

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.PARAMETER)
	@Parameter(description = "How many elements a page has at most",
			schema = @Schema(type = "integer", format = "int32", minimum = "1", maximum = "" + MAX_PAGE_SIZE,
					defaultValue = "" + DEFAULT_PAGE_SIZE))
	@interface PageSizeParameter {

	}

}

package io.busgate.examples.user;

import java.util.Arrays;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The HTTP/JSON API. Errors are RFC 9457 problem details ({@code application/problem+json})
 * whose {@code detail} says what was wrong.
 * <ul>
 * <li>{@code GET /user/{id}}: one user, 404 if unknown.</li>
 * <li>{@code GET /user?start=0&pageSize=20}: a page of users in id order.</li>
 * <li>{@code GET /user?ids=1,2,3}: batch lookup, a JSON array in the order of the ids with
 * {@code null} for unknown ids. When {@code ids} is present, {@code start} and
 * {@code pageSize} are ignored.</li>
 * <li>{@code GET /user/{id}/friends?start=0&pageSize=20}: a page of the user's friends in id
 * order, 404 if the user is unknown.</li>
 * <li>{@code GET /friends?ids=1,2,3&start=0&pageSize=20}: batch of the above, a JSON array in
 * the order of the ids, each a page of that user's friends, {@code null} for unknown ids. One
 * call serves a whole level of a GraphQL query asking for the friends of many users.</li>
 * </ul>
 * Paging: {@code start} is a 0-based offset ({@code >= 0}; past the end gives an empty
 * array), {@code pageSize} is 1 to {@value #MAX_PAGE_SIZE}.
 */
@RestController
class UserController {

	static final int DEFAULT_PAGE_SIZE = 20;

	static final int MAX_PAGE_SIZE = 100;

	static final int MAX_BATCH_SIZE = 1000;

	private final UserDirectory directory;

	UserController(UserDirectory directory) {
		this.directory = directory;
	}

	@GetMapping("/user/{id}")
	User user(@PathVariable String id) {
		return this.directory.find(id).orElseThrow(() -> unknownUser(id));
	}

	@GetMapping("/user")
	List<User> users(@RequestParam(required = false) String ids, @RequestParam(defaultValue = "0") int start,
			@RequestParam(defaultValue = "" + DEFAULT_PAGE_SIZE) int pageSize) {
		if (ids != null) {
			return this.directory.findAll(parseIds(ids));
		}
		checkPaging(start, pageSize);
		return this.directory.page(start, pageSize);
	}

	@GetMapping("/user/{id}/friends")
	List<User> friends(@PathVariable String id, @RequestParam(defaultValue = "0") int start,
			@RequestParam(defaultValue = "" + DEFAULT_PAGE_SIZE) int pageSize) {
		checkPaging(start, pageSize);
		return this.directory.friends(id, start, pageSize).orElseThrow(() -> unknownUser(id));
	}

	@GetMapping("/friends")
	List<List<User>> friendsOfEach(@RequestParam String ids, @RequestParam(defaultValue = "0") int start,
			@RequestParam(defaultValue = "" + DEFAULT_PAGE_SIZE) int pageSize) {
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

}

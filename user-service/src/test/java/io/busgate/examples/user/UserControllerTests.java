package io.busgate.examples.user;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MVC layer over a small directory (50 users), so edge cases are cheap to reach.
 */
@WebMvcTest(controllers = UserController.class,
		properties = { "spring.config.name=user-service", "busgate.user-service.user-count=50" })
@Import(UserDirectoryConfiguration.class)
class UserControllerTests {

	@Autowired
	private MockMvcTester mvc;

	@Autowired
	private UserDirectory directory;

	@Test
	void getsOneUser() {
		User expected = this.directory.user(6);
		assertThat(this.mvc.get().uri("/user/{id}", "7")).hasStatusOk()
			.hasContentType(MediaType.APPLICATION_JSON)
			.bodyJson()
			.isStrictlyEqualTo("{\"id\":\"7\",\"name\":\"" + expected.name() + "\"}");
	}

	@Test
	void unknownUserIsNotFoundWithAReason() {
		for (String id : List.of("51", "0", "07", "abc")) {
			assertThat(this.mvc.get().uri("/user/{id}", id)).hasStatus(HttpStatus.NOT_FOUND)
				.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
				.bodyJson()
				.satisfies((json) -> assertThat(json.getJson()).doesNotContain("Exception", "trace"))
				.extractingPath("$.detail")
				.isEqualTo("No user with id '" + id + "'");
		}
	}

	@Test
	void pagesUsersInIdOrder() {
		assertThat(this.mvc.get().uri("/users?start=45&pageSize=10")).hasStatusOk()
			.bodyJson()
			.extractingPath("$[*].id")
			.isEqualTo(List.of("46", "47", "48", "49", "50"));
	}

	@Test
	void pageDefaultsToTheFirstTwentyUsers() {
		assertThat(this.mvc.get().uri("/users")).hasStatusOk()
			.bodyJson()
			.extractingPath("$[*].id")
			.isEqualTo(IntStream.rangeClosed(1, 20).mapToObj(Integer::toString).toList());
	}

	@Test
	void pagePastTheEndIsEmpty() {
		assertThat(this.mvc.get().uri("/users?start=50&pageSize=5")).hasStatusOk().bodyJson().isStrictlyEqualTo("[]");
	}

	@Test
	void pageSizeOutOfRangeIsBadRequest() {
		for (String pageSize : List.of("0", "101", "-3")) {
			assertThat(this.mvc.get().uri("/users?pageSize={size}", pageSize)).hasStatus(HttpStatus.BAD_REQUEST)
				.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
				.bodyJson()
				.extractingPath("$.detail")
				.isEqualTo("pageSize must be between 1 and 100, was " + pageSize);
		}
	}

	@Test
	void negativeStartIsBadRequest() {
		assertThat(this.mvc.get().uri("/users?start=-1")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("start must be 0 or more, was -1");
	}

	@Test
	void nonNumericPagingIsBadRequest() {
		assertThat(this.mvc.get().uri("/users?start=abc")).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.detail")
			.asString()
			.contains("start");
	}

	@Test
	void batchLookupKeepsOrderWithNullForUnknownIds() {
		User three = this.directory.user(2);
		User one = this.directory.user(0);
		assertThat(this.mvc.get().uri("/user?ids=3,99,1")).hasStatusOk()
			.bodyJson()
			.isStrictlyEqualTo("[{\"id\":\"3\",\"name\":\"" + three.name() + "\"},null,{\"id\":\"1\",\"name\":\""
					+ one.name() + "\"}]");
	}

	@Test
	void batchLookupAcceptsRepeatedParameters() {
		assertThat(this.mvc.get().uri("/user?ids=2&ids=1")).hasStatusOk()
			.bodyJson()
			.extractingPath("$[*].id")
			.isEqualTo(List.of("2", "1"));
	}

	@Test
	void batchLookupWithoutIdsIsBadRequest() {
		assertThat(this.mvc.get().uri("/user?start=0&pageSize=20")).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("Required parameter 'ids' is not present.");
	}

	@Test
	void batchLookupKeepsBlankEntries() {
		assertThat(this.mvc.get().uri("/user?ids=2,,1,")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.length()")
			.isEqualTo(4);
	}

	@Test
	void batchOfAThousandIdsIsAccepted() {
		String ids = String.join(",", IntStream.rangeClosed(1, 1000).mapToObj(Integer::toString).toList());
		assertThat(this.mvc.get().uri("/user?ids={ids}", ids)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.length()")
			.isEqualTo(1000);
	}

	@Test
	void batchOverAThousandIdsIsBadRequest() {
		String[] ids = new String[1001];
		Arrays.fill(ids, "1");
		assertThat(this.mvc.get().uri("/user?ids={ids}", String.join(",", ids))).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("At most 1000 ids per request, got 1001");
	}

	@Test
	void emptyIdsIsBadRequest() {
		assertThat(this.mvc.get().uri("/user?ids=")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.detail")
			.asString()
			.startsWith("ids must name at least one id");
	}

	@Test
	void pagesFriends() {
		List<String> friendIds = Arrays.stream(this.directory.friendIndexes(0))
			.mapToObj(UserDirectory::idOf)
			.toList();
		assertThat(friendIds).hasSizeGreaterThanOrEqualTo(5);
		assertThat(this.mvc.get().uri("/user/1/friends?start=1&pageSize=3")).hasStatusOk()
			.bodyJson()
			.extractingPath("$[*].id")
			.isEqualTo(friendIds.subList(1, 4));
		assertThat(this.mvc.get().uri("/user/1/friends")).hasStatusOk()
			.bodyJson()
			.extractingPath("$[*].id")
			.isEqualTo(friendIds.subList(0, Math.min(20, friendIds.size())));
		assertThat(this.mvc.get().uri("/user/1/friends?start=100")).hasStatusOk().bodyJson().isStrictlyEqualTo("[]");
	}

	@Test
	void friendsOfUnknownUserIsNotFound() {
		assertThat(this.mvc.get().uri("/user/51/friends")).hasStatus(HttpStatus.NOT_FOUND)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("No user with id '51'");
	}

	@Test
	void batchOfFriendsPagesIsInTheOrderOfTheIdsWithNullForUnknownIds() {
		List<String> friendsOfTwo = Arrays.stream(this.directory.friendIndexes(1))
			.mapToObj(UserDirectory::idOf)
			.limit(2)
			.toList();
		List<String> friendsOfOne = Arrays.stream(this.directory.friendIndexes(0))
			.mapToObj(UserDirectory::idOf)
			.limit(2)
			.toList();

		assertThat(this.mvc.get().uri("/friends?ids=2,51,1&pageSize=2")).hasStatusOk()
			.bodyJson()
			.satisfies((json) -> {
				assertThat(json).extractingPath("$[0][*].id").isEqualTo(friendsOfTwo);
				assertThat(json).extractingPath("$[1]").isNull();
				assertThat(json).extractingPath("$[2][*].id").isEqualTo(friendsOfOne);
			});
		assertThat(this.mvc.get().uri("/friends?ids=1&pageSize=0")).hasStatus(HttpStatus.BAD_REQUEST);
		assertThat(this.mvc.get().uri("/friends?ids=")).hasStatus(HttpStatus.BAD_REQUEST);
	}

	@Test
	void friendsPagingIsValidated() {
		assertThat(this.mvc.get().uri("/user/1/friends?pageSize=101")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("pageSize must be between 1 and 100, was 101");
		assertThat(this.mvc.get().uri("/user/1/friends?start=-5")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.detail")
			.isEqualTo("start must be 0 or more, was -5");
	}

}

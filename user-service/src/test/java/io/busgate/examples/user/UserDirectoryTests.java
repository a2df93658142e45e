package io.busgate.examples.user;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Pure unit tests of the seeded data: no Spring context.
 */
class UserDirectoryTests {

	private static final UserDirectory DEFAULTS = UserDirectory.generate(UserServiceProperties.defaults());

	@Test
	void sameSettingsGiveSameData() {
		UserDirectory again = UserDirectory.generate(UserServiceProperties.defaults());
		assertThat(again.size()).isEqualTo(DEFAULTS.size());
		for (int i = 0; i < DEFAULTS.size(); i++) {
			assertThat(again.user(i)).isEqualTo(DEFAULTS.user(i));
			assertThat(again.friendIndexes(i)).containsExactly(DEFAULTS.friendIndexes(i));
		}
	}

	@Test
	void otherSeedGivesOtherData() {
		UserDirectory other = UserDirectory.generate(new UserServiceProperties(10_000, 43L, 5, 30, Map.of()));
		assertThat(other.page(0, 100)).isNotEqualTo(DEFAULTS.page(0, 100));
	}

	@Test
	void renamedUsersKeepEverythingButTheirName() {
		UserDirectory renamed = UserDirectory.generate(new UserServiceProperties(10_000, 42L, 5, 30, Map.of("7", "Grace")));

		assertThat(renamed.find("7")).hasValueSatisfying((user) -> assertThat(user).isEqualTo(new User("7", "Grace")));
		assertThat(DEFAULTS.find("7")).hasValueSatisfying((user) -> assertThat(user.name()).isNotEqualTo("Grace"));
		for (int i = 0; i < DEFAULTS.size(); i++) {
			assertThat(renamed.friendIndexes(i)).containsExactly(DEFAULTS.friendIndexes(i));
			if (i != 6) {
				assertThat(renamed.user(i)).isEqualTo(DEFAULTS.user(i));
			}
		}
	}

	@Test
	void renamingAnUnknownUserIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> UserDirectory.generate(new UserServiceProperties(10, 42L, 1, 3, Map.of("11", "Nobody"))))
			.withMessage("renamed.11: there is no user 11");
	}

	@Test
	void dataIsPinnedForTheDefaultSeed() {
		// Guards against accidental changes of the generator: demos and other modules' tests
		// may quote these users. Change deliberately, together with them.
		assertThat(DEFAULTS.find("1")).contains(new User("1", "Jonas Hansen"));
		assertThat(DEFAULTS.find("2")).contains(new User("2", "Nico Varga"));
		assertThat(DEFAULTS.find("10000")).contains(new User("10000", "Hana Wagner"));
		assertThat(DEFAULTS.friendIndexes(0)).hasSize(30).startsWith(49, 181, 276);
	}

	@Test
	void usersHaveSequentialStringIdsAndNamesFromTheLists() {
		assertThat(DEFAULTS.size()).isEqualTo(10_000);
		for (int i = 0; i < DEFAULTS.size(); i++) {
			User user = DEFAULTS.user(i);
			assertThat(user.id()).isEqualTo(Integer.toString(i + 1));
			String[] parts = user.name().split(" ");
			assertThat(parts).hasSize(2);
			assertThat(UserDirectory.FIRST_NAMES).contains(parts[0]);
			assertThat(UserDirectory.LAST_NAMES).contains(parts[1]);
		}
	}

	@Test
	void defaultFriendListsHoldTheInvariants() {
		assertFriendInvariants(DEFAULTS, 5, 30);
	}

	@ParameterizedTest
	@CsvSource({ "1, 1", "2, 7", "3, 42", "6, 42", "7, 42", "31, 42", "32, 42", "33, 9", "50, 42", "1000, 1",
			"1000, 2", "25000, 42" })
	void friendListsHoldTheInvariantsForOtherSizes(int userCount, long seed) {
		UserDirectory directory = UserDirectory.generate(new UserServiceProperties(userCount, seed, 5, 30, Map.of()));
		assertFriendInvariants(directory, Math.min(5, userCount - 1), Math.min(30, userCount - 1));
	}

	@ParameterizedTest
	@CsvSource({ "500, 2, 3", "500, 0, 0", "500, 0, 1", "40, 20, 25", "1000, 1, 2", "200, 10, 12" })
	void friendBoundsAreConfigurable(int userCount, int min, int max) {
		UserDirectory directory = UserDirectory.generate(new UserServiceProperties(userCount, 42L, min, max, Map.of()));
		assertFriendInvariants(directory, min, max);
	}

	@Test
	void buildsQuickly() {
		UserDirectory.generate(UserServiceProperties.defaults()); // warm up
		long started = System.nanoTime();
		UserDirectory.generate(UserServiceProperties.defaults());
		long millis = (System.nanoTime() - started) / 1_000_000;
		// Typically a few tens of ms; generous bound so a loaded machine does not fail it.
		assertThat(millis).isLessThan(2_000);
	}

	@Test
	void findAcceptsOnlyCanonicalIds() {
		assertThat(DEFAULTS.find("1")).map(User::id).contains("1");
		assertThat(DEFAULTS.find("10000")).map(User::id).contains("10000");
		assertThat(DEFAULTS.find("10001")).isEmpty();
		assertThat(DEFAULTS.find("0")).isEmpty();
		assertThat(DEFAULTS.find("01")).isEmpty();
		assertThat(DEFAULTS.find("+1")).isEmpty();
		assertThat(DEFAULTS.find("-1")).isEmpty();
		assertThat(DEFAULTS.find("1a")).isEmpty();
		assertThat(DEFAULTS.find("")).isEmpty();
		assertThat(DEFAULTS.find("99999999999999999999")).isEmpty();
	}

	@Test
	void findAllKeepsOrderAndNullsUnknownIds() {
		List<User> users = DEFAULTS.findAll(List.of("3", "nope", "1", "3"));
		assertThat(users).containsExactly(DEFAULTS.user(2), null, DEFAULTS.user(0), DEFAULTS.user(2));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 9_990, 9_999, 10_000, 20_000 })
	void pagesAreSlicesInIdOrder(int start) {
		List<User> page = DEFAULTS.page(start, 20);
		int expected = Math.max(0, Math.min(20, 10_000 - start));
		assertThat(page).hasSize(expected);
		for (int k = 0; k < page.size(); k++) {
			assertThat(page.get(k)).isEqualTo(DEFAULTS.user(start + k));
		}
	}

	@Test
	void friendsPagesWalkTheWholeList() {
		int[] expected = DEFAULTS.friendIndexes(0);
		List<User> collected = new ArrayList<>();
		for (int start = 0; start < expected.length; start += 4) {
			collected.addAll(DEFAULTS.friends("1", start, 4).orElseThrow());
		}
		assertThat(collected).extracting(User::id)
			.containsExactly(Arrays.stream(expected).mapToObj(UserDirectory::idOf).toArray(String[]::new));
		assertThat(DEFAULTS.friends("1", expected.length, 4)).contains(List.of());
		assertThat(DEFAULTS.friends("0", 0, 4)).isEmpty();
	}

	private static void assertFriendInvariants(UserDirectory directory, int min, int max) {
		for (int i = 0; i < directory.size(); i++) {
			int[] friends = directory.friendIndexes(i);
			assertThat(friends.length).as("friend count of user %d", i + 1).isBetween(min, max);
			Set<Integer> seen = new HashSet<>();
			int previous = -1;
			for (int friend : friends) {
				assertThat(friend).as("no self-friendship for user %d", i + 1).isNotEqualTo(i);
				assertThat(friend).isBetween(0, directory.size() - 1);
				assertThat(seen.add(friend)).as("no duplicate friend for user %d", i + 1).isTrue();
				assertThat(friend).as("friends sorted by id").isGreaterThan(previous);
				previous = friend;
				assertThat(directory.friendIndexes(friend)).as("friendship is symmetric").contains(i);
			}
		}
	}

}

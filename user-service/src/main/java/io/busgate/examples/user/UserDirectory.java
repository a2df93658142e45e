package io.busgate.examples.user;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The in-memory, read-only user store. All data is generated once from a seed and never
 * changes afterwards, so the class is safe to share between request threads without locks.
 * <p>
 * Users are stored by index: the user with id {@code "k"} lives at index {@code k - 1}.
 * Friendship is symmetric (if A lists B, B lists A), never includes the user itself, has no
 * duplicates, and each friend list is sorted by id.
 */
final class UserDirectory {

	static final List<String> FIRST_NAMES = List.of("Ada", "Alan", "Alice", "Amara", "Anton", "Aria", "Bela",
			"Bruno", "Carla", "Chen", "Clara", "Dario", "Diego", "Elena", "Emil", "Erik", "Farah", "Felix", "Greta",
			"Hana", "Hugo", "Ines", "Ivan", "Jonas", "Juno", "Kai", "Kira", "Lars", "Lena", "Luca", "Maya", "Milan",
			"Nadia", "Nico", "Noor", "Olga", "Omar", "Paula", "Pavel", "Rosa", "Sami", "Sofia", "Tariq", "Theo",
			"Uma", "Vera", "Yara", "Zoe");

	static final List<String> LAST_NAMES = List.of("Abbott", "Almeida", "Bauer", "Becker", "Costa", "Dahl", "Duval",
			"Eriksen", "Ferreira", "Fischer", "Garcia", "Haas", "Hansen", "Ibrahim", "Ivanova", "Jensen", "Kato",
			"Keller", "Kowalski", "Larsen", "Lindqvist", "Moreau", "Mori", "Nakamura", "Novak", "Okafor", "Olsen",
			"Park", "Petrov", "Quinn", "Rossi", "Sato", "Schmidt", "Silva", "Sousa", "Tanaka", "Varga", "Vogel",
			"Wagner", "Weber", "Yilmaz", "Zhang");

	/** Random picks per friend slot before falling back to a linear scan for a partner. */
	private static final int RANDOM_ATTEMPTS = 32;

	private final User[] users;

	/** {@code friends[i]} = indexes of user i's friends, ascending. */
	private final int[][] friends;

	private UserDirectory(User[] users, int[][] friends) {
		this.users = users;
		this.friends = friends;
	}

	/**
	 * Builds the directory from the given settings. Deterministic: equal settings give equal
	 * data, on every machine and run.
	 */
	static UserDirectory generate(UserServiceProperties properties) {
		int n = properties.userCount();
		SplittableRandom random = new SplittableRandom(properties.seed());
		User[] users = new User[n];
		for (int i = 0; i < n; i++) {
			String first = FIRST_NAMES.get(random.nextInt(FIRST_NAMES.size()));
			String last = LAST_NAMES.get(random.nextInt(LAST_NAMES.size()));
			users[i] = new User(idOf(i), first + " " + last);
		}
		UserDirectory directory = new UserDirectory(users,
				generateFriends(n, properties.minFriends(), properties.maxFriends(), random));
		properties.renamed().forEach((id, name) -> {
			int index = directory.indexOf(id);
			if (index < 0) {
				throw new IllegalArgumentException("renamed." + id + ": there is no user " + id);
			}
			users[index] = new User(id, name);
		});
		return directory;
	}

	/**
	 * Builds a symmetric friendship graph. Every user draws a target in [min, max]; users are
	 * then visited in order and linked to random partners that still have room (fewer than
	 * max friends) until they reach their target. Partners may end above their own target but
	 * never above max. Every user ends with min to max friends; the one exception is
	 * {@code min == max}, where a user may end one short (a graph in which everybody has
	 * exactly k friends does not always exist, e.g. for an odd number of users and odd k).
	 */
	private static int[][] generateFriends(int n, int minFriends, int maxFriends, SplittableRandom random) {
		int max = Math.min(maxFriends, n - 1);
		int min = Math.min(minFriends, max);
		int[] target = new int[n];
		for (int i = 0; i < n; i++) {
			target[i] = min + random.nextInt(max - min + 1);
		}
		int[][] adjacency = new int[n][max];
		int[] degree = new int[n];
		for (int i = 0; i < n; i++) {
			while (degree[i] < target[i]) {
				int partner = randomPartner(i, n, max, adjacency, degree, random);
				if (partner < 0) {
					partner = scanPartner(i, n, max, adjacency, degree, random.nextInt(n));
				}
				if (partner < 0) {
					break; // everybody else is full or already a friend
				}
				link(i, partner, adjacency, degree);
			}
			// Late users can find everybody else full. Make room by splitting an edge a-b
			// into a-i and i-b: a and b keep their counts, i gains two.
			while (degree[i] < min && degree[i] <= max - 2 && splitEdgeFor(i, n, adjacency, degree, random)) {
				// each round added two friends
			}
		}
		int[][] friends = new int[n][];
		for (int i = 0; i < n; i++) {
			friends[i] = Arrays.copyOf(adjacency[i], degree[i]);
			Arrays.sort(friends[i]);
		}
		return friends;
	}

	private static int randomPartner(int i, int n, int max, int[][] adjacency, int[] degree,
			SplittableRandom random) {
		for (int attempt = 0; attempt < RANDOM_ATTEMPTS; attempt++) {
			int candidate = random.nextInt(n);
			if (canLink(i, candidate, max, adjacency, degree)) {
				return candidate;
			}
		}
		return -1;
	}

	private static int scanPartner(int i, int n, int max, int[][] adjacency, int[] degree, int from) {
		for (int k = 0; k < n; k++) {
			int candidate = (from + k) % n;
			if (canLink(i, candidate, max, adjacency, degree)) {
				return candidate;
			}
		}
		return -1;
	}

	private static void link(int a, int b, int[][] adjacency, int[] degree) {
		adjacency[a][degree[a]++] = b;
		adjacency[b][degree[b]++] = a;
	}

	private static void unlink(int a, int b, int[][] adjacency, int[] degree) {
		removeFrom(a, b, adjacency, degree);
		removeFrom(b, a, adjacency, degree);
	}

	private static void removeFrom(int a, int b, int[][] adjacency, int[] degree) {
		int[] own = adjacency[a];
		for (int k = 0; k < degree[a]; k++) {
			if (own[k] == b) {
				own[k] = own[--degree[a]];
				return;
			}
		}
	}

	/**
	 * Finds an edge a-b with neither end being {@code i} or a friend of {@code i}, and
	 * replaces it by a-i and i-b. Returns false if there is no such edge.
	 */
	private static boolean splitEdgeFor(int i, int n, int[][] adjacency, int[] degree, SplittableRandom random) {
		int from = random.nextInt(n);
		for (int k = 0; k < n; k++) {
			int a = (from + k) % n;
			if (a == i || isFriend(i, a, adjacency, degree)) {
				continue;
			}
			for (int m = 0; m < degree[a]; m++) {
				int b = adjacency[a][m];
				if (b != i && !isFriend(i, b, adjacency, degree)) {
					unlink(a, b, adjacency, degree);
					link(i, a, adjacency, degree);
					link(i, b, adjacency, degree);
					return true;
				}
			}
		}
		return false;
	}

	private static boolean isFriend(int i, int candidate, int[][] adjacency, int[] degree) {
		int[] own = adjacency[i];
		for (int k = 0; k < degree[i]; k++) {
			if (own[k] == candidate) {
				return true;
			}
		}
		return false;
	}

	private static boolean canLink(int i, int candidate, int max, int[][] adjacency, int[] degree) {
		return candidate != i && degree[candidate] < max && !isFriend(i, candidate, adjacency, degree);
	}

	/** Number of users. */
	int size() {
		return this.users.length;
	}

	/** The user with the given id, if there is one. */
	Optional<User> find(String id) {
		int index = indexOf(id);
		return (index < 0) ? Optional.empty() : Optional.of(this.users[index]);
	}

	/** Users with the given ids, in the same order, {@code null} for ids that are unknown. */
	List<User> findAll(List<String> ids) {
		User[] result = new User[ids.size()];
		for (int k = 0; k < result.length; k++) {
			int index = indexOf(ids.get(k));
			result[k] = (index < 0) ? null : this.users[index];
		}
		return Collections.unmodifiableList(Arrays.asList(result));
	}

	/** Up to {@code pageSize} users in id order, starting at the 0-based offset {@code start}. */
	List<User> page(int start, int pageSize) {
		int from = Math.min(start, this.users.length);
		int to = (int) Math.min((long) from + pageSize, this.users.length);
		return List.of(Arrays.copyOfRange(this.users, from, to));
	}

	/**
	 * A page of the friends of the user with the given id, in id order; empty if the user is
	 * unknown.
	 */
	Optional<List<User>> friends(String id, int start, int pageSize) {
		int index = indexOf(id);
		if (index < 0) {
			return Optional.empty();
		}
		int[] own = this.friends[index];
		int from = Math.min(start, own.length);
		int to = (int) Math.min((long) from + pageSize, own.length);
		User[] page = new User[to - from];
		for (int k = from; k < to; k++) {
			page[k - from] = this.users[own[k]];
		}
		return Optional.of(List.of(page));
	}

	/** The user at the given index (id {@code index + 1}). */
	User user(int index) {
		return this.users[index];
	}

	/** Indexes of the friends of the user at the given index, ascending (a copy). */
	int[] friendIndexes(int index) {
		return this.friends[index].clone();
	}

	/**
	 * Index of the user with the given id, or -1. Only the canonical spelling is accepted:
	 * {@code "7"} is a user, {@code "07"} and {@code "+7"} are not.
	 */
	int indexOf(String id) {
		if (id == null || id.isEmpty() || id.length() > 10 || id.charAt(0) == '0') {
			return -1;
		}
		long value = 0;
		for (int k = 0; k < id.length(); k++) {
			char c = id.charAt(k);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return (value <= this.users.length) ? (int) value - 1 : -1;
	}

	static String idOf(int index) {
		return Integer.toString(index + 1);
	}

}

package io.busgate.replay;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The differences between two JSON values (as maps, lists and scalars), each at a path such as
 * {@code items[0].name}, so that a person sees at once which field changed.
 */
final class JsonDiff {

	private JsonDiff() {
	}

	/**
	 * One difference: the value at {@code path} was {@code before} and is now {@code after};
	 * {@link #ABSENT} where a member or element exists on one side only.
	 */
	record Difference(String path, Object before, Object after) {
	}

	/** Stands for a member or element that one side does not have. */
	static final Object ABSENT = new Object() {

		@Override
		public String toString() {
			return "(absent)";
		}

	};

	static List<Difference> between(String root, Object before, Object after) {
		List<Difference> differences = new ArrayList<>();
		compare(root, before, after, differences);
		return differences;
	}

	private static void compare(String path, Object before, Object after, List<Difference> differences) {
		if (before instanceof Map<?, ?> beforeMap && after instanceof Map<?, ?> afterMap) {
			Set<Object> names = new LinkedHashSet<>(beforeMap.keySet());
			names.addAll(afterMap.keySet());
			for (Object name : names) {
				compare(path + "." + name, beforeMap.containsKey(name) ? beforeMap.get(name) : ABSENT,
						afterMap.containsKey(name) ? afterMap.get(name) : ABSENT, differences);
			}
		}
		else if (before instanceof List<?> beforeList && after instanceof List<?> afterList) {
			for (int i = 0; i < Math.max(beforeList.size(), afterList.size()); i++) {
				compare(path + "[" + i + "]", (i < beforeList.size()) ? beforeList.get(i) : ABSENT,
						(i < afterList.size()) ? afterList.get(i) : ABSENT, differences);
			}
		}
		else if (!sameScalar(before, after)) {
			differences.add(new Difference(path, before, after));
		}
	}

	/** Numbers compare by value: {@code 1} and {@code 1.0} are the same JSON number. */
	private static boolean sameScalar(Object before, Object after) {
		if (before instanceof Number a && after instanceof Number b) {
			return new java.math.BigDecimal(a.toString()).compareTo(new java.math.BigDecimal(b.toString())) == 0;
		}
		return Objects.equals(before, after);
	}

}

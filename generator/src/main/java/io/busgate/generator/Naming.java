package io.busgate.generator;

import java.util.Locale;

/** The generator's few rules for names. */
final class Naming {

	private Naming() {
	}

	static String lowerFirst(String name) {
		return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
	}

	static String upperFirst(String name) {
		return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
	}

	/** {@code post} -> {@code posts}, {@code entry} -> {@code entries}, {@code box} -> {@code boxes}. */
	static String plural(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (lower.endsWith("y") && name.length() > 1 && "aeiou".indexOf(lower.charAt(lower.length() - 2)) < 0) {
			return name.substring(0, name.length() - 1) + "ies";
		}
		if (lower.endsWith("s") || lower.endsWith("x") || lower.endsWith("z") || lower.endsWith("ch")
				|| lower.endsWith("sh")) {
			return name + "es";
		}
		return name + "s";
	}

	/** A root field's name with the source's prefix: {@code post} with {@code Blog} is {@code blogPost}. */
	static String rootField(String prefix, String name) {
		return prefix.isEmpty() ? name : lowerFirst(prefix) + upperFirst(name);
	}

}

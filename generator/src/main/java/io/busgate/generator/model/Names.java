package io.busgate.generator.model;

import java.util.Locale;

/** The naming rules every source reader and the generator follow, in one place. */
public final class Names {

	private Names() {
	}

	public static String lowerFirst(String name) {
		return name.isEmpty() ? name : Character.toLowerCase(name.charAt(0)) + name.substring(1);
	}

	public static String upperFirst(String name) {
		return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
	}

	/** {@code post} -> {@code posts}, {@code entry} -> {@code entries}, {@code box} -> {@code boxes}. */
	public static String plural(String name) {
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

	/**
	 * {@code ids} -> {@code id}, {@code author_ids} -> {@code author_id}, {@code categories} ->
	 * {@code category}; a name with no plural ending ({@code address}, {@code data}) as it is.
	 */
	public static String singular(String plural) {
		if (plural.endsWith("ies") && plural.length() > 3) {
			return plural.substring(0, plural.length() - 3) + "y";
		}
		if (plural.endsWith("s") && !plural.endsWith("ss") && plural.length() > 1) {
			return plural.substring(0, plural.length() - 1);
		}
		return plural;
	}

	/** {@code author_id} and {@code author-id} -> {@code authorId}. */
	public static String camel(String name) {
		StringBuilder out = new StringBuilder();
		boolean upper = false;
		for (char c : name.toCharArray()) {
			if (!Character.isLetterOrDigit(c)) {
				upper = !out.isEmpty();
				continue;
			}
			out.append(upper ? Character.toUpperCase(c) : c);
			upper = false;
		}
		return out.toString();
	}

	/** A string field answered as GraphQL's {@code ID}: {@code id}, {@code authorId}, {@code author_id}. */
	public static boolean isIdName(String name) {
		return name != null && (name.equals("id") || name.endsWith("Id") || name.endsWith("_id"));
	}

}

package io.busgate.architecture;

import java.util.ArrayList;
import java.util.List;

/**
 * The string literals of a Java source file, text blocks included, as written between their
 * quotes (escapes left as they are); comments and character literals are skipped. Enough of
 * Java's lexical grammar to find literals, not a parser.
 */
final class JavaStringLiterals {

	private JavaStringLiterals() {
	}

	/** A literal and the line it starts on, 1-based. */
	record Literal(int line, String text) {
	}

	static List<Literal> of(String source) {
		List<Literal> literals = new ArrayList<>();
		int line = 1;
		int i = 0;
		int n = source.length();
		while (i < n) {
			char c = source.charAt(i);
			if (c == '\n') {
				line++;
				i++;
			}
			else if (source.startsWith("//", i)) {
				int end = source.indexOf('\n', i);
				i = (end < 0) ? n : end;
			}
			else if (source.startsWith("/*", i)) {
				int end = source.indexOf("*/", i + 2);
				end = (end < 0) ? n : end + 2;
				line += count(source, i, end);
				i = end;
			}
			else if (source.startsWith("\"\"\"", i)) {
				int end = closing(source, i + 3, "\"\"\"");
				literals.add(new Literal(line, source.substring(i + 3, end)));
				line += count(source, i, end);
				i = Math.min(n, end + 3);
			}
			else if (c == '"') {
				int end = closing(source, i + 1, "\"");
				literals.add(new Literal(line, source.substring(i + 1, end)));
				i = Math.min(n, end + 1);
			}
			else if (c == '\'') {
				i = Math.min(n, closing(source, i + 1, "'") + 1);
			}
			else {
				i++;
			}
		}
		return literals;
	}

	/** Where the unescaped {@code quote} that closes a literal starting at {@code from} is. */
	private static int closing(String source, int from, String quote) {
		int i = from;
		while (i < source.length()) {
			if (source.charAt(i) == '\\') {
				i += 2;
			}
			else if (source.startsWith(quote, i)) {
				return i;
			}
			else {
				i++;
			}
		}
		return source.length();
	}

	private static int count(String source, int from, int to) {
		int lines = 0;
		for (int i = from; i < Math.min(to, source.length()); i++) {
			if (source.charAt(i) == '\n') {
				lines++;
			}
		}
		return lines;
	}

}

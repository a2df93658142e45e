package io.busgate.thrift.idl;

import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import io.busgate.thrift.idl.ThriftIdl.BaseType;
import io.busgate.thrift.idl.ThriftIdl.EnumDef;
import io.busgate.thrift.idl.ThriftIdl.EnumType;
import io.busgate.thrift.idl.ThriftIdl.Field;
import io.busgate.thrift.idl.ThriftIdl.Function;
import io.busgate.thrift.idl.ThriftIdl.ListType;
import io.busgate.thrift.idl.ThriftIdl.MapType;
import io.busgate.thrift.idl.ThriftIdl.Requiredness;
import io.busgate.thrift.idl.ThriftIdl.Service;
import io.busgate.thrift.idl.ThriftIdl.SetType;
import io.busgate.thrift.idl.ThriftIdl.StructDef;
import io.busgate.thrift.idl.ThriftIdl.StructKind;
import io.busgate.thrift.idl.ThriftIdl.StructType;
import io.busgate.thrift.idl.ThriftIdl.ThriftType;

/**
 * Reads a Thrift IDL file and the files it includes (relative to it) into a {@link ThriftIdl}.
 *
 * <p>It reads the IDL of Apache Thrift's own compiler: {@code include}, {@code namespace},
 * {@code const}, {@code typedef}, {@code enum}, {@code struct}, {@code union},
 * {@code exception}, {@code service} (with {@code extends}, {@code oneway}, {@code throws}),
 * field ids, {@code required}/{@code optional}, default values (kept as written), annotations
 * (skipped), the base types with {@code binary}, {@code i8} and {@code uuid}, and {@code list},
 * {@code set} and {@code map}. A doc comment ({@code /** ... *}{@code /}) right before a struct,
 * union, exception, enum, field or function is kept as its doc. It refuses, with the file and
 * line, what it cannot read or what a call could not be made with: a field without an explicit
 * id, a duplicate id or name, an unknown type, {@code senum}.
 */
public final class ThriftIdlReader {

	private static final Map<String, BaseType> BASE_TYPES = Map.of("bool", BaseType.BOOL, "byte", BaseType.BYTE,
			"i8", BaseType.BYTE, "i16", BaseType.I16, "i32", BaseType.I32, "i64", BaseType.I64, "double",
			BaseType.DOUBLE, "string", BaseType.STRING, "binary", BaseType.BINARY, "uuid", BaseType.UUID);

	/** Files read, by program name. */
	private final Map<String, ParsedFile> files = new LinkedHashMap<>();

	private final Map<String, ThriftType> resolvedTypedefs = new HashMap<>();

	private final Set<String> resolvingTypedefs = new HashSet<>();

	private ThriftIdlReader() {
	}

	/**
	 * Reads an IDL file and what it includes, relative to it.
	 * @throws IllegalArgumentException if it cannot be read, with the file and line
	 */
	public static ThriftIdl read(Path idl) {
		return read(new PathSource(idl));
	}

	/**
	 * Reads an IDL file and what it includes, relative to it: a {@code file:} URL, or another one
	 * a {@link URL#openStream()} reads, such as a class path resource in a jar.
	 * @throws IllegalArgumentException if it cannot be read, with the file and line
	 */
	public static ThriftIdl read(URL idl) {
		if ("file".equals(idl.getProtocol())) {
			try {
				return read(Path.of(idl.toURI()));
			}
			catch (URISyntaxException ex) {
				throw new IllegalArgumentException(idl + ": not a file: " + ex.getMessage(), ex);
			}
		}
		return read(new UrlSource(idl));
	}

	/** Reads IDL text, for a file named {@code <program>.thrift} that includes nothing. */
	public static ThriftIdl read(String program, String text) {
		ThriftIdlReader reader = new ThriftIdlReader();
		ParsedFile file = new Parser(program + ".thrift", program, text).parse();
		if (!file.includes.isEmpty()) {
			throw new IllegalArgumentException(program + ".thrift: includes need a file to be relative to");
		}
		reader.files.put(program, file);
		return reader.resolve(file);
	}

	private static ThriftIdl read(Source idl) {
		ThriftIdlReader reader = new ThriftIdlReader();
		ParsedFile root = reader.parse(idl, new ArrayList<>());
		return reader.resolve(root);
	}

	private ParsedFile parse(Source source, List<String> including) {
		String location = source.location();
		if (including.contains(location)) {
			throw new IllegalArgumentException(location + ": included by itself through " + including);
		}
		String fileName = source.fileName();
		if (!fileName.endsWith(".thrift")) {
			throw new IllegalArgumentException(location + ": a Thrift IDL file's name must end with .thrift");
		}
		String program = fileName.substring(0, fileName.length() - ".thrift".length());
		ParsedFile known = this.files.get(program);
		if (known != null) {
			if (!known.location.equals(location)) {
				throw new IllegalArgumentException(location + ": program '" + program + "' is also " + known.location);
			}
			return known;
		}
		String text;
		try (InputStream in = source.open()) {
			text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(location + ": cannot be read: " + ex, ex);
		}
		ParsedFile file = new Parser(location, program, text).parse();
		List<String> chain = new ArrayList<>(including);
		chain.add(location);
		for (Include include : file.includes) {
			Source included = source.relative(include.path);
			if (!included.exists()) {
				throw new IllegalArgumentException(location + ":" + include.line + ": include '" + include.path
						+ "' not found (" + included.location() + ")");
			}
			ParsedFile parsed = parse(included, chain);
			file.includedPrograms.add(parsed.program);
		}
		this.files.put(program, file);
		return file;
	}

	/** Where an IDL file is read from. */
	private sealed interface Source permits PathSource, UrlSource {

		/** How messages name the file. */
		String location();

		String fileName();

		boolean exists();

		InputStream open() throws IOException;

		/** A file named relative to this one, as an include names it. */
		Source relative(String path);

	}

	private record PathSource(Path path) implements Source {

		@Override
		public String location() {
			return this.path.toString();
		}

		@Override
		public String fileName() {
			Path name = this.path.getFileName();
			return (name != null) ? name.toString() : "";
		}

		@Override
		public boolean exists() {
			return Files.isRegularFile(this.path);
		}

		@Override
		public InputStream open() throws IOException {
			return Files.newInputStream(this.path);
		}

		@Override
		public Source relative(String include) {
			return new PathSource(this.path.resolveSibling(include));
		}

	}

	private record UrlSource(URL url) implements Source {

		@Override
		public String location() {
			return this.url.toString();
		}

		@Override
		public String fileName() {
			String path = this.url.getPath();
			return path.substring(path.lastIndexOf('/') + 1);
		}

		@Override
		public boolean exists() {
			try (InputStream in = open()) {
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

		@Override
		public InputStream open() throws IOException {
			return this.url.openStream();
		}

		@Override
		public Source relative(String include) {
			try {
				return new UrlSource(new URL(this.url, include));
			}
			catch (MalformedURLException ex) {
				throw new IllegalArgumentException(this.url + ": include '" + include + "' is no URL: " + ex.getMessage(),
						ex);
			}
		}

	}

	// ---- resolving names

	private ThriftIdl resolve(ParsedFile root) {
		// Every typedef, used or not, must name a type.
		for (ParsedFile file : this.files.values()) {
			file.typedefLines.forEach((name, line) -> named(file, new RawNamed(ThriftIdl.simpleName(name), line)));
		}
		Map<String, EnumDef> enums = new LinkedHashMap<>();
		this.files.values().forEach((file) -> enums.putAll(file.enums));
		Map<String, StructDef> structs = new LinkedHashMap<>();
		Map<String, Service> services = new LinkedHashMap<>();
		for (ParsedFile file : this.files.values()) {
			for (RawStruct struct : file.structs.values()) {
				structs.put(struct.name,
						new StructDef(struct.name, struct.kind, fields(file, struct.fields), struct.doc));
			}
		}
		for (ParsedFile file : this.files.values()) {
			for (RawService service : file.services.values()) {
				Map<String, Function> functions = new LinkedHashMap<>();
				for (RawFunction function : service.functions) {
					ThriftType returns = (function.returns != null) ? type(file, function.returns) : null;
					List<Field> exceptions = fields(file, function.exceptions);
					for (int k = 0; k < exceptions.size(); k++) {
						Field exception = exceptions.get(k);
						StructDef thrown = (exception.type() instanceof StructType type) ? structs.get(type.name()) : null;
						if (thrown == null || thrown.kind() != StructKind.EXCEPTION) {
							RawField raw = function.exceptions.get(k);
							throw error(file.location, raw.line, "throws " + exception.name() + " of "
									+ function.name + " must be an exception, is " + exception.type().idlName());
						}
					}
					functions.put(function.name, new Function(function.name, function.oneway, returns,
							new StructDef(function.name + "_args", StructKind.STRUCT, fields(file, function.arguments)),
							exceptions, function.doc));
				}
				String parent = (service.parent != null) ? qualify(file, service.parent.name, service.parent.line)
						: null;
				if (parent != null && !this.files.get(program(parent)).services.containsKey(parent)) {
					throw error(file.location, service.parent.line, "service " + ThriftIdl.simpleName(service.name)
							+ " extends unknown"
							+ " service " + service.parent.name);
				}
				services.put(service.name, new Service(service.name, parent, functions));
			}
		}
		return new ThriftIdl(root.program, root.namespaces, root.includes.stream().map(Include::path).toList(), enums,
				structs, services);
	}

	private List<Field> fields(ParsedFile file, List<RawField> raw) {
		List<Field> fields = new ArrayList<>(raw.size());
		for (RawField field : raw) {
			fields.add(new Field(field.id, field.name, type(file, field.type), field.requiredness, field.defaultValue,
					field.doc));
		}
		return fields;
	}

	private ThriftType type(ParsedFile file, RawType raw) {
		if (raw instanceof RawBase base) {
			return base.type;
		}
		if (raw instanceof RawList list) {
			return new ListType(type(file, list.element));
		}
		if (raw instanceof RawSet set) {
			return new SetType(type(file, set.element));
		}
		if (raw instanceof RawMap map) {
			return new MapType(type(file, map.key), type(file, map.value));
		}
		return named(file, (RawNamed) raw);
	}

	private ThriftType named(ParsedFile file, RawNamed named) {
		String qualified = qualify(file, named.name, named.line);
		ParsedFile owner = this.files.get(program(qualified));
		EnumDef enumDef = owner.enums.get(qualified);
		if (enumDef != null) {
			return new EnumType(enumDef);
		}
		if (owner.structs.containsKey(qualified)) {
			return new StructType(qualified);
		}
		RawType typedef = owner.typedefs.get(qualified);
		if (typedef == null) {
			throw error(file.location, named.line, "unknown type '" + named.name + "'");
		}
		ThriftType resolved = this.resolvedTypedefs.get(qualified);
		if (resolved == null) {
			if (!this.resolvingTypedefs.add(qualified)) {
				throw error(file.location, named.line, "typedef " + named.name + " refers to itself");
			}
			resolved = type(owner, typedef);
			this.resolvingTypedefs.remove(qualified);
			this.resolvedTypedefs.put(qualified, resolved);
		}
		return resolved;
	}

	/** The qualified name of a name used in a file: its own, or one of a file it includes. */
	private String qualify(ParsedFile file, String name, int line) {
		int dot = name.indexOf('.');
		if (dot < 0) {
			return file.program + "." + name;
		}
		String program = name.substring(0, dot);
		if (!file.includedPrograms.contains(program) || name.indexOf('.', dot + 1) >= 0) {
			throw error(file.location, line, "unknown type '" + name + "': '" + program + "' is no included file"
					+ " (includes: " + file.includedPrograms + ")");
		}
		return name;
	}

	private static String program(String qualified) {
		return qualified.substring(0, qualified.indexOf('.'));
	}

	static IllegalArgumentException error(String location, int line, String message) {
		return new IllegalArgumentException(location + ":" + line + ": " + message);
	}

	// ---- what the parser reads, before names are resolved

	private record Include(String path, int line) {
	}

	private sealed interface RawType permits RawBase, RawList, RawSet, RawMap, RawNamed {
	}

	private record RawBase(BaseType type) implements RawType {
	}

	private record RawList(RawType element) implements RawType {
	}

	private record RawSet(RawType element) implements RawType {
	}

	private record RawMap(RawType key, RawType value) implements RawType {
	}

	private record RawNamed(String name, int line) implements RawType {
	}

	private record RawField(short id, String name, RawType type, Requiredness requiredness, String defaultValue,
			String doc, int line) {
	}

	private record RawStruct(String name, StructKind kind, List<RawField> fields, String doc) {
	}

	private record RawFunction(String name, boolean oneway, RawType returns, List<RawField> arguments,
			List<RawField> exceptions, String doc) {
	}

	private record RawService(String name, RawNamed parent, List<RawFunction> functions) {
	}

	private static final class ParsedFile {

		final String location;

		final String program;

		final Map<String, String> namespaces = new LinkedHashMap<>();

		final List<Include> includes = new ArrayList<>();

		final List<String> includedPrograms = new ArrayList<>();

		final Map<String, RawType> typedefs = new LinkedHashMap<>();

		final Map<String, Integer> typedefLines = new LinkedHashMap<>();

		final Map<String, EnumDef> enums = new LinkedHashMap<>();

		final Map<String, RawStruct> structs = new LinkedHashMap<>();

		final Map<String, RawService> services = new LinkedHashMap<>();

		ParsedFile(String location, String program) {
			this.location = location;
			this.program = program;
		}

	}

	// ---- the parser

	private enum Kind {

		IDENTIFIER, INTEGER, DOUBLE, STRING, SYMBOL, END

	}

	/** @param doc the doc comment right before it, or {@code null} */
	private record Token(Kind kind, String text, int line, String doc) {

		boolean is(String symbolOrWord) {
			return (this.kind == Kind.SYMBOL || this.kind == Kind.IDENTIFIER) && this.text.equals(symbolOrWord);
		}

		String shown() {
			return switch (this.kind) {
				case END -> "the end of the file";
				case STRING -> "\"" + this.text + "\"";
				default -> "'" + this.text + "'";
			};
		}

	}

	/** A recursive-descent parser of one file. */
	private static final class Parser {

		private final String location;

		private final ParsedFile file;

		private final List<Token> tokens;

		private int next;

		Parser(String location, String program, String text) {
			this.location = location;
			this.file = new ParsedFile(location, program);
			this.tokens = tokenize(location, text);
		}

		ParsedFile parse() {
			while (peek().kind != Kind.END) {
				Token keyword = take();
				switch (keyword.text) {
					case "include" -> this.file.includes.add(new Include(expect(Kind.STRING, "a file name").text,
							keyword.line));
					case "cpp_include" -> expect(Kind.STRING, "a file name");
					case "namespace" -> {
						Token scope = peek().is("*") ? take() : expect(Kind.IDENTIFIER, "a namespace scope");
						this.file.namespaces.put(scope.text, expect(Kind.IDENTIFIER, "a namespace").text);
						annotations();
					}
					case "const" -> {
						type();
						expect(Kind.IDENTIFIER, "the constant's name");
						expectSymbol("=");
						constValue();
						separator();
					}
					case "typedef" -> {
						RawType type = type();
						Token name = expect(Kind.IDENTIFIER, "the typedef's name");
						annotations();
						separator();
						define(name, this.file.typedefs, type);
						this.file.typedefLines.put(qualified(name), name.line);
					}
					case "enum" -> enumDefinition(keyword.doc);
					case "struct" -> struct(StructKind.STRUCT, keyword.doc);
					case "union" -> struct(StructKind.UNION, keyword.doc);
					case "exception" -> struct(StructKind.EXCEPTION, keyword.doc);
					case "service" -> service();
					case "senum" -> throw error(keyword, "senum is not supported (deprecated in Thrift)");
					default -> throw error(keyword, "expected a definition (include, namespace, const, typedef,"
							+ " enum, struct, union, exception, service), found " + keyword.shown());
				}
			}
			return this.file;
		}

		private void enumDefinition(String doc) {
			Token name = expect(Kind.IDENTIFIER, "the enum's name");
			expectSymbol("{");
			Map<String, Integer> constants = new LinkedHashMap<>();
			int value = 0;
			while (!peek().is("}")) {
				Token constant = expect(Kind.IDENTIFIER, "an enum constant");
				if (peek().is("=")) {
					take();
					value = (int) integer(expect(Kind.INTEGER, "the constant's value"), Integer.MIN_VALUE,
							Integer.MAX_VALUE);
				}
				annotations();
				separator();
				if (constants.putIfAbsent(constant.text, value) != null) {
					throw error(constant, "duplicate enum constant " + constant.text);
				}
				value++;
			}
			take();
			annotations();
			define(name, this.file.enums, new EnumDef(qualified(name), constants, doc));
		}

		private void struct(StructKind kind, String doc) {
			Token name = expect(Kind.IDENTIFIER, "the " + kind.name().toLowerCase() + "'s name");
			if (peek().is("xsd_all")) {
				take();
			}
			expectSymbol("{");
			List<RawField> fields = fields("}", kind.name().toLowerCase() + " " + name.text);
			annotations();
			define(name, this.file.structs, new RawStruct(qualified(name), kind, fields, doc));
		}

		private void service() {
			Token name = expect(Kind.IDENTIFIER, "the service's name");
			RawNamed parent = null;
			if (peek().is("extends")) {
				take();
				Token extended = expect(Kind.IDENTIFIER, "the service it extends");
				parent = new RawNamed(extended.text, extended.line);
			}
			expectSymbol("{");
			List<RawFunction> functions = new ArrayList<>();
			Set<String> names = new HashSet<>();
			while (!peek().is("}")) {
				String doc = peek().doc;
				boolean oneway = peek().is("oneway");
				if (oneway) {
					take();
				}
				RawType returns = null;
				if (peek().is("void")) {
					take();
				}
				else {
					returns = type();
				}
				Token function = expect(Kind.IDENTIFIER, "the function's name");
				if (!names.add(function.text)) {
					throw error(function, "duplicate function " + function.text + " of service " + name.text);
				}
				expectSymbol("(");
				List<RawField> arguments = fields(")", "the arguments of " + function.text);
				List<RawField> exceptions = List.of();
				if (peek().is("throws")) {
					take();
					expectSymbol("(");
					exceptions = fields(")", "the exceptions of " + function.text);
				}
				if (oneway && (returns != null || !exceptions.isEmpty())) {
					throw error(function, "oneway function " + function.text + " must be void and throw nothing");
				}
				annotations();
				separator();
				functions.add(new RawFunction(function.text, oneway, returns, arguments, exceptions, doc));
			}
			take();
			annotations();
			define(name, this.file.services, new RawService(qualified(name), parent, functions));
		}

		/** Fields up to the closing symbol, which is consumed. */
		private List<RawField> fields(String closing, String owner) {
			List<RawField> fields = new ArrayList<>();
			Set<Short> ids = new HashSet<>();
			Set<String> names = new HashSet<>();
			while (!peek().is(closing)) {
				Token start = peek();
				if (start.kind != Kind.INTEGER) {
					throw error(start, "expected a field id (e.g. '1:') in " + owner + ", found " + start.shown()
							+ "; fields without an explicit id are not supported");
				}
				short id = (short) integer(take(), 1, Short.MAX_VALUE);
				expectSymbol(":");
				Requiredness requiredness = Requiredness.DEFAULT;
				if (peek().is("required") || peek().is("optional")) {
					requiredness = take().text.equals("required") ? Requiredness.REQUIRED : Requiredness.OPTIONAL;
				}
				RawType type = type();
				Token name = expect(Kind.IDENTIFIER, "the field's name");
				String defaultValue = null;
				if (peek().is("=")) {
					take();
					defaultValue = constValue();
				}
				annotations();
				separator();
				if (!ids.add(id)) {
					throw error(start, "duplicate field id " + id + " in " + owner);
				}
				if (!names.add(name.text)) {
					throw error(name, "duplicate field name " + name.text + " in " + owner);
				}
				fields.add(new RawField(id, name.text, type, requiredness, defaultValue, start.doc, start.line));
			}
			take();
			return fields;
		}

		private RawType type() {
			Token token = expect(Kind.IDENTIFIER, "a type");
			RawType type = switch (token.text) {
				case "list" -> {
					RawType element = typeArguments(1).get(0);
					yield new RawList(element);
				}
				case "set" -> new RawSet(typeArguments(1).get(0));
				case "map" -> {
					List<RawType> arguments = typeArguments(2);
					yield new RawMap(arguments.get(0), arguments.get(1));
				}
				default -> {
					BaseType base = BASE_TYPES.get(token.text);
					if (base == null && (token.text.equals("void") || token.text.equals("slist"))) {
						throw error(token, "'" + token.text + "' is not a type here");
					}
					yield (base != null) ? new RawBase(base) : new RawNamed(token.text, token.line);
				}
			};
			cppType();
			annotations();
			return type;
		}

		private List<RawType> typeArguments(int count) {
			cppType();
			expectSymbol("<");
			List<RawType> arguments = new ArrayList<>(count);
			arguments.add(type());
			for (int k = 1; k < count; k++) {
				expectSymbol(",");
				arguments.add(type());
			}
			expectSymbol(">");
			return arguments;
		}

		private void cppType() {
			if (peek().is("cpp_type")) {
				take();
				expect(Kind.STRING, "the C++ type");
			}
		}

		/** Skips annotations, {@code (name = "value", ...)}. */
		private void annotations() {
			if (!peek().is("(")) {
				return;
			}
			take();
			while (!peek().is(")")) {
				expect(Kind.IDENTIFIER, "an annotation's name");
				if (peek().is("=")) {
					take();
					expect(Kind.STRING, "the annotation's value");
				}
				separator();
			}
			take();
		}

		/**
		 * Reads a constant value (a number, string, name, list or map) as the IDL writes it,
		 * strings in double quotes.
		 */
		private String constValue() {
			Token token = take();
			if (token.is("[")) {
				StringJoiner elements = new StringJoiner(", ", "[", "]");
				while (!peek().is("]")) {
					elements.add(constValue());
					separator();
				}
				take();
				return elements.toString();
			}
			if (token.is("{")) {
				StringJoiner entries = new StringJoiner(", ", "{", "}");
				while (!peek().is("}")) {
					String key = constValue();
					expectSymbol(":");
					entries.add(key + ": " + constValue());
					separator();
				}
				take();
				return entries.toString();
			}
			if (token.kind == Kind.SYMBOL || token.kind == Kind.END) {
				throw error(token, "expected a constant value, found " + token.shown());
			}
			return (token.kind == Kind.STRING)
					? '"' + token.text.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : token.text;
		}

		private void separator() {
			if (peek().is(",") || peek().is(";")) {
				take();
			}
		}

		private <T> void define(Token name, Map<String, T> definitions, T definition) {
			String qualified = qualified(name);
			if (this.file.typedefs.containsKey(qualified) || this.file.enums.containsKey(qualified)
					|| this.file.structs.containsKey(qualified) || this.file.services.containsKey(qualified)) {
				throw error(name, "'" + name.text + "' is defined twice");
			}
			if (name.text.contains(".")) {
				throw error(name, "a name cannot contain '.': " + name.text);
			}
			definitions.put(qualified, definition);
		}

		private String qualified(Token name) {
			return this.file.program + "." + name.text;
		}

		private long integer(Token token, long min, long max) {
			long value;
			try {
				String text = token.text;
				boolean negative = text.startsWith("-");
				String digits = (negative || text.startsWith("+")) ? text.substring(1) : text;
				value = (digits.startsWith("0x") || digits.startsWith("0X")) ? Long.parseLong(digits.substring(2), 16)
						: Long.parseLong(digits);
				value = negative ? -value : value;
			}
			catch (NumberFormatException ex) {
				throw error(token, "not an integer: " + token.text);
			}
			if (value < min || value > max) {
				throw error(token, token.text + " is out of range (" + min + ".." + max + ")");
			}
			return value;
		}

		private Token expect(Kind kind, String what) {
			Token token = take();
			if (token.kind != kind) {
				throw error(token, "expected " + what + ", found " + token.shown());
			}
			return token;
		}

		private void expectSymbol(String symbol) {
			Token token = take();
			if (!token.is(symbol) || token.kind != Kind.SYMBOL) {
				throw error(token, "expected '" + symbol + "', found " + token.shown());
			}
		}

		private Token peek() {
			return this.tokens.get(this.next);
		}

		private Token take() {
			Token token = this.tokens.get(this.next);
			if (token.kind != Kind.END) {
				this.next++;
			}
			return token;
		}

		private IllegalArgumentException error(Token at, String message) {
			return ThriftIdlReader.error(this.location, at.line, message);
		}

		private static List<Token> tokenize(String location, String text) {
			List<Token> tokens = new ArrayList<>();
			int line = 1;
			int k = 0;
			String doc = null;
			while (k < text.length()) {
				char c = text.charAt(k);
				if (c == '\n') {
					line++;
					k++;
				}
				else if (Character.isWhitespace(c)) {
					k++;
				}
				else if (c == '#' || text.startsWith("//", k)) {
					while (k < text.length() && text.charAt(k) != '\n') {
						k++;
					}
				}
				else if (text.startsWith("/*", k)) {
					int end = text.indexOf("*/", k + 2);
					if (end < 0) {
						throw ThriftIdlReader.error(location, line, "unterminated comment");
					}
					for (int j = k; j < end; j++) {
						line += (text.charAt(j) == '\n') ? 1 : 0;
					}
					doc = (text.startsWith("/**", k) && end > k + 2) ? docText(text.substring(k + 3, end)) : null;
					k = end + 2;
				}
				else if (c == '"' || c == '\'') {
					int end = text.indexOf(c, k + 1);
					int newline = text.indexOf('\n', k + 1);
					if (end < 0 || (newline >= 0 && newline < end)) {
						throw ThriftIdlReader.error(location, line, "unterminated string");
					}
					tokens.add(new Token(Kind.STRING, text.substring(k + 1, end), line, doc));
					doc = null;
					k = end + 1;
				}
				else if (Character.isLetter(c) || c == '_') {
					int start = k;
					while (k < text.length() && (Character.isLetterOrDigit(text.charAt(k)) || text.charAt(k) == '_'
							|| text.charAt(k) == '.')) {
						k++;
					}
					tokens.add(new Token(Kind.IDENTIFIER, text.substring(start, k), line, doc));
					doc = null;
				}
				else if (Character.isDigit(c) || ((c == '-' || c == '+') && k + 1 < text.length()
						&& Character.isDigit(text.charAt(k + 1)))) {
					int start = k;
					k++;
					boolean hex = text.startsWith("0x", start + ((c == '-' || c == '+') ? 1 : 0))
							|| text.startsWith("0X", start + ((c == '-' || c == '+') ? 1 : 0));
					while (k < text.length()) {
						char d = text.charAt(k);
						boolean exponentSign = (d == '-' || d == '+') && !hex
								&& Character.toLowerCase(text.charAt(k - 1)) == 'e';
						if (!Character.isLetterOrDigit(d) && d != '.' && !exponentSign) {
							break;
						}
						k++;
					}
					String number = text.substring(start, k);
					boolean decimal = !hex && (number.contains(".") || number.toLowerCase().contains("e"));
					tokens.add(new Token(decimal ? Kind.DOUBLE : Kind.INTEGER, number, line, doc));
					doc = null;
				}
				else if ("{}()<>[],;:=*".indexOf(c) >= 0) {
					tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), line, doc));
					doc = null;
					k++;
				}
				else {
					throw ThriftIdlReader.error(location, line, "unexpected character '" + c + "'");
				}
			}
			tokens.add(new Token(Kind.END, "", line, null));
			return tokens;
		}

		/** A doc comment's text: its lines without the leading {@code *}, trimmed. */
		private static String docText(String comment) {
			StringJoiner lines = new StringJoiner("\n");
			for (String line : comment.split("\n")) {
				String trimmed = line.strip();
				lines.add(trimmed.startsWith("*") ? trimmed.substring(1).strip() : trimmed);
			}
			String doc = lines.toString().strip();
			return doc.isEmpty() ? null : doc;
		}

	}

}

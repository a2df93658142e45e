package io.busgate.bridge.thrift;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TMemoryBuffer;
import org.junit.jupiter.api.Test;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.thrift.test.AllKinds;
import io.busgate.bridge.thrift.test.Choice;
import io.busgate.bridge.thrift.test.Color;
import io.busgate.bridge.thrift.test.Inner;
import io.busgate.bridge.thrift.test.Strict;
import io.busgate.bus.BusStatus;
import io.busgate.thrift.idl.ThriftIdl;
import io.busgate.thrift.idl.ThriftIdl.StructDef;
import io.busgate.thrift.idl.ThriftIdlReader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * JSON to Thrift values by the IDL ({@link ThriftJsonMapper}) and on the wire ({@link ThriftWire}),
 * for every kind of field, checked against what the classes generated from the same IDL write
 * and read.
 */
class ThriftJsonMapperTests {

	private final ThriftIdl idl = ShippedConfiguration.idl(ShippedConfiguration.MAPPING_IDL);

	private final ThriftJsonMapper mapper = new ThriftJsonMapper(this.idl);

	private final ThriftWire wire = new ThriftWire(this.idl);

	private final StructDef allKinds = struct("AllKinds");

	@Test
	void everyFieldKindConvertsFromJsonToWhatGeneratedCodeReads() throws TException {
		Map<String, Object> json = allKindsJson();

		AllKinds value = new AllKinds();
		value.read(written(this.allKinds, this.mapper.toStruct(this.allKinds, json, "args")));

		assertThat(value.isFlag()).isTrue();
		assertThat(value.getTiny()).isEqualTo((byte) -7);
		assertThat(value.getSmall()).isEqualTo((short) 300);
		assertThat(value.getMedium()).isEqualTo(70_000);
		assertThat(value.getLarge()).isEqualTo(9_007_199_254_740_993L);
		assertThat(value.getRatio()).isEqualTo(0.25);
		assertThat(value.getText()).isEqualTo("héllo");
		assertThat(new String(value.getBlob(), StandardCharsets.UTF_8)).isEqualTo("bytes");
		assertThat(value.getNames()).containsExactly("a", "b");
		assertThat(value.getNumbers()).containsExactlyInAnyOrder(1, 2);
		assertThat(value.getCounts()).containsExactlyEntriesOf(Map.of("x", 5L));
		assertThat(value.getInner()).isEqualTo(new Inner("in").setRank(3));
		assertThat(value.getInners()).containsExactly(new Inner("first"), new Inner("second"));
		assertThat(value.getColor()).isEqualTo(Color.GREEN);
		assertThat(value.getByRank()).containsExactlyEntriesOf(Map.of(1, new Inner("one")));
		assertThat(value.isSetNote()).isFalse();
		assertThat(value.getGrid()).containsExactly(List.of(1, 2), List.of());
	}

	@Test
	void everyFieldKindConvertsBackToTheSameJson() throws TException {
		Map<String, Object> json = allKindsJson();

		Object back = this.wire.read(written(this.allKinds, this.mapper.toStruct(this.allKinds, json, "args")),
				this.allKinds);

		Map<String, Object> expected = new LinkedHashMap<>(json);
		// Numbers come back as their Thrift types; unset fields as null.
		expected.put("tiny", (byte) -7);
		expected.put("small", (short) 300);
		expected.put("numbers", List.of(1, 2));
		expected.put("inner", inner("in", 3));
		expected.put("inners", List.of(inner("first", null), inner("second", null)));
		expected.put("byRank", Map.of("1", inner("one", null)));
		expected.put("note", null);
		assertThat(back).isEqualTo(expected);
	}

	@Test
	void whatGeneratedCodeWritesReadsAsJsonByTheIdlFieldNames() throws TException {
		AllKinds value = new AllKinds().setText("hi")
			.setNumbers(Set.of(4))
			.setColor(Color.RED)
			.setBlob(new byte[] { 1, 2 })
			.setByRank(Map.of(7, new Inner("seven")))
			.setNames(List.of());

		Map<String, Object> json = this.wire.read(written(value), this.allKinds);

		assertThat(json).containsOnlyKeys(this.allKinds.fieldNames())
			.containsEntry("text", "hi")
			.containsEntry("numbers", List.of(4))
			.containsEntry("color", "RED")
			.containsEntry("blob", "AQI=")
			.containsEntry("byRank", Map.of("7", inner("seven", null)))
			.containsEntry("names", List.of())
			.containsEntry("note", null)
			.containsEntry("inner", null);
		// Fields of default requiredness are written even unset when they are primitives.
		assertThat(json).containsEntry("medium", 0);
	}

	@Test
	void fieldsOfOtherIdsOrWireTypesAreSkippedLikeGeneratedCodeSkipsThem() throws TException {
		// AllKinds' fields 1 and 2 are a bool and a byte; Inner's are a string and an i32.
		Map<String, Object> json = this.wire.read(written(new AllKinds().setFlag(true).setTiny((byte) 1)
			.setText("x")), struct("Inner"));

		assertThat(json).isEqualTo(inner(null, null));
	}

	@Test
	void enumValueTheIdlDoesNotDeclareReadsAsNull() throws TException {
		ThriftIdl older = ThriftIdlReader.read("older", "enum Color { RED = 1 }  struct S { 14: Color color }");

		Map<String, Object> json = new ThriftWire(older).read(written(new AllKinds().setColor(Color.GREEN)),
				older.structs().get("older.S"));

		assertThat(json).containsEntry("color", null);
	}

	@Test
	void unknownFieldIsRejectedWithTheKnownOnes() {
		assertInvalid(Map.of("name", "hi", "nick", "x"), struct("Inner"), "args.input",
				"args.input.nick: unknown field of Inner, known fields are [name, rank]");
	}

	@Test
	void wrongTypesAreRejectedWithClearMessages() {
		assertInvalid(Map.of("medium", "ten"), "args.medium: expected i32, was string \"ten\"");
		assertInvalid(Map.of("medium", 1.5), "args.medium: expected i32, an integer, was number 1.5");
		assertInvalid(Map.of("medium", 3_000_000_000L), "args.medium: 3000000000 is out of range for i32"
				+ " (-2147483648..2147483647)");
		assertInvalid(Map.of("tiny", 128), "args.tiny: 128 is out of range for byte (-128..127)");
		assertInvalid(Map.of("flag", "true"), "args.flag: expected bool, was string \"true\"");
		assertInvalid(Map.of("text", 5), "args.text: expected string, was number 5");
		assertInvalid(Map.of("blob", "***"), "args.blob: expected binary as base64 text, was string \"***\"");
		assertInvalid(Map.of("names", "a"), "args.names: expected list<string>, was string \"a\"");
		assertInvalid(Map.of("names", Arrays.asList("a", null)), "args.names[1]: expected string, was null");
		assertInvalid(Map.of("inner", List.of()), "args.inner: expected an object for Inner, was an array");
		assertInvalid(Map.of("inners", List.of(Map.of("name", "x", "nick", "y"))),
				"args.inners[0].nick: unknown field of Inner, known fields are [name, rank]");
		assertInvalid(Map.of("color", "BLUE"), "args.color: string \"BLUE\" is not a constant of enum Color,"
				+ " expected one of [RED, GREEN]");
		assertInvalid(Map.of("counts", Map.of("x", "many")), "args.counts[\"x\"]: expected i64, was string \"many\"");
		assertInvalid(Map.of("byRank", Map.of("first", Map.of())),
				"args.byRank[\"first\"]: map key \"first\" is not an integer for i32");
	}

	@Test
	void integralDoublesAndEnumValuesAreAccepted() {
		Map<String, Object> value = this.mapper.toStruct(this.allKinds, Map.of("medium", 12.0, "color", 1), "args");

		assertThat(value).containsEntry("medium", 12).containsEntry("color", 1);
	}

	@Test
	void nullMembersStayUnsetAndRequiredFieldsMustBeGiven() throws TException {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", "s-1");
		json.put("label", null);
		StructDef strictType = struct("Strict");

		Strict strict = new Strict();
		strict.read(written(strictType, this.mapper.toStruct(strictType, json, "args.strict")));

		assertThat(strict.getId()).isEqualTo("s-1");
		assertThat(strict.isSetLabel()).isFalse();
		assertInvalid(Map.of("label", "x"), strictType, "args.strict", "args.strict.id: required field of Strict is missing");
	}

	@Test
	void unionTakesExactlyOneMember() throws TException {
		StructDef choiceType = struct("Choice");
		Map<String, Object> value = this.mapper.toStruct(choiceType, Map.of("number", 4), "args.c");

		Choice choice = new Choice();
		choice.read(written(choiceType, value));

		assertThat(choice.getNumber()).isEqualTo(4);
		assertThat(this.wire.read(written(choiceType, value), choiceType))
			.isEqualTo(Arrays.stream(new Object[][] { { "text", null }, { "number", 4 } })
				.collect(LinkedHashMap::new, (map, pair) -> map.put(pair[0], pair[1]), Map::putAll));
		assertInvalid(Map.of("number", 4, "text", "x"), choiceType, "args.c",
				"args.c: union Choice takes exactly one of [text, number], got 2");
	}

	private StructDef struct(String name) {
		return this.idl.structs().get("mapping_test." + name);
	}

	/** A protocol to read what {@link ThriftWire} wrote. */
	private TProtocol written(StructDef type, Map<String, Object> value) throws TException {
		TMemoryBuffer buffer = new TMemoryBuffer(256);
		this.wire.write(new TBinaryProtocol(buffer), type, value);
		return new TBinaryProtocol(buffer);
	}

	/** A protocol to read what generated code wrote. */
	private static TProtocol written(TBase<?, ?> value) throws TException {
		TMemoryBuffer buffer = new TMemoryBuffer(256);
		value.write(new TBinaryProtocol(buffer));
		return new TBinaryProtocol(buffer);
	}

	private void assertInvalid(Map<String, Object> json, String message) {
		assertInvalid(json, this.allKinds, "args", message);
	}

	private void assertInvalid(Map<String, Object> json, StructDef type, String path, String message) {
		assertThatExceptionOfType(BackendException.class).isThrownBy(() -> this.mapper.toStruct(type, json, path))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(BusStatus.INVALID_ARGUMENT))
			.withMessage(message);
	}

	private static Map<String, Object> allKindsJson() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("flag", true);
		json.put("tiny", -7);
		json.put("small", 300);
		json.put("medium", 70_000);
		json.put("large", 9_007_199_254_740_993L);
		json.put("ratio", 0.25);
		json.put("text", "héllo");
		json.put("blob", "Ynl0ZXM=");
		json.put("names", List.of("a", "b"));
		json.put("numbers", List.of(1, 2, 1));
		json.put("counts", Map.of("x", 5L));
		json.put("inner", Map.of("name", "in", "rank", 3));
		json.put("inners", List.of(Map.of("name", "first"), Map.of("name", "second")));
		json.put("color", "GREEN");
		json.put("byRank", Map.of("1", Map.of("name", "one")));
		json.put("note", null);
		json.put("grid", List.of(List.of(1, 2), List.of()));
		return json;
	}

	private static Map<String, Object> inner(String name, Integer rank) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("name", name);
		json.put("rank", rank);
		return json;
	}

}

package io.busgate.bridge.thrift;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.busgate.bridge.BackendException;
import io.busgate.bridge.thrift.test.AllKinds;
import io.busgate.bridge.thrift.test.Choice;
import io.busgate.bridge.thrift.test.Color;
import io.busgate.bridge.thrift.test.Inner;
import io.busgate.bridge.thrift.test.Strict;
import io.busgate.bus.BusStatus;
import io.busgate.examples.message.thrift.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** JSON <-> Thrift through the generated classes' field metadata, for every kind of field. */
class ThriftJsonMapperTests {

	private final ThriftJsonMapper mapper = new ThriftJsonMapper();

	private final ThriftStructType allKinds = ThriftStructType.of(AllKinds.class);

	@Test
	void everyFieldKindConvertsFromJson() {
		Map<String, Object> json = allKindsJson();

		AllKinds value = (AllKinds) this.mapper.toStruct(this.allKinds, json, "args");

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
	void everyFieldKindConvertsBackToTheSameJson() {
		Map<String, Object> json = allKindsJson();

		Object back = this.mapper.toJson(this.mapper.toStruct(this.allKinds, json, "args"));

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
	void resultStructsUseTheThriftFieldNamesWithNullForUnsetAndEmptyListsStayEmpty() {
		Message message = new Message("7", "hi", "2025-01-01T00:00:00Z", "1", null);

		assertThat(this.mapper.toJson(message)).isEqualTo(Arrays.stream(new Object[][] { { "id", "7" },
				{ "body", "hi" }, { "sentAt", "2025-01-01T00:00:00Z" }, { "fromUserId", "1" }, { "toUserId", null } })
			.collect(LinkedHashMap::new, (map, pair) -> map.put(pair[0], pair[1]), Map::putAll));
		assertThat(this.mapper.toJson(List.of())).isEqualTo(List.of());
		assertThat(this.mapper.toJson(Set.of(Color.RED))).isEqualTo(List.of("RED"));
		assertThat(this.mapper.toJson(ByteBuffer.wrap(new byte[] { 1, 2 }))).isEqualTo("AQI=");
	}

	@Test
	void unknownFieldIsRejectedWithTheKnownOnes() {
		assertInvalid(Map.of("body", "hi", "subject", "x"), ThriftStructType.of(Message.class), "args.input",
				"args.input.subject: unknown field of Message, known fields are [id, body, sentAt, fromUserId, toUserId]");
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
		AllKinds value = (AllKinds) this.mapper.toStruct(this.allKinds, Map.of("medium", 12.0, "color", 1), "args");

		assertThat(value.getMedium()).isEqualTo(12);
		assertThat(value.getColor()).isEqualTo(Color.RED);
	}

	@Test
	void nullMembersStayUnsetAndRequiredFieldsMustBeGiven() {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", "s-1");
		json.put("label", null);

		Strict strict = (Strict) this.mapper.toStruct(ThriftStructType.of(Strict.class), json, "args.strict");

		assertThat(strict.getId()).isEqualTo("s-1");
		assertThat(strict.isSetLabel()).isFalse();
		assertInvalid(Map.of("label", "x"), ThriftStructType.of(Strict.class), "args.strict",
				"args.strict.id: required field of Strict is missing");
	}

	@Test
	void unionTakesExactlyOneMember() {
		Choice choice = (Choice) this.mapper.toStruct(ThriftStructType.of(Choice.class), Map.of("number", 4), "args.c");

		assertThat(choice.getNumber()).isEqualTo(4);
		assertThat(this.mapper.toJson(choice)).isEqualTo(Arrays.stream(new Object[][] { { "text", null }, { "number", 4 } })
			.collect(LinkedHashMap::new, (map, pair) -> map.put(pair[0], pair[1]), Map::putAll));
		assertInvalid(Map.of("number", 4, "text", "x"), ThriftStructType.of(Choice.class), "args.c",
				"args.c: union Choice takes exactly one of [text, number], got 2");
	}

	private void assertInvalid(Map<String, Object> json, String message) {
		assertInvalid(json, this.allKinds, "args", message);
	}

	private void assertInvalid(Map<String, Object> json, ThriftStructType type, String path, String message) {
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

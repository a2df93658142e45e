package io.busgate.replay;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.busgate.replay.JsonDiff.Difference;

import static org.assertj.core.api.Assertions.assertThat;

class JsonDiffTests {

	@Test
	void equalTreesHaveNoDifference() {
		Object items = List.of(Map.of("id", "1", "name", "Ada", "friends", List.of(Map.of("id", "2"))));

		assertThat(JsonDiff.between("items", items, items)).isEmpty();
	}

	@Test
	void changedFieldIsNamedByItsPath() {
		Object before = List.of(Map.of("id", "6", "name", "Bela"), Map.of("id", "7", "name", "Ada Bauer"));
		Object after = List.of(Map.of("id", "6", "name", "Bela"), Map.of("id", "7", "name", "Grace"));

		assertThat(JsonDiff.between("items", before, after))
			.containsExactly(new Difference("items[1].name", "Ada Bauer", "Grace"));
	}

	@Test
	void membersAndElementsOnOneSideOnlyAreAbsentOnTheOther() {
		Object before = List.of(Map.of("id", "1", "nick", "a"));
		Object after = Arrays.asList(Map.of("id", "1", "title", "b"), null);

		assertThat(JsonDiff.between("items", before, after)).containsExactly(
				new Difference("items[0].nick", "a", JsonDiff.ABSENT),
				new Difference("items[0].title", JsonDiff.ABSENT, "b"), new Difference("items[1]", JsonDiff.ABSENT, null));
	}

	@Test
	void numbersCompareByValueAndTypesDiffer() {
		assertThat(JsonDiff.between("items", List.of(1, 2.50), List.of(1.0, 2.5))).isEmpty();
		assertThat(JsonDiff.between("items", List.of(Map.of("a", 1)), List.of("1")))
			.containsExactly(new Difference("items[0]", Map.of("a", 1), "1"));
	}

}

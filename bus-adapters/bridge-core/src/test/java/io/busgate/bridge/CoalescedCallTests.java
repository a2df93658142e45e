package io.busgate.bridge;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.busgate.bus.BusRequest;
import io.busgate.bus.RequestHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class CoalescedCallTests {

	private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void requestsOfOneShapeShareACallAskingEachKeyOnceInFirstSeenOrder() {
		BusRequest first = query("a", "b");
		BusRequest second = query("b", "c", "b");
		BusRequest third = query("d", "a");

		List<CoalescedCall<BusRequest>> calls = plan(100, first, second, third);

		assertThat(calls).singleElement().satisfies((call) -> {
			assertThat(call.isShared()).isTrue();
			assertThat(call.members()).containsExactly(first, second, third);
			assertThat(call.request().keys()).containsExactly("a", "b", "c", "d");
			assertThat(call.split(List.of("A", "B", "C", "D"))).containsExactly(List.of("A", "B"),
					List.of("B", "C", "B"), List.of("D", "A"));
		});
	}

	@Test
	void nullKeysAndNullItemsAreKeptInPlace() {
		BusRequest first = query("a", null);
		BusRequest second = query(null, "b");

		CoalescedCall<BusRequest> call = plan(100, first, second).get(0);

		assertThat(call.request().keys()).containsExactly("a", null, "b");
		assertThat(call.split(Arrays.asList("A", null, "B"))).containsExactly(Arrays.asList("A", null),
				Arrays.asList(null, "B"));
	}

	@Test
	void sharedCallRunsUntilTheLatestDeadlineForItsFirstRequestsCaller() {
		BusRequest early = request("user.getUsers", List.of("a"), Map.of(), "alice", null, NOW.plusSeconds(1));
		BusRequest late = request("user.getUsers", List.of("b"), Map.of(), "alice", null, NOW.plusSeconds(9));

		RequestHeaders shared = plan(100, early, late).get(0).request().headers();

		assertThat(shared.deadline()).isEqualTo(NOW.plusSeconds(9));
		assertThat(shared.principal()).isEqualTo("alice");
		assertThat(shared.operation()).isEqualTo("user.getUsers");
		assertThat(shared.correlationId()).isEqualTo(early.headers().correlationId());
		assertThat(shared.isMutation()).isFalse();
	}

	@Test
	void requestsOfDifferentCallersOperationsOrArgumentsNeverShareACall() {
		BusRequest alice = request("user.getUsers", List.of("a"), Map.of(), "alice", null, NOW);
		BusRequest bob = request("user.getUsers", List.of("a"), Map.of(), "bob", null, NOW);
		BusRequest anonymous = request("user.getUsers", List.of("a"), Map.of(), null, null, NOW);
		BusRequest otherOperation = request("user.getAccounts", List.of("a"), Map.of(), "alice", null, NOW);
		BusRequest otherArgs = request("user.getUsers", List.of("a"), Map.of("active", true), "alice", null, NOW);

		List<CoalescedCall<BusRequest>> calls = plan(100, alice, bob, anonymous, otherOperation, otherArgs);

		assertThat(calls).hasSize(5).noneMatch(CoalescedCall::isShared);
		assertThat(calls).extracting(CoalescedCall::request)
			.containsExactly(alice, bob, anonymous, otherOperation, otherArgs);
	}

	@Test
	void argumentsCompareAsJsonValuesWhateverTheirMemberOrder() {
		BusRequest first = request("post.search", List.of("a"), Map.of("x", 1, "y", List.of("z")), null, null, NOW);
		BusRequest second = request("post.search", List.of("b"), Map.of("y", List.of("z"), "x", 1), null, null, NOW);

		assertThat(plan(100, first, second)).singleElement().satisfies((call) -> assertThat(call.isShared()).isTrue());
	}

	@Test
	void mutationsAreCalledAloneAsTheyCame() {
		BusRequest first = request("user.rename", List.of("a"), Map.of(), "alice", "idem-1", NOW);
		BusRequest second = request("user.rename", List.of("b"), Map.of(), "alice", "idem-2", NOW);

		List<CoalescedCall<BusRequest>> calls = plan(100, first, second);

		assertThat(calls).extracting(CoalescedCall::request).containsExactly(first, second);
	}

	@Test
	void identicalKeylessRequestsShareACallAndItsItem() {
		BusRequest first = request("post.latest", null, Map.of("n", 3), null, null, NOW);
		BusRequest second = request("post.latest", null, Map.of("n", 3), null, null, NOW);
		BusRequest keyed = request("post.latest", List.of("a"), Map.of("n", 3), null, null, NOW);

		List<CoalescedCall<BusRequest>> calls = plan(1, first, second, keyed);

		assertThat(calls).hasSize(2);
		assertThat(calls.get(0).members()).containsExactly(first, second);
		assertThat(calls.get(0).request().keys()).isNull();
		assertThat(calls.get(0).split(List.of("item"))).containsExactly(List.of("item"), List.of("item"));
		assertThat(calls.get(1).request()).isSameAs(keyed);
	}

	@Test
	void aCallAsksForAtMostMaxKeysAndALargerRequestIsCalledAlone() {
		BusRequest ab = query("a", "b");
		BusRequest bc = query("b", "c");
		BusRequest cd = query("c", "d");
		BusRequest large = query("e", "f", "g", "h");
		BusRequest d = query("d");

		List<CoalescedCall<BusRequest>> calls = plan(3, ab, bc, cd, large, d);

		assertThat(calls).extracting((call) -> call.request().keys())
			.containsExactly(List.of("a", "b", "c"), List.of("c", "d"), List.of("e", "f", "g", "h"));
		assertThat(calls.get(1).members()).containsExactly(cd, d);
		assertThat(calls.get(2).request()).isSameAs(large);
	}

	@Test
	void anAnswerWithTheWrongNumberOfItemsCannotBeSplit() {
		CoalescedCall<BusRequest> call = plan(100, query("a"), query("b")).get(0);

		assertThat(call.split(List.of("A"))).isNull();
		assertThat(call.split(null)).isNull();
	}

	@Test
	void aRequestAloneIsCalledAsItCame() {
		BusRequest duplicates = query("a", "a");

		CoalescedCall<BusRequest> call = plan(100, duplicates).get(0);

		assertThat(call.isShared()).isFalse();
		assertThat(call.request()).isSameAs(duplicates);
		assertThat(call.split(List.of("A", "A"))).containsExactly(List.of("A", "A"));
	}

	private static List<CoalescedCall<BusRequest>> plan(int maxKeys, BusRequest... requests) {
		return CoalescedCall.plan(List.of(requests), (request) -> request, maxKeys);
	}

	private static BusRequest query(Object... keys) {
		return request("user.getUsers", Arrays.asList(keys), Map.of(), "alice", null, NOW);
	}

	private static BusRequest request(String operation, List<Object> keys, Map<String, Object> args, String principal,
			String idempotencyKey, Instant deadline) {
		RequestHeaders headers = new RequestHeaders("c-" + System.nanoTime(), operation, "gateway.replies.test",
				deadline, idempotencyKey, principal);
		return new BusRequest(headers, keys, args);
	}

}

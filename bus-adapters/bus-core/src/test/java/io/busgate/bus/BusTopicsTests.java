package io.busgate.bus;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BusTopicsTests {

	@Test
	void namesFollowTheContract() {
		assertThat(BusTopics.requests("user")).isEqualTo("user.requests");
		assertThat(BusTopics.replies("gw-1")).isEqualTo("gateway.replies.gw-1");
		assertThat(BusTopics.events("message")).isEqualTo("message.events");
		assertThat(BusTopics.deadLetter("user.requests")).isEqualTo("user.requests-dlt");
		assertThat(BusTopics.bridgeGroup("user")).isEqualTo("user-bridge");
	}

	@Test
	void replyTopicsAreRecognised() {
		assertThat(BusTopics.isReplyTopic(BusTopics.replies("gw-1"))).isTrue();
		assertThat(BusTopics.isReplyTopic("user.requests")).isFalse();
		assertThat(BusTopics.isReplyTopic("gateway.replies.")).isFalse();
		assertThat(BusTopics.isReplyTopic("gateway.replies.a.b")).isFalse();
		assertThat(BusTopics.isReplyTopic(null)).isFalse();
	}

	@Test
	void replayRunsHaveTheirOwnReplyTopic() {
		assertThat(BusTopics.replayReplies("r-1")).isEqualTo("replay.replies.r-1");
		assertThat(BusTopics.isReplyTopic(BusTopics.replayReplies("r-1"))).isTrue();
		assertThat(BusTopics.isReplyTopic("replay.replies.")).isFalse();
		assertThat(BusTopics.isReplyTopic("replay.requests.r-1")).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> BusTopics.replayReplies("a.b"));
	}

	@Test
	void replyTopicPrefixesCoverEveryReplyTopic() {
		assertThat(BusTopics.replyTopicPrefixes()).containsExactly("gateway.replies.", "replay.replies.");
		assertThat(BusTopics.replyTopicPrefixes())
			.allSatisfy((prefix) -> assertThat(BusTopics.isReplyTopic(prefix + "any-1")).isTrue());
	}

	@Test
	void requestTopicsAreRecognised() {
		assertThat(BusTopics.isRequestTopic(BusTopics.requests("user"))).isTrue();
		assertThat(BusTopics.isRequestTopic("user.requests.canary")).isFalse();
		assertThat(BusTopics.isRequestTopic("user.requests-dlt")).isFalse();
		assertThat(BusTopics.isRequestTopic(".requests")).isFalse();
		assertThat(BusTopics.isRequestTopic(null)).isFalse();
	}

	@Test
	void serviceIsThePartBeforeTheFirstDot() {
		assertThat(BusTopics.serviceOf("user.getUsers")).isEqualTo("user");
		assertThat(BusTopics.serviceOf("post.list.byAuthor")).isEqualTo("post");
	}

	@Test
	void malformedOperationsAndNamesAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> BusTopics.serviceOf("getUsers"))
			.withMessageContaining("not of the form <service>.<name>");
		assertThatIllegalArgumentException().isThrownBy(() -> BusTopics.serviceOf(".getUsers"));
		assertThatIllegalArgumentException().isThrownBy(() -> BusTopics.serviceOf("user."));
		assertThatIllegalArgumentException().isThrownBy(() -> BusTopics.serviceOf(null));
		assertThatIllegalArgumentException().isThrownBy(() -> BusTopics.requests("us er"))
			.withMessageContaining("service 'us er'");
		assertThatIllegalArgumentException().isThrownBy(() -> BusTopics.replies("a/b"));
	}

}

package io.busgate.architecture;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every module's tests run with one default timeout, set once for surefire and failsafe in the
 * root POM ({@code busgate.junit-configuration}); this module inherits it like every other.
 */
class TestTimeoutTests {

	@RegisterExtension
	final DefaultTimeout defaultTimeout = new DefaultTimeout();

	@Test
	void everyTestHasADefaultTimeout() {
		assertThat(this.defaultTimeout.value).hasValue("60 s");
	}

	/** Reads the configuration parameter the test runs with. */
	static final class DefaultTimeout implements BeforeEachCallback {

		Optional<String> value = Optional.empty();

		@Override
		public void beforeEach(ExtensionContext context) {
			this.value = context.getConfigurationParameter("junit.jupiter.execution.timeout.default");
		}

	}

}

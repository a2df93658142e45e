package io.busgate.examples.user;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Builds the seeded {@link UserDirectory} once, while the context starts; the service
 * reports ready only after that.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UserServiceProperties.class)
class UserDirectoryConfiguration {

	private static final Log logger = LogFactory.getLog(UserDirectoryConfiguration.class);

	@Bean
	UserDirectory userDirectory(UserServiceProperties properties) {
		long started = System.nanoTime();
		UserDirectory directory = UserDirectory.generate(properties);
		long millis = (System.nanoTime() - started) / 1_000_000;
		logger.info("Generated " + directory.size() + " users (seed " + properties.seed() + ") in " + millis + " ms");
		return directory;
	}

}

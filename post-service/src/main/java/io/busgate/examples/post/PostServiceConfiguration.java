package io.busgate.examples.post;

import java.time.Clock;

import io.grpc.BindableService;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The seeded {@link PostStore}, built while the context starts, and the gRPC service over it.
 * Spring gRPC serves every {@link BindableService} bean, and adds the health and reflection
 * services because there is one.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PostServiceProperties.class)
class PostServiceConfiguration {

	private static final Log logger = LogFactory.getLog(PostServiceConfiguration.class);

	@Bean
	PostStore postStore(PostServiceProperties properties) {
		long started = System.nanoTime();
		PostStore store = PostStore.seeded(properties, Clock.systemUTC());
		long millis = (System.nanoTime() - started) / 1_000_000;
		logger.info("Seeded " + store.size() + " posts of " + properties.userCount() + " users (seed "
				+ properties.seed() + ") in " + millis + " ms");
		return store;
	}

	@Bean
	BindableService postGrpcService(PostStore store) {
		return new PostGrpcService(store);
	}

}

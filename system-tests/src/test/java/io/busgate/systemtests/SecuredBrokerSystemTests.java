package io.busgate.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.metadata.authorizer.StandardAuthorizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.busgate.bridge.http.HttpBridgeApplication;
import io.busgate.bus.BusCodec;
import io.busgate.bus.BusReply;
import io.busgate.bus.BusRequest;
import io.busgate.bus.BusTopics;
import io.busgate.bus.CorrelationIds;
import io.busgate.bus.RequestHeaders;
import io.busgate.bus.test.TopicTail;
import io.busgate.examples.user.UserServiceApplication;
import io.busgate.replay.BusReplay;
import io.busgate.gateway.GatewayApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN a broker whose apps' listener takes only SASL_SSL with SCRAM-SHA-512, an ACL authorizer
 * that denies what no ACL allows, the bus topics made beforehand by an operator, and one principal
 * per app holding only the ACLs the root README lists (no Create); WHEN the user service, its
 * http-bridge, a gateway and the replay tool run against it with their own credentials; THEN
 * queries are answered and replayed through the secured bus, and the user bridge's principal can
 * neither serve another service's requests nor write to another service's topics.
 *
 * <p>The broker keeps a PLAINTEXT listener (its principal, {@code ANONYMOUS}, is the super user)
 * for its own controller traffic and for this test's operator work.
 */
class SecuredBrokerSystemTests {

	private static final String LISTENER = "SECURED";

	private static final String STORE_PASSWORD = "busgate-test-store";

	private static final String GATEWAY = "gateway";

	private static final String USER_BRIDGE = "user-bridge";

	private static final String REPLAY = "bus-replay";

	private static final String INSTANCE_ID = "secured";

	private static final List<String> SERVICES = List.of("user", "post", "message");

	private static final int PARTITIONS = 6;

	private static final String REPLAY_REPLIES = BusTopics.replayReplies("secured-test");

	@TempDir
	static Path stores;

	private static EmbeddedKafkaKraftBroker broker;

	private static Admin operator;

	private static String securedServers;

	private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

	private static ConfigurableApplicationContext userService;

	private static ConfigurableApplicationContext userBridge;

	private static ConfigurableApplicationContext gateway;

	private final BusCodec codec = new BusCodec();

	@BeforeAll
	@Timeout(value = 3, unit = TimeUnit.MINUTES)
	static void startSecuredBus() throws Exception {
		Path keyStore = stores.resolve("broker.p12");
		Path trustStore = trustStore();
		makeStores(keyStore, trustStore);
		broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
		broker.brokerProperties(securedBrokerProperties(keyStore));
		broker.afterPropertiesSet();
		operator = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
		securedServers = "127.0.0.1:" + broker.getCluster()
			.brokers()
			.values()
			.iterator()
			.next()
			.boundPort(ListenerName.normalised(LISTENER));

		createTopicsAsAnOperatorWould();
		operator.alterUserScramCredentials(List.of(scramUser(GATEWAY), scramUser(USER_BRIDGE), scramUser(REPLAY)))
			.all()
			.get();
		operator.createAcls(aclsOfTheReadme()).all().get();
		// Credentials reach the listener through the cluster's metadata; wait until they do.
		await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
			try (Admin asGateway = Admin.create(clientProperties(GATEWAY, trustStore))) {
				assertThat(asGateway.describeCluster().clusterId().get(5, TimeUnit.SECONDS)).isNotBlank();
			}
		});

		userService = start(UserServiceApplication.application(), BusgateStack.NO_GRAPHQL, BusgateStack.NO_SECURITY);
		userBridge = start(HttpBridgeApplication.application(), kafka(USER_BRIDGE, trustStore),
				BusgateStack.routes("user"), BusgateStack.NO_GRAPHQL, BusgateStack.NO_SECURITY,
				"--busgate.bridge.http.base-url=" + BusgateStack.url(userService));
		gateway = start(GatewayApplication.application(), kafka(GATEWAY, trustStore), BusgateStack.VERIFIES_TOKENS,
				BusgateStack.NO_RATE_LIMIT, "--busgate.gateway.instance-id=" + INSTANCE_ID,
				"--busgate.gateway.reply-timeout=3s");
	}

	@AfterAll
	static void stopSecuredBus() {
		List<ConfigurableApplicationContext> started = new ArrayList<>(apps);
		Collections.reverse(started);
		started.forEach(ConfigurableApplicationContext::close);
		if (operator != null) {
			operator.close(Duration.ofSeconds(5));
		}
		if (broker != null) {
			broker.destroy();
		}
	}

	@Test
	void queriesAreAnsweredThroughTheSecuredBusWithoutCreateRights() {
		await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> isReady(gateway) && isReady(userBridge));
		Map<?, ?> user = WebTestClient.bindToServer()
			.baseUrl(BusgateStack.url(userService))
			.build()
			.get()
			.uri("/user/7")
			.exchange()
			.returnResult(Map.class)
			.getResponseBody()
			.blockFirst();

		Map<String, Object> response = query("{ getUser(id: \"7\") { id name } }");

		assertThat(response).doesNotContainKey("errors")
			.extractingByKey("data")
			.isEqualTo(Map.of("getUser", Map.of("id", "7", "name", user.get("name"))));
	}

	@Test
	@Timeout(value = 2, unit = TimeUnit.MINUTES)
	void theUserBridgesPrincipalIsRefusedAnotherServicesRequestsAndTopics() throws Exception {
		await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> isReady(userBridge));
		Path trustStore = trustStore();
		ConfigurableApplicationContext misdirected = start(HttpBridgeApplication.application(),
				kafka(USER_BRIDGE, trustStore), BusgateStack.routes("user"), BusgateStack.NO_GRAPHQL,
				BusgateStack.NO_SECURITY,
				"--busgate.bridge.http.base-url=" + BusgateStack.url(userService),
				"--busgate.bridge.request-topic=" + BusTopics.requests("post"),
				"--busgate.bridge.group-id=" + BusTopics.bridgeGroup("post"), "--busgate.bridge.auth-retry-interval=1s");
		try (misdirected; TopicTail replies = TopicTail.atEnd(broker.getBrokersAsString(), REPLAY_REPLIES)) {
			BusRequest forPosts = request("post.getPosts");
			BusRequest forUsers = request("user.getUsers");
			try (KafkaProducer<String, byte[]> asOperator = producer(
					Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
				asOperator.send(this.codec.requestRecord(forPosts)).get();
				asOperator.send(this.codec.requestRecord(forUsers)).get();
			}

			// The broker refuses the misdirected bridge's consumer, and its readiness says so.
			await().atMost(Duration.ofSeconds(60))
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(readiness(misdirected)).extractingByKey("components")
					.extracting((components) -> ((Map<?, ?>) components).get("busRequests"))
					.isEqualTo(Map.of("status", "DOWN", "details",
							Map.of("refused", "AUTHORIZATION", "topic", "post.requests", "group", "post-bridge"))));

			// The user bridge answers its request, and nobody answers the one for posts.
			List<String> answered = new ArrayList<>();
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				for (ConsumerRecord<String, byte[]> record : replies.poll(Duration.ofMillis(200))) {
					BusReply reply = this.codec.readReply(record);
					assertThat(reply.isOk()).isTrue();
					answered.add(reply.correlationId());
				}
				assertThat(answered).contains(forUsers.headers().correlationId());
			});
			assertThat(replies.drain(Duration.ofSeconds(2))).isEmpty();
			assertThat(answered).containsExactly(forUsers.headers().correlationId());
		}
		assertThat(operator.listConsumerGroupOffsets("post-bridge").partitionsToOffsetAndMetadata().get()).isEmpty();

		// Nor can the user bridge's principal write into the post service's topics.
		try (KafkaProducer<String, byte[]> asUserBridge = producer(clientProperties(USER_BRIDGE, trustStore))) {
			assertThatThrownBy(() -> asUserBridge.send(new ProducerRecord<>(BusTopics.events("post"), "1", new byte[0]))
				.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
				.hasCauseInstanceOf(TopicAuthorizationException.class);
		}
		for (String topic : List.of(BusTopics.events("post"), BusTopics.deadLetter(BusTopics.requests("post")))) {
			assertThat(endOffsets(topic)).as(topic).allSatisfy((partition, end) -> assertThat(end).isZero());
		}
	}

	@Test
	void theReplayToolConnectsWithItsCommandConfig() throws IOException {
		await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> isReady(gateway) && isReady(userBridge));
		Instant since = Instant.now();
		for (String id : List.of("11", "12", "13")) {
			assertThat(query("{ getUser(id: \"" + id + "\") { name } }")).doesNotContainKey("errors");
		}
		Path commandConfig = stores.resolve("replay.properties");
		Properties config = new Properties();
		clientProperties(REPLAY, trustStore()).forEach((name, value) -> config.put(name, value));
		config.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
		try (Writer writer = Files.newBufferedWriter(commandConfig)) {
			config.store(writer, null);
		}
		String[] connection = { "--bootstrap-servers=" + securedServers, "--command-config=" + commandConfig };
		String[] selection = { "--operation=user.getUsers", "--since=" + since, "--json" };

		JsonNode listed = replayTool("list", connection, selection);
		assertThat(listed.get("requests").valueStream().toList()).hasSize(3)
			.allSatisfy((request) -> assertThat(request.at("/original/status").asString()).isEqualTo("ok"));
		JsonNode replayed = replayTool("replay", connection, selection);
		assertThat(replayed.at("/summary/replayed").asInt()).isEqualTo(3);
		assertThat(replayed.at("/summary/same").asInt()).isEqualTo(3);
	}

	/**
	 * The broker's listeners: the test kit's PLAINTEXT ones (inter-broker, controller, this test's
	 * operator), and the apps' SASL_SSL one, SCRAM-SHA-512 only, with a key made for this run.
	 */
	private static Map<String, String> securedBrokerProperties(Path keyStore) {
		String secured = "listener.name." + LISTENER.toLowerCase() + ".";
		Map<String, String> properties = new HashMap<>();
		properties.put("listeners", "EXTERNAL://localhost:0," + LISTENER + "://127.0.0.1:0,CONTROLLER://localhost:0");
		properties.put("listener.security.protocol.map",
				"EXTERNAL:PLAINTEXT," + LISTENER + ":SASL_SSL,CONTROLLER:PLAINTEXT");
		properties.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
		properties.put(secured + "scram-sha-512." + SaslConfigs.SASL_JAAS_CONFIG,
				"org.apache.kafka.common.security.scram.ScramLoginModule required;");
		properties.put(secured + SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keyStore.toString());
		properties.put(secured + SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, STORE_PASSWORD);
		properties.put(secured + SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
		properties.put(secured + SslConfigs.SSL_KEY_PASSWORD_CONFIG, STORE_PASSWORD);
		properties.put("authorizer.class.name", StandardAuthorizer.class.getName());
		properties.put(StandardAuthorizer.SUPER_USERS_CONFIG, "User:ANONYMOUS");
		properties.put(StandardAuthorizer.ALLOW_EVERYONE_IF_NO_ACL_IS_FOUND_CONFIG, "false");
		return properties;
	}

	/** Where clients find the broker's certificate. */
	private static Path trustStore() {
		return stores.resolve("truststore.p12");
	}

	/** A self-signed key for 127.0.0.1, and a trust store holding its certificate, by the JDK's keytool. */
	private static void makeStores(Path keyStore, Path trustStore) {
		Path certificate = keyStore.resolveSibling("broker.pem");
		keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname",
				"CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keyStore.toString(),
				"-storetype", "PKCS12", "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
		keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass",
				STORE_PASSWORD, "-file", certificate.toString());
		keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-keystore",
				trustStore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
	}

	private static void keytool(String... args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(args));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes());
			assertThat(process.waitFor()).as("keytool %s: %s", args[0], output).isZero();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Every bus topic, with at least the partitions the apps would give them, so that they need
	 * neither Create nor Alter.
	 */
	private static void createTopicsAsAnOperatorWould() throws Exception {
		List<NewTopic> topics = new ArrayList<>();
		for (String service : SERVICES) {
			String requests = BusTopics.requests(service);
			Stream.of(requests, BusTopics.deadLetter(requests), BusTopics.events(service))
				.forEach((topic) -> topics.add(new NewTopic(topic, PARTITIONS, (short) 1)));
		}
		String replies = BusTopics.replies(INSTANCE_ID);
		Stream.of(replies, BusTopics.deadLetter(replies), REPLAY_REPLIES)
			.forEach((topic) -> topics.add(new NewTopic(topic, 1, (short) 1)));
		operator.createTopics(topics).all().get();
	}

	private static UserScramCredentialUpsertion scramUser(String name) {
		return new UserScramCredentialUpsertion(name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
				password(name));
	}

	/**
	 * The ACLs of the root README's table ("Securing the broker connection") for a gateway, the
	 * user bridge and the replay tool.
	 */
	private static List<AclBinding> aclsOfTheReadme() {
		List<AclBinding> acls = new ArrayList<>();
		for (String service : SERVICES) {
			acls.add(allow(GATEWAY, ResourceType.TOPIC, BusTopics.requests(service), PatternType.LITERAL,
					AclOperation.WRITE));
			acls.add(allow(GATEWAY, ResourceType.TOPIC, BusTopics.events(service), PatternType.LITERAL,
					AclOperation.READ));
		}
		String gatewayReplies = BusTopics.replyTopicPrefixes().get(0);
		acls.add(allow(GATEWAY, ResourceType.TOPIC, gatewayReplies, PatternType.PREFIXED, AclOperation.READ));
		acls.add(allow(GATEWAY, ResourceType.TOPIC, gatewayReplies, PatternType.PREFIXED, AclOperation.WRITE));

		String requests = BusTopics.requests("user");
		acls.add(allow(USER_BRIDGE, ResourceType.TOPIC, requests, PatternType.LITERAL, AclOperation.READ));
		acls.add(allow(USER_BRIDGE, ResourceType.GROUP, BusTopics.bridgeGroup("user"), PatternType.LITERAL,
				AclOperation.READ));
		for (String prefix : BusTopics.replyTopicPrefixes()) {
			acls.add(allow(USER_BRIDGE, ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.WRITE));
		}
		acls.add(allow(USER_BRIDGE, ResourceType.TOPIC, BusTopics.deadLetter(requests), PatternType.LITERAL,
				AclOperation.WRITE));
		acls.add(allow(USER_BRIDGE, ResourceType.TOPIC, BusTopics.events("user"), PatternType.LITERAL,
				AclOperation.WRITE));

		for (String service : SERVICES) {
			for (AclOperation operation : List.of(AclOperation.READ, AclOperation.WRITE)) {
				acls.add(allow(REPLAY, ResourceType.TOPIC, BusTopics.requests(service), PatternType.LITERAL, operation));
			}
		}
		acls.add(allow(REPLAY, ResourceType.TOPIC, gatewayReplies, PatternType.PREFIXED, AclOperation.READ));
		String replayReplies = BusTopics.replyTopicPrefixes().get(1);
		for (AclOperation operation : List.of(AclOperation.CREATE, AclOperation.READ, AclOperation.DELETE)) {
			acls.add(allow(REPLAY, ResourceType.TOPIC, replayReplies, PatternType.PREFIXED, operation));
		}
		return acls;
	}

	private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern,
			AclOperation operation) {
		return new AclBinding(new ResourcePattern(type, name, pattern),
				new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
	}

	private static String password(String user) {
		return user + "-secret";
	}

	/** The client properties of one principal on the SASL_SSL listener, as plain Kafka properties. */
	private static Map<String, Object> clientProperties(String user, Path trustStore) {
		return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, securedServers,
				CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL", SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512",
				SaslConfigs.SASL_JAAS_CONFIG, jaas(user), SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG,
				trustStore.toString(), SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, STORE_PASSWORD,
				SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
	}

	/** The same as an app's Spring Boot properties (README). */
	private static String[] kafka(String user, Path trustStore) {
		return new String[] { "--spring.kafka.bootstrap-servers=" + securedServers,
				"--spring.kafka.security.protocol=SASL_SSL", "--spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512",
				"--spring.kafka.properties.sasl.jaas.config=" + jaas(user),
				"--spring.kafka.ssl.trust-store-location=file:" + trustStore,
				"--spring.kafka.ssl.trust-store-password=" + STORE_PASSWORD,
				"--spring.kafka.ssl.trust-store-type=PKCS12" };
	}

	private static String jaas(String user) {
		return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
				+ "\" password=\"" + password(user) + "\";";
	}

	private static ConfigurableApplicationContext start(SpringApplicationBuilder application, String[] kafka,
			String... args) {
		List<String> all = new ArrayList<>(List.of(kafka));
		all.addAll(List.of(args));
		return start(application, all.toArray(String[]::new));
	}

	private static ConfigurableApplicationContext start(SpringApplicationBuilder application, String... args) {
		List<String> all = new ArrayList<>(List.of(BusgateStack.ANY_FREE_PORT));
		all.addAll(List.of(args));
		ConfigurableApplicationContext context = application.initializers(BusgateStack.OWN_NETTY_RESOURCES)
			.run(all.toArray(String[]::new));
		apps.add(context);
		return context;
	}

	private static Map<String, Object> query(String query) {
		return SystemTestSupport.postQuery(BusgateStack.url(gateway), query, Map.of(), "1");
	}

	/** Runs the replay tool, which must succeed, and returns its JSON output. */
	private static JsonNode replayTool(String command, String[] connection, String[] selection) {
		List<String> args = new ArrayList<>(List.of(command));
		args.addAll(List.of(connection));
		args.addAll(List.of(selection));
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int status = BusReplay.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
		assertThat(status).as("%s: %s%s", command, out, err).isZero();
		return JsonMapper.builder().build().readTree(out.toString());
	}

	private BusRequest request(String operation) {
		RequestHeaders headers = new RequestHeaders(CorrelationIds.next(), operation, REPLAY_REPLIES,
				Instant.now().plus(Duration.ofMinutes(2)), null);
		return new BusRequest(headers, List.of("1"), Map.of());
	}

	private static KafkaProducer<String, byte[]> producer(Map<String, Object> connection) {
		Map<String, Object> config = new HashMap<>(connection);
		config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
		return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
	}

	private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		for (int partition = 0; partition < PARTITIONS; partition++) {
			latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
		}
		Map<TopicPartition, Long> ends = new HashMap<>();
		operator.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
		return ends;
	}

	/** Whether an app reports ready; throws when it does not answer in time (a loaded machine). */
	private static boolean isReady(ConfigurableApplicationContext app) {
		return SystemTestSupport.isReady(WebClient.create(BusgateStack.url(app)));
	}

	private static Map<String, Object> readiness(ConfigurableApplicationContext app) {
		return WebClient.create(BusgateStack.url(app))
			.get()
			.uri("/actuator/health/readiness")
			.exchangeToMono((response) -> response.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			}))
			.switchIfEmpty(Mono.just(Map.of()))
			.block(Duration.ofSeconds(5));
	}

}

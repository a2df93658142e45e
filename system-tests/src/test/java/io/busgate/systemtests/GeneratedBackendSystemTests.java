package io.busgate.systemtests;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.reactive.function.client.WebClient;

import io.busgate.bridge.grpc.GrpcBridgeApplication;
import io.busgate.bridge.thrift.ThriftBridgeApplication;
import io.busgate.generator.BusgateGenerator;
import io.busgate.systemtests.generated.GardenThriftBackend;
import io.busgate.systemtests.generated.GreenhouseBackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GIVEN a gRPC service and a Thrift service Busgate was never built with ({@link GreenhouseBackend}
 * by server reflection, {@link GardenThriftBackend} by its IDL); WHEN the generator's command
 * writes their schema fragments and routes, generic bridges start with the routes and a gateway
 * with the fragments (plus a hand-written link); THEN queries over both answer what the backends
 * hold, a query level asking for many is one backend call, and a mutation with an idempotency key
 * acts once.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GeneratedBackendSystemTests extends SystemTestSupport {

	@TempDir
	static Path generated;

	private static final GreenhouseBackend greenhouse = new GreenhouseBackend();

	private static final GardenThriftBackend garden = new GardenThriftBackend();

	private static final List<ConfigurableApplicationContext> apps = new ArrayList<>();

	private static String gatewayUrl;

	@BeforeAll
	static void generateAndServe() throws Exception {
		greenhouse.start();
		int gardenPort = garden.start();
		generate("--grpc", greenhouse.target(), "--service", "greenhouse", "--prefix", "Greenhouse");
		generate("--thrift", "src/test/thrift/garden.thrift", "--service", "garden", "--prefix", "Garden", "--bridge",
				"host=127.0.0.1", "--bridge", "port=" + gardenPort);
		// What no IDL says: which plants grow in a bed, the link a user writes by hand.
		Files.writeString(generated.resolve("links.graphqls"), """
				extend type GreenhouseBed {
				  plants: [GreenhousePlant!] @bus(operation: "greenhouse.listPlantsByBed", key: "id")
				}
				""");
		apps.add(stack.startBridge(GrpcBridgeApplication.application(), generated.resolve("greenhouse.yml")));
		apps.add(stack.startBridge(ThriftBridgeApplication.application(), generated.resolve("garden.yml")));
		ConfigurableApplicationContext gateway = stack.startGateway("generated-tests",
				"--spring.graphql.schema.locations=classpath:graphql/**/,file:" + generated + "/");
		apps.add(gateway);
		gatewayUrl = BusgateStack.url(gateway);
		await().atMost(Duration.ofSeconds(30)).until(() -> isReady(WebClient.create(gatewayUrl)));
	}

	@AfterAll
	static void stop() throws Exception {
		for (ConfigurableApplicationContext app : apps) {
			app.close();
		}
		greenhouse.close();
		garden.close();
	}

	private static void generate(String... args) {
		List<String> command = new ArrayList<>(List.of("generate", "--out", generated.toString()));
		command.addAll(List.of(args));
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int status = BusgateGenerator.run(new PrintWriter(out), new PrintWriter(err), command.toArray(String[]::new));
		assertThat(status).as("generate %s: %s%s", command, out, err).isZero();
	}

	@Test
	void theGeneratorSaysWhatItFoundAndWritesBothFiles() throws Exception {
		assertThat(Files.readString(generated.resolve("greenhouse.graphqls"))).contains(
				"greenhousePlants(ids: [ID!]!): [GreenhousePlant]! @bus(operation: \"greenhouse.getPlants\", key: \"ids\")",
				"greenhouseAddPlant(input: GreenhouseAddPlantInput!): GreenhousePlant! @bus(operation: \"greenhouse.addPlant\")",
				"enum GreenhouseStage {");
		assertThat(Files.readString(generated.resolve("garden.yml"))).contains("\"[garden.getPlants]\":",
				"call: getPlants", "keys-field: ids", "item-key-field: id");
	}

	@Test
	void aGrpcServiceNeverSeenAnswersThroughTheBusOneCallPerLevel() {
		int getBeds = greenhouse.calls("GetBeds");
		int listPlantsByBed = greenhouse.calls("ListPlantsByBed");

		Map<String, Object> response = postQuery(gatewayUrl, """
				{ greenhouseBeds(ids: ["b1", "b2", "nope"]) { name plants { name stage species { genus } care { light } tags } } }
				""", Map.of(), "7");

		assertThat(response).doesNotContainKey("errors");
		assertThat(response.get("data")).isEqualTo(Map.of("greenhouseBeds", Arrays.asList(
				Map.of("name", "Herbs", "plants", List.of(
						plant("Basil", "GROWING", "Ocimum", "FULL_SUN", List.of("kitchen", "annual")),
						plant("Mint", "FLOWERING", "Mentha", "PARTIAL", List.of("kitchen")),
						plant("Thyme", "SEEDLING", "Thymus", "FULL_SUN", List.of("kitchen", "perennial")))),
				Map.of("name", "Roses", "plants", List.of(plant("Rose", "FLOWERING", "Rosa", "FULL_SUN", List.of()))),
				null)));
		assertThat(greenhouse.calls("GetBeds") - getBeds).as("calls for the beds level").isOne();
		assertThat(greenhouse.calls("ListPlantsByBed") - listPlantsByBed).as("calls for the plants level, two beds")
			.isOne();
	}

	@Test
	void aThriftServiceNeverSeenAnswersThroughTheBusOneCallPerLevel() {
		int getPlants = garden.calls("getPlants");

		Map<String, Object> response = postQuery(gatewayUrl, """
				{ tomato: gardenPlant(id: "p1") { species health bed { name row } care { notes } plantedAt }
				  gardenPlants(ids: ["p3", "p9"]) { species companionIds } }
				""", Map.of(), "7");

		assertThat(response).doesNotContainKey("errors");
		assertThat(response.get("data")).isEqualTo(Map.of("tomato",
				Map.of("species", "tomato", "health", "THRIVING", "bed", Map.of("name", "north", "row", 1), "care",
						Map.of("notes", List.of("stake it")), "plantedAt", GardenThriftBackend.PLANTED_AT),
				"gardenPlants", Arrays.asList(Map.of("species", "marigold", "companionIds", List.of()), null)));
		assertThat(garden.calls("getPlants") - getPlants).as("calls for one level of two fields").isOne();
	}

	@Test
	void aGeneratedMutationActsOncePerIdempotencyKey() {
		String addPlant = """
				mutation { greenhouseAddPlant(input: { name: "Sage", stage: SEEDLING, bedId: "b3",
				  species: { genus: "Salvia", epithet: "officinalis" }, idempotencyKey: "sage-1" }) { id name bedId } }
				""";

		Map<String, Object> first = postQuery(gatewayUrl, addPlant, Map.of(), "7");
		Map<String, Object> again = postQuery(gatewayUrl, addPlant, Map.of(), "7");

		assertThat(first).doesNotContainKey("errors");
		assertThat(again.get("data")).isEqualTo(first.get("data"));
		assertThat(greenhouse.plants().values()).filteredOn((plant) -> plant.getName().equals("Sage")).hasSize(1);
	}

	@Test
	void aGeneratedMutationNeedsACaller() {
		Map<String, Object> response = WebClient.create(gatewayUrl)
			.post()
			.uri("/graphql")
			.bodyValue(Map.of("query", "mutation { gardenAddPlant(input: { species: \"fern\", bed: { name: \"west\", row: 1 } }) { id } }"))
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(20));

		assertThat(response).extractingByKey("errors")
			.asString()
			.contains("UNAUTHENTICATED");
		assertThat(garden.calls("addPlant")).isZero();
	}

	private static Map<String, Object> plant(String name, String stage, String genus, String light, List<String> tags) {
		return Map.of("name", name, "stage", stage, "species", Map.of("genus", genus), "care", Map.of("light", light),
				"tags", tags);
	}

}

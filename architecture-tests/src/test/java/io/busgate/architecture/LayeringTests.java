package io.busgate.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Which module may depend on which (DESIGN.md, "Modules"), on the main classes of every module.
 * Each module has packages of its own, so packages name the modules here. A rule whose
 * {@code that()} matches no class fails (ArchUnit's {@code failOnEmptyShould}), so a package
 * renamed away cannot make a rule pass by matching nothing.
 */
@AnalyzeClasses(packages = "io.busgate", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTests {

	static final String BACKEND_CONTRACT = "io.busgate.backend..";

	static final String BUS_CORE = "io.busgate.bus..";

	static final String GATEWAY = "io.busgate.gateway..";

	/** bridge-core ({@code io.busgate.bridge}) and the protocol bridges (its subpackages). */
	static final String BRIDGES = "io.busgate.bridge..";

	static final String EXAMPLE_SERVICES = "io.busgate.examples..";

	static final String REPLAY = "io.busgate.replay..";

	static final String BENCH = "io.busgate.bench..";

	static final String GENERATOR = "io.busgate.generator..";

	static final String THRIFT_IDL = "io.busgate.thrift.idl..";

	static final String GRPC_DESCRIPTORS = "io.busgate.grpc.descriptors..";

	@ArchTest
	static final ArchRule gatewayDependsOnNoBridgeAndNoExampleService = noClasses().that()
		.resideInAPackage(GATEWAY)
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage(BRIDGES, EXAMPLE_SERVICES);

	@ArchTest
	static final ArchRule exampleServicesDependOnNeitherBusCoreNorGatewayNorBridge = noClasses().that()
		.resideInAPackage(EXAMPLE_SERVICES)
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage(BUS_CORE, GATEWAY, BRIDGES);

	@ArchTest
	static final ArchRule bridgesDependOnNoExampleService = noClasses().that()
		.resideInAPackage(BRIDGES)
		.should()
		.dependOnClassesThat()
		.resideInAPackage(EXAMPLE_SERVICES);

	@ArchTest
	static final ArchRule busCoreDependsOnNoneOfItsUsers = noClasses().that()
		.resideInAPackage(BUS_CORE)
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage(GATEWAY, BRIDGES, EXAMPLE_SERVICES, REPLAY, BENCH, "io.busgate.observability..");

	@ArchTest
	static final ArchRule backendContractNeedsOnlyTheJdk = classes().that()
		.resideInAPackage(BACKEND_CONTRACT)
		.should()
		.onlyDependOnClassesThat()
		.resideInAnyPackage(BACKEND_CONTRACT, "java..");

	/** thrift-idl: the Thrift bridge and the generator share it; it needs nothing of either. */
	@ArchTest
	static final ArchRule thriftIdlNeedsOnlyTheJdk = classes().that()
		.resideInAPackage(THRIFT_IDL)
		.should()
		.onlyDependOnClassesThat()
		.resideInAnyPackage(THRIFT_IDL, "java..");

	/** grpc-descriptors: the gRPC bridge and the generator share it; it needs only protobuf-java. */
	@ArchTest
	static final ArchRule grpcDescriptorsNeedOnlyProtobuf = classes().that()
		.resideInAPackage(GRPC_DESCRIPTORS)
		.should()
		.onlyDependOnClassesThat()
		.resideInAnyPackage(GRPC_DESCRIPTORS, "com.google.protobuf..", "java..");

	/**
	 * The generator reads descriptions and writes text: it knows no bus, gateway, bridge or
	 * example service; only the IDL and descriptor readers it shares with the bridges, and the
	 * bridge-backend contract.
	 */
	@ArchTest
	static final ArchRule generatorKnowsNoBusGatewayBridgeOrExampleService = noClasses().that()
		.resideInAPackage(GENERATOR)
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage(BUS_CORE, GATEWAY, BRIDGES, EXAMPLE_SERVICES, REPLAY, BENCH,
				"io.busgate.observability..");

	@ArchTest
	static final ArchRule noPackageCycles = slices().matching("io.busgate.(**)").should().beFreeOfCycles();

}

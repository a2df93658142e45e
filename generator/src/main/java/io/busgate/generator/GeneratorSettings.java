package io.busgate.generator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.busgate.generator.model.Conventions;

/**
 * How to name and bind what a source describes: the settings a user commits beside the generated
 * files, read from YAML ({@code generate --settings <file>}) and overridden by the command's
 * options.
 *
 * @param service the bus service the backend is behind: its operations are
 * {@code <service>.<name>}, its requests go to {@code <service>.requests}; required
 * @param prefix put before every generated type name ({@code Blog} makes {@code Post} a
 * {@code BlogPost}) and every root field name ({@code blogPost}), so that two sources cannot
 * clash; empty for none
 * @param mutationNames a regular expression: a gRPC method or Thrift function whose name, first
 * letter in lower case, matches is a mutation ({@link Conventions#DEFAULT_MUTATION_NAMES} when
 * absent)
 * @param idempotencyKeyField the request field that carries a mutation's idempotency key, and the
 * argument or input field a client gives it in ({@code idempotencyKey} when absent)
 * @param source where the backend's description is read from (one of its members)
 * @param bridge the bridge's protocol settings written into the routes, over those read from the
 * source ({@code target}, {@code base-url}, {@code host}, {@code port}, {@code idl},
 * {@code service}); an empty value leaves the source's setting out
 * @param operations per operation, by its name in the source: how to name and guard it
 * @param schema the SDL file to write; {@code <out>/<service>.graphqls} when absent
 * @param routes the routes file to write; {@code <out>/<service>.yml} when absent
 */
public record GeneratorSettings(String service, String prefix, String mutationNames, String idempotencyKeyField,
		Source source, Map<String, String> bridge, Map<String, OperationSettings> operations, String schema,
		String routes) {

	public GeneratorSettings {
		prefix = (prefix != null) ? prefix : "";
		idempotencyKeyField = (idempotencyKeyField != null) ? idempotencyKeyField : "idempotencyKey";
		source = (source != null) ? source : new Source(null, null, null, null, null, null);
		bridge = (bridge != null) ? Map.copyOf(bridge) : Map.of();
		operations = (operations != null) ? new LinkedHashMap<>(operations) : Map.of();
	}

	public static GeneratorSettings forService(String service) {
		return new GeneratorSettings(service, null, null, null, null, null, null, null, null);
	}

	/** The conventions the source readers classify operations by. */
	public Conventions conventions() {
		Pattern names = (this.mutationNames != null) ? Pattern.compile(this.mutationNames)
				: Conventions.DEFAULT_MUTATION_NAMES;
		return new Conventions(names, this.idempotencyKeyField);
	}

	OperationSettings operation(String sourceName) {
		return this.operations.getOrDefault(sourceName, OperationSettings.NONE);
	}

	/**
	 * Where a backend's description is read from: exactly one of {@code grpc},
	 * {@code descriptorSet}, {@code thrift} and {@code openapi}.
	 *
	 * @param grpc {@code host:port} of a gRPC server that serves reflection
	 * @param descriptorSet a protobuf {@code FileDescriptorSet} file (protoc
	 * {@code --descriptor_set_out --include_imports})
	 * @param grpcService the full name of the gRPC service to read ({@code pkg.Service}); needed
	 * only when the source has several
	 * @param thrift a Thrift IDL file
	 * @param thriftService the IDL's service to read; needed only when it has several
	 * @param openapi an OpenAPI 3 document, a file or an http(s) URL
	 */
	public record Source(String grpc, String descriptorSet, String grpcService, String thrift, String thriftService,
			String openapi) {
	}

	/**
	 * What to do with one operation.
	 *
	 * @param name the operation's bus name, after the service's ({@code listByAuthor} in
	 * {@code post.listByAuthor}); the source name with its first letter in lower case when absent
	 * @param skip leave the operation out: no route, no field
	 * @param field the root field's name, instead of the one the generator picks
	 * @param listField for a batched lookup of single objects, the name of the root field taking a
	 * list of keys; {@code "-"} for none
	 * @param authSubject {@code @auth(subject:)} on its fields: where the caller's own id belongs
	 * ({@code input.authorId}); that input field or argument becomes optional, since the gateway fills
	 * it in
	 * @param authReaders {@code @auth(readers:)} on its single-object field: the result's fields one
	 * of which must be the caller's id
	 */
	public record OperationSettings(String name, boolean skip, String field, String listField, String authSubject,
			List<String> authReaders) {

		static final OperationSettings NONE = new OperationSettings(null, false, null, null, null, null);

	}

}

package io.busgate.generator;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

import io.busgate.generator.model.ServiceModel;

/**
 * Turns what a source reader found ({@link ServiceModel}) and the user's
 * {@link GeneratorSettings} into a schema fragment and the bridge's routes: one route per
 * operation, and its root fields. A batched lookup of single objects gets two fields, one by key
 * ({@code post(id:)}) and one by a list of keys ({@code posts(ids:)}), both bound with
 * {@code @bus(operation:, key:)} so that a query level asking for many is one record; any other
 * batched lookup gets one field by key; a keyless query one field with its arguments; a mutation
 * one field whose {@code input} (or arguments) carries an {@code idempotencyKey}.
 */
public final class Generator {

	private static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]*");

	private Generator() {
	}

	/**
	 * Generates the two files.
	 * @throws IllegalArgumentException for settings that do not fit the source (an unknown
	 * operation, two fields of one name, ...), saying which
	 */
	public static Generated generate(ServiceModel model, GeneratorSettings settings) {
		String service = settings.service();
		if (service == null || !SERVICE_NAME.matcher(service).matches()) {
			throw new IllegalArgumentException("The service name must be lower case letters, digits and '-', "
					+ "starting with a letter (it names the topic <service>.requests), was " + service);
		}
		Set<String> known = new LinkedHashSet<>();
		model.operations().forEach((operation) -> known.add(operation.sourceName()));
		for (String named : settings.operations().keySet()) {
			if (!known.contains(named)) {
				throw new IllegalArgumentException("The settings name operation '" + named + "', which "
						+ model.origin() + " does not have; it has " + String.join(", ", known));
			}
		}
		Plan plan = new Plan(model, settings);
		model.operations().forEach(plan::add);
		model.skipped().forEach((skipped) -> plan.findings.add("left out: " + skipped));
		if (plan.routes.isEmpty()) {
			throw new IllegalArgumentException(model.origin() + " has no operation to serve"
					+ (model.skipped().isEmpty() ? "" : " (left out: " + String.join("; ", model.skipped()) + ")"));
		}
		return new Generated(new SchemaWriter(plan).write(), new RoutesWriter(plan).write(), plan.findings);
	}

}

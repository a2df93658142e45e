package io.busgate.generator;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.busgate.generator.Plan.Route;
import io.busgate.generator.model.Batch;
import io.busgate.generator.model.Operation;

/**
 * Writes a plan's bridge routes: {@code busgate.bridge.service}, the protocol's settings and one
 * route per operation in bridge-core's format (its README, "Routes"), each under a comment saying
 * what the operation was taken for.
 */
final class RoutesWriter {

	/** A YAML plain scalar that needs no quotes: no indicator at the start, no ": " or " #" inside. */
	private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./][^:#'\"{}\\[\\],&*!|>%@`]*");

	private final Plan plan;

	private final StringBuilder out = new StringBuilder();

	RoutesWriter(Plan plan) {
		this.plan = plan;
	}

	String write() {
		this.out.append("# Generated from ").append(this.plan.model.origin()).append(": the routes of '")
			.append(this.plan.settings.service()).append("' for the ").append(this.plan.model.protocol())
			.append("-bridge,\n");
		this.out.append("# passed as --spring.config.import=file:<this file> (the format: bus-adapters/bridge-core/README.md).\n");
		this.out.append("# Regenerate rather than edit. Operation names contain dots, so each is bracketed to stay one key.\n");
		this.out.append("busgate:\n  bridge:\n");
		line(4, "service", this.plan.settings.service());
		Map<String, String> protocolSettings = new TreeMap<>(this.plan.model.bridgeSettings());
		protocolSettings.putAll(this.plan.settings.bridge());
		protocolSettings.values().removeIf(String::isEmpty);
		if (!protocolSettings.isEmpty()) {
			this.out.append("    ").append(this.plan.model.protocol()).append(":\n");
			protocolSettings.forEach((name, value) -> line(6, name, value));
		}
		if (this.plan.routes.isEmpty()) {
			return this.out.toString();
		}
		this.out.append("    routes:\n");
		for (Route route : this.plan.routes) {
			Operation operation = route.source();
			this.out.append("      # ").append(operation.sourceName()).append(": ").append(kind(operation)).append('\n');
			this.out.append("      \"[").append(route.operation()).append("]\":\n");
			line(8, "call", operation.call());
			Batch batch = operation.batch();
			if (batch != null) {
				line(8, "keys-field", batch.keysField());
				line(8, "items-field", batch.itemsField());
				line(8, "item-key-field", batch.itemKeyField());
				line(8, "item-value-field", batch.itemValueField());
			}
			line(8, "args-field", operation.argsField());
			line(8, "idempotency-key-field", operation.idempotencyKeyField());
		}
		return this.out.toString();
	}

	private static String kind(Operation operation) {
		if (operation.batch() != null) {
			return "a batched lookup: " + operation.batch().reason();
		}
		return (operation.mutation() ? "a mutation: " : "a query: ") + operation.kindReason();
	}

	private void line(int indent, String name, String value) {
		if (value == null) {
			return;
		}
		this.out.append(" ".repeat(indent)).append(name).append(": ").append(scalar(value)).append('\n');
	}

	static String scalar(String value) {
		if (PLAIN.matcher(value).matches() && !value.endsWith(" ") && !isYamlKeyword(value)) {
			return value;
		}
		return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
	}

	private static boolean isYamlKeyword(String value) {
		return switch (value.toLowerCase(java.util.Locale.ROOT)) {
			case "true", "false", "yes", "no", "on", "off", "null", "~" -> true;
			default -> false;
		};
	}

}

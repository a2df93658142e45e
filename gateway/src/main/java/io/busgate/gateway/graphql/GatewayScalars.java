package io.busgate.gateway.graphql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.ArrayValue;
import graphql.language.AstPrinter;
import graphql.language.BooleanValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.NullValue;
import graphql.language.ObjectField;
import graphql.language.ObjectValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;

/**
 * The scalars every schema may use ({@code scalar Long}, {@code scalar JSON} in
 * {@code busgate.graphqls}): {@code Long} for 64-bit integers, which protobuf's JSON carries as
 * strings and GraphQL's {@code Int} cannot hold; {@code JSON} for values GraphQL cannot type (maps,
 * protobuf {@code Struct}). A client's bad input is refused with {@code extensions.code}
 * {@value #INVALID_ARGUMENT}.
 */
final class GatewayScalars {

	static final String INVALID_ARGUMENT = "INVALID_ARGUMENT";

	/** A backend answered what the schema cannot carry: the backend's fault, not the client's. */
	static final String INTERNAL = "INTERNAL";

	static final GraphQLScalarType LONG = GraphQLScalarType.newScalar()
		.name("Long")
		.description("A 64-bit integer: a JSON number out; in, an Int literal, a JSON number or a string of digits.")
		.coercing(new LongCoercing())
		.build();

	static final GraphQLScalarType JSON = GraphQLScalarType.newScalar()
		.name("JSON")
		.description("Any JSON value (object, array, string, number, boolean, null), passed through as it is.")
		.coercing(new JsonCoercing())
		.build();

	private GatewayScalars() {
	}

	/** A JSON number out; in, an Int literal, a JSON number without fraction, or a string of digits. */
	private static final class LongCoercing implements Coercing<Long, Long> {

		@Override
		public Long serialize(Object value, GraphQLContext context, Locale locale) {
			Long result = toLong(value);
			if (result == null) {
				throw CoercingSerializeException.newCoercingSerializeException()
					.message("Expected a 64-bit integer for Long but got " + describe(value))
					.extensions(Map.of("code", INTERNAL))
					.build();
			}
			return result;
		}

		@Override
		public Long parseValue(Object input, GraphQLContext context, Locale locale) {
			Long result = toLong(input);
			if (result == null) {
				throw CoercingParseValueException.newCoercingParseValueException()
					.message("Long must be a 64-bit integer or a string of digits, not " + describe(input))
					.extensions(Map.of("code", INVALID_ARGUMENT))
					.build();
			}
			return result;
		}

		@Override
		public Long parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
			Long result = null;
			if (input instanceof IntValue number) {
				result = toLong(number.getValue());
			}
			else if (input instanceof StringValue string) {
				result = toLong(string.getValue());
			}
			if (result == null) {
				throw CoercingParseLiteralException.newCoercingParseLiteralException()
					.message("Long must be a 64-bit integer or a string of digits, not " + AstPrinter.printAst(input))
					.extensions(Map.of("code", INVALID_ARGUMENT))
					.build();
			}
			return result;
		}

		@Override
		public Value<?> valueToLiteral(Object input, GraphQLContext context, Locale locale) {
			return new IntValue(BigInteger.valueOf(parseValue(input, context, locale)));
		}

		private static Long toLong(Object value) {
			try {
				if (value instanceof Long number) {
					return number;
				}
				if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
					return ((Number) value).longValue();
				}
				if (value instanceof BigInteger number) {
					return number.longValueExact();
				}
				if (value instanceof Number number) {
					return new BigDecimal(number.toString()).longValueExact();
				}
				if (value instanceof String string) {
					return Long.parseLong(string.trim());
				}
			}
			catch (ArithmeticException | NumberFormatException ex) {
				// out of range, a fraction or not a number: refused below
			}
			return null;
		}

	}

	/** Passed through as it is; a literal becomes the maps, lists and values it spells. */
	private static final class JsonCoercing implements Coercing<Object, Object> {

		@Override
		public Object serialize(Object value, GraphQLContext context, Locale locale) {
			return value;
		}

		@Override
		public Object parseValue(Object input, GraphQLContext context, Locale locale) {
			return input;
		}

		@Override
		public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
			return toJava(input, variables);
		}

		@Override
		public Value<?> valueToLiteral(Object input, GraphQLContext context, Locale locale) {
			return toLiteral(input);
		}

		private static Object toJava(Value<?> value, CoercedVariables variables) {
			if (value instanceof NullValue) {
				return null;
			}
			if (value instanceof StringValue string) {
				return string.getValue();
			}
			if (value instanceof BooleanValue bool) {
				return bool.isValue();
			}
			if (value instanceof IntValue number) {
				BigInteger integer = number.getValue();
				return (integer.bitLength() < 64) ? (Object) integer.longValue() : integer;
			}
			if (value instanceof FloatValue number) {
				return number.getValue();
			}
			if (value instanceof ArrayValue array) {
				List<Object> list = new ArrayList<>();
				array.getValues().forEach((element) -> list.add(toJava(element, variables)));
				return list;
			}
			if (value instanceof ObjectValue object) {
				Map<String, Object> map = new LinkedHashMap<>();
				object.getObjectFields().forEach((field) -> map.put(field.getName(), toJava(field.getValue(), variables)));
				return map;
			}
			if (value instanceof VariableReference variable) {
				return variables.get(variable.getName());
			}
			throw CoercingParseLiteralException.newCoercingParseLiteralException()
				.message("JSON takes objects, lists, strings, numbers, booleans and null, not " + AstPrinter.printAst(value))
				.extensions(Map.of("code", INVALID_ARGUMENT))
				.build();
		}

		private static Value<?> toLiteral(Object value) {
			if (value == null) {
				return NullValue.of();
			}
			if (value instanceof String string) {
				return StringValue.of(string);
			}
			if (value instanceof Boolean bool) {
				return BooleanValue.of(bool);
			}
			if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
				return new IntValue(BigInteger.valueOf(((Number) value).longValue()));
			}
			if (value instanceof BigInteger integer) {
				return new IntValue(integer);
			}
			if (value instanceof Number number) {
				return new FloatValue(new BigDecimal(number.toString()));
			}
			if (value instanceof Map<?, ?> map) {
				List<ObjectField> fields = new ArrayList<>();
				map.forEach((name, element) -> fields.add(new ObjectField(String.valueOf(name), toLiteral(element))));
				return ObjectValue.newObjectValue().objectFields(fields).build();
			}
			if (value instanceof Iterable<?> iterable) {
				List<Value> values = new ArrayList<>();
				iterable.forEach((element) -> values.add(toLiteral(element)));
				return ArrayValue.newArrayValue().values(values).build();
			}
			throw new CoercingSerializeException("JSON cannot carry a " + value.getClass().getSimpleName());
		}

	}

	private static String describe(Object value) {
		return (value instanceof String string) ? "\"" + string + "\"" : String.valueOf(value);
	}

}

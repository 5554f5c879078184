// `Long`: slots, change indices, lamports and unix times are 64-bit on chain, and GraphQL's `Int`
// is 32-bit (a slot past 2^31 broke `status`). A Long is a JSON number, exact up to 2^53 − 1
// (a slot there is a billion years away); a value that would be rounded is refused instead.
// Input: an integer literal, a JSON number or a decimal string.
import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

function toLong(value: unknown): number {
  const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n === "bigint" && n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER))
    return Number(n);
  if (typeof n !== "number" || !Number.isSafeInteger(n))
    throw new GraphQLError(`Long must be an integer within ±(2^53 − 1), got ${String(value)}`);
  return n;
}

export const LongScalar = new GraphQLScalarType({
  name: "Long",
  description: "A 64-bit integer (slot, change index, lamports, unix time) as a JSON number, exact up to 2^53 − 1.",
  serialize: toLong,
  parseValue: toLong,
  parseLiteral(ast) {
    if (ast.kind === Kind.INT || ast.kind === Kind.STRING) return toLong(ast.value);
    throw new GraphQLError(`Long must be an integer, got a ${ast.kind}`);
  },
});

/**
 * `BigInt`: the scalar OpenAPI `integer` + `int64` becomes. A 64-bit integer does not fit
 * GraphQL's `Int` (32 bits), and as a `Float` it loses digits past 2^53 and prints as `1e+21`;
 * as a string, every client reads it exactly. Output: the API's number or numeric string, as a
 * string. A number past 2^53 is exact only if the answer was read without doubles: on Node 21 and
 * later (json.ts); on Node 20 it has lost digits in `JSON.parse`, before this scalar sees it (an
 * API that sends int64 values as strings keeps every digit). Input: a number or a numeric string, sent to the API as a JSON number while it is exact
 * (up to 2^53), as the string beyond. Declared once, in the generated SDL; these functions are its
 * implementation in every REST subgraph whose SDL declares `scalar BigInt`.
 */
import { GraphQLError, Kind, type ValueNode } from 'graphql';

export const BIG_INT = 'BigInt';
const INTEGER = /^-?\d+$/;

function toText(value: unknown): string | undefined {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value).toString();
  if (typeof value === 'string' && INTEGER.test(value)) return value;
  return undefined;
}

function toInput(value: unknown): number | string {
  const text = toText(value);
  if (text === undefined)
    throw new GraphQLError(`BigInt takes an integer or a string of digits, not ${String(value)}`);
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

/** The scalar's functions, as `makeExecutableSchema` takes them for a scalar type. */
export const bigIntScalar = {
  serialize(value: unknown): string {
    const text = toText(value);
    if (text === undefined) throw new GraphQLError(`BigInt cannot represent ${JSON.stringify(value)}`);
    return text;
  },
  parseValue: toInput,
  parseLiteral(node: ValueNode): number | string {
    if (node.kind === Kind.INT || node.kind === Kind.STRING) return toInput(node.value);
    throw new GraphQLError(`BigInt takes an integer or a string of digits, not a ${node.kind}`);
  },
};

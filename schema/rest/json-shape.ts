/**
 * Between GraphQL names and JSON names. Objects from the REST API stay as they came (resolvers read
 * `@map`ped names from them); what goes out (bodies) and what comes in from other subgraphs
 * (representations) is renamed here.
 */
import {
  type GraphQLArgument,
  type GraphQLInputType,
  isInputObjectType,
  isListType,
  isNonNullType,
} from 'graphql';
import { jsonName, type RestModel } from './model.ts';

/** An input value (argument) as the JSON the API expects: input fields renamed by `@map`. */
export function inputToJson(model: RestModel, value: unknown, type: GraphQLInputType): unknown {
  if (value === null || value === undefined) return value;
  if (isNonNullType(type)) return inputToJson(model, value, type.ofType);
  if (isListType(type)) {
    return Array.isArray(value) ? value.map((v) => inputToJson(model, v, type.ofType)) : value;
  }
  if (isInputObjectType(type) && typeof value === 'object') {
    const fields = type.getFields();
    const out: Record<string, unknown> = {};
    for (const [name, fieldValue] of Object.entries(value)) {
      const field = fields[name];
      out[jsonName(model, type.name, name)] = field ? inputToJson(model, fieldValue, field.type) : fieldValue;
    }
    return out;
  }
  // Enum values already arrive as their JSON values (the `@map` values are their internal values).
  return value;
}

/** All arguments of a field as one JSON object (the default body of POST, PUT and PATCH). */
export function argsToJson(
  model: RestModel,
  args: Record<string, unknown>,
  defs: readonly GraphQLArgument[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of defs) {
    if (args[def.name] !== undefined) out[def.name] = inputToJson(model, args[def.name], def.type);
  }
  return out;
}

/** A representation from another subgraph (`{ __typename, id }`) with its fields' JSON names. */
export function representationToJson(
  model: RestModel,
  typeName: string,
  representation: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(representation)) {
    out[name === '__typename' ? name : jsonName(model, typeName, name)] = value;
  }
  return out;
}

/**
 * A field value of an entity type: a scalar (a foreign key such as `sellerId: 7`) becomes a
 * reference to the entity (`{ id: 7 }` in JSON names); objects pass as they are; lists item by item.
 */
export function toEntityReference(model: RestModel, entity: string, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => toEntityReference(model, entity, v));
  if (value === null || value === undefined || typeof value === 'object') return value;
  const key = model.entities.get(entity)?.[0];
  if (key?.length !== 1) return value;
  return { [jsonName(model, entity, key[0]!)]: value };
}

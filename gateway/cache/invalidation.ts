/**
 * What a purge names (the admin endpoint, `gatehouse cache purge`): an entity type, an entity key,
 * or an operation name, read as the tags kept answers carry (tags.ts). purges.ts makes the purges.
 * With the memory store a purge reaches this replica only; with the Redis store, every replica.
 */
import { type GraphQLSchema, isCompositeType, type SelectionSetNode } from 'graphql';
import { GatehouseError } from '../../core/errors.ts';
import { type EntityKeys, keyValue } from './entity-keys.ts';
import { stableJson } from './response-key.ts';
import { keyTag, operationTag, typeTag } from './tags.ts';

/** What to purge: `type` alone, `type` and `key`, or `operation`. */
export interface PurgeSelector {
  /** An entity (or any object) type: every answer that may hold it. */
  type?: string;
  /** With `type`: the answers holding this entity; a scalar key's value, or the key's fields. */
  key?: string | number | Record<string, unknown>;
  /** Every answer to operations of this name. */
  operation?: string;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** The schema in service, as a purge checks its selector against it. */
export interface PurgeSchema {
  schema: GraphQLSchema;
  keys: EntityKeys;
}

/**
 * The tags a selector names; BAD_USER_INPUT when it names nothing, is not one of its shapes, or
 * (with `served`) names a type the schema in service does not have, or a key of a type without
 * one. A key written as an object of one field, for a type whose key is that one field, is read
 * as its value (tags hold such keys as the bare value).
 */
export function selectorTags(selector: PurgeSelector, served?: PurgeSchema): string[] {
  const { type, key, operation } = selector;
  const tags: string[] = [];
  if (type !== undefined) {
    if (typeof type !== 'string' || !NAME.test(type))
      throw new GatehouseError(
        'BAD_USER_INPUT',
        `purge: "type" must be a GraphQL type name, not ${stableJson(type)}`,
      );
    if (served !== undefined && !isCompositeType(served.schema.getType(type)))
      throw new GatehouseError('BAD_USER_INPUT', `purge: the schema in service has no object type "${type}"`);
    if (key !== undefined && served !== undefined && !served.keys.has(type))
      throw new GatehouseError(
        'BAD_USER_INPUT',
        `purge: "${type}" is not an entity (no @key): purge it by type`,
      );
    if (key === undefined) tags.push(typeTag(type));
    else if (typeof key === 'string' || typeof key === 'number') tags.push(keyTag(type, String(key)));
    else if (typeof key === 'object' && key !== null && !Array.isArray(key))
      tags.push(keyTag(type, singleField(key, served?.keys.get(type)) ?? stableJson(key)));
    else
      throw new GatehouseError(
        'BAD_USER_INPUT',
        'purge: "key" must be a string, a number or an object of key fields',
      );
  } else if (key !== undefined) {
    throw new GatehouseError('BAD_USER_INPUT', 'purge: "key" needs the entity\'s "type"', [
      'e.g. { "type": "Product", "key": "42" }',
    ]);
  }
  if (operation !== undefined) {
    if (typeof operation !== 'string' || !NAME.test(operation))
      throw new GatehouseError(
        'BAD_USER_INPUT',
        `purge: "operation" must be an operation name, not ${stableJson(operation)}`,
      );
    tags.push(operationTag(operation));
  }
  if (tags.length === 0)
    throw new GatehouseError('BAD_USER_INPUT', 'purge: name a "type" (with a "key"), or an "operation"', [
      'e.g. { "type": "Product", "key": "42" }, { "type": "Product" }, { "operation": "TopProducts" }',
    ]);
  return tags;
}

/** `{ id: 42 }` for a type keyed by `id` alone: its value as tags hold it ("42"). */
function singleField(
  key: Record<string, unknown>,
  keys: readonly SelectionSetNode[] | undefined,
): string | undefined {
  if (keys === undefined || Object.keys(key).length !== 1) return undefined;
  for (const selection of keys) {
    if (selection.selections.length !== 1) continue;
    const value = keyValue(selection, key);
    if (value !== undefined) return value;
  }
  return undefined;
}

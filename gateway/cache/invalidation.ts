/**
 * Purging kept answers by what they hold (tags.ts): by entity type, by entity key, or by operation
 * name, from the admin endpoint and `gatehouse cache purge`, and by the answer of each mutation
 * (the entities it holds, before the mutation's answer is sent: the client's next query sees the
 * change). With the memory store a purge reaches this replica only; with the Redis store, every
 * replica.
 */
import { GatehouseError } from '../../core/errors.ts';
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

/** The tags a selector names; BAD_USER_INPUT when it names nothing or is not one of its shapes. */
export function selectorTags(selector: PurgeSelector): string[] {
  const { type, key, operation } = selector;
  const tags: string[] = [];
  if (type !== undefined) {
    if (typeof type !== 'string' || !NAME.test(type))
      throw new GatehouseError(
        'BAD_USER_INPUT',
        `purge: "type" must be a GraphQL type name, not ${stableJson(type)}`,
      );
    if (key === undefined) tags.push(typeTag(type));
    else if (typeof key === 'string' || typeof key === 'number') tags.push(keyTag(type, String(key)));
    else if (typeof key === 'object' && key !== null && !Array.isArray(key))
      tags.push(keyTag(type, stableJson(key)));
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

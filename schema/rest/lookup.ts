/**
 * Entity lookups (`__resolveReference`) through per-request DataLoaders: the references of one
 * `_entities` call (and of every call in the same client operation) are collected, then fetched
 * with ONE batch call per `maxBatchSize` keys when the type has a batch form, otherwise with
 * single calls, at most `concurrency` in flight. Loaders live in a WeakMap keyed by the operation
 * context, so nothing is shared between requests.
 */
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import { headersOfRoot, sharingKey } from '../../core/outgoing-headers.ts';
import { mapWithLimit } from '../map-limit.ts';
import { type RestTarget, sendRest } from './http.ts';
import { representationToJson } from './json-shape.ts';
import { jsonName, type RestLookup, type RestModel } from './model.ts';
import { formatValue, getPath, renderPath } from './template.ts';

/** What entity lookups need: the API, the mapping, and the cap on single calls. */
export interface EntityResolverOptions {
  target: RestTarget;
  model: RestModel;
  /** Single calls in flight per batch without a batch form. */
  concurrency: number;
}

type Key = Record<string, unknown>;

/** The `__resolveReference` of an entity type, from its lookups (none: the reference is the entity). */
export function restEntityResolver(
  typeName: string,
  lookups: readonly RestLookup[],
  options: EntityResolverOptions,
) {
  const { model } = options;
  // Per operation context, per lookup, per set of call headers: calls with different headers
  // (header rules) never share a batch.
  const loaders = new WeakMap<object, Map<string, DataLoader<Key, unknown, string>>>();

  const loaderFor = (
    context: object,
    lookup: RestLookup,
    signal: AbortSignal | undefined,
    callHeaders: Readonly<Record<string, string>>,
  ) => {
    let byKey = loaders.get(context);
    if (byKey === undefined) {
      byKey = new Map();
      loaders.set(context, byKey);
    }
    const key = `${lookups.indexOf(lookup)}\n${sharingKey(callHeaders)}`;
    let loader = byKey.get(key);
    if (loader === undefined) {
      loader = new DataLoader<Key, unknown, string>(
        (keys) => loadMany(typeName, lookup, keys, options, signal, callHeaders),
        {
          cacheKeyFn: (key) => JSON.stringify(lookup.keyFields.map((f) => key[f])),
          maxBatchSize: lookup.batch?.maxBatchSize,
        },
      );
      byKey.set(key, loader);
    }
    return loader;
  };

  return async function resolveRestReference(
    reference: Record<string, unknown>,
    context: unknown,
    info: GraphQLResolveInfo,
  ): Promise<unknown> {
    const json = representationToJson(model, typeName, reference);
    const lookup = lookups.find((l) => l.keyFields.every((f) => reference[f] != null));
    // No lookup for these key fields: the reference itself is the entity (fields come from @rest).
    if (lookup === undefined || typeof context !== 'object' || context === null) return json;
    const signal = (info as { signal?: AbortSignal }).signal;
    const entity = await loaderFor(context, lookup, signal, headersOfRoot(info.rootValue)).load(reference);
    if (entity === null || entity === undefined) return null;
    return typeof entity === 'object' ? { ...json, ...entity } : entity;
  };
}

async function loadMany(
  typeName: string,
  lookup: RestLookup,
  keys: readonly Key[],
  options: EntityResolverOptions,
  signal: AbortSignal | undefined,
  callHeaders: Readonly<Record<string, string>>,
): Promise<Array<unknown | Error>> {
  const { target, model, concurrency } = options;
  const { single, batch } = lookup;
  if (batch && (keys.length > 1 || single === undefined)) {
    const keyField = lookup.keyFields[0]!;
    const query = [[batch.parameter, formatValue(keys.map((k) => k[keyField]))] as const];
    const answer = await sendRest(
      target,
      { method: 'GET', path: batch.path, query, headers: {}, signal, callHeaders },
      true,
    );
    if (!answer.found) return keys.map(() => null);
    const items = getPath(answer.value, batch.select);
    if (!Array.isArray(items)) {
      throw gatewayError(
        'SUBGRAPH_BAD_RESPONSE',
        `${target.serviceName} answered the ${typeName} batch lookup with no list at "${batch.select.join('.') || '(root)'}"`,
        { serviceName: target.serviceName },
      );
    }
    // Matched by key, not by position: APIs return found items in any order and skip missing ones.
    const field = jsonName(model, typeName, keyField);
    const byKey = new Map<string, unknown>();
    for (const item of items) {
      const value = getPath(item, [field]);
      if (value !== undefined && value !== null) byKey.set(String(value), item);
    }
    return keys.map((k) => byKey.get(String(k[keyField])) ?? null);
  }
  if (single === undefined) return keys.map(() => null);
  return mapWithLimit(keys, concurrency, async (key) => {
    const path = renderPath(single.path, (v) => getPath(key, v.path));
    if (path === undefined) return null;
    const answer = await sendRest(
      target,
      { method: 'GET', path, query: [], headers: {}, signal, callHeaders },
      true,
    );
    return answer.found ? (getPath(answer.value, single.select) ?? null) : null;
  });
}

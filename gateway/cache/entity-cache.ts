/**
 * The entity cache (stage: subgraph, before dedup; `cache.entities`). Each subgraph's entities are
 * kept one by one, keyed by the subgraph, the selection fetched, the representation (type and
 * key), the headers forwarded to the subgraph and, for `PRIVATE` ones, the caller; each for the
 * maxAge of its type and fields (`entityPolicy`). An `_entities` call (of a federation subgraph,
 * or of a REST or plain GraphQL backend's lookups) is sent with only the representations not kept,
 * and its answer is the kept and fetched ones in the order asked; a call whose every entity is
 * kept is not sent. Calls of root fields are kept whole the same way (`rootFields`).
 *
 * Entities answered null or with an error at their path are not kept; nor is anything of a call
 * whose answer has an error without a path. Entries are tagged like answers (`type:`, `key:`): a
 * purge or a mutation drops them too. Within `staleIfError` past its maxAge, a kept entity stands
 * in when its backend fails, if every entity the call needs is kept.
 */
import { createHash, type Hash } from 'node:crypto';
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { requestOf } from '../../core/identity.ts';
import { outgoingHeaders, withHeaders } from '../../core/outgoing-headers.ts';
import type {
  ExecutorWrapper,
  SubgraphInfo,
  SubgraphRequest,
  SubgraphResult,
} from '../../core/subgraph-call.ts';
import { callKind } from '../../core/subgraph-call.ts';
import type { TelemetryEvents } from '../../core/telemetry.ts';
import {
  cacheControlOf,
  operationCacheControl,
  strictestCacheControl,
  type UpstreamCacheControl,
} from '../../core/upstream-cache-control.ts';
import type { CacheConfig } from '../config/cache-schema.ts';
import type { Logger } from '../logger/index.ts';
import {
  type CallShape,
  callShape,
  type EntityField,
  entityFieldFacts,
  rootCallPolicy,
} from './call-shape.ts';
import { type ForwardedInputs, forwardedValues } from './forwarded.ts';
import { recordServed } from './freshness.ts';
import type { Operations } from './operations.ts';
import { backendFailed, backendThrew, isCacheable } from './outcome.ts';
import { NO_OWNER, ownerFor } from './owner.ts';
import { stableJson } from './response-key.ts';
import type { CacheEntry, CacheStore } from './store/types.ts';
import { answerTags, entityTags, typeTags } from './tags.ts';
import { cappedMaxAge } from './upstream-cap.ts';

export interface EntityCacheOptions {
  config: CacheConfig;
  store: CacheStore;
  operations: Operations;
  /** The schema the operation of a call's context runs on (recorded by the response cache room). */
  schemaOf(context: unknown): GraphQLSchema | undefined;
  forwarded: ForwardedInputs;
  logger: Logger;
  now: () => number;
  /** Told each lookup's outcome (metrics), when set. @default undefined */
  events?: TelemetryEvents;
}

/** Changes when what a key covers changes: entries of older gateways are then never read. */
const KEY_VERSION = 'gatehouse-entity-1';

/** One entity a call asks for, when it may be kept. */
interface Slot {
  key: string;
  maxAge: number;
  /** Kept for every caller (not a caller's own). */
  shared: boolean;
  /** Its tags, worked out when it is kept (from what was fetched). */
  tags: (value: unknown) => string[];
  /** The entry found, fresh or stale. */
  entry?: CacheEntry;
}

export function entityCacheStep(options: EntityCacheOptions, subgraph: SubgraphInfo): ExecutorWrapper {
  const { config, store, operations, now, logger } = options;
  // Entities are never refreshed in the background: kept past maxAge for staleIfError only.
  const staleFor = config.staleIfError;
  const fresh = (entry: CacheEntry) => now() - entry.storedAt < entry.maxAge * 1000;
  /** Seconds of freshness `entry` has left (negative once stale). */
  const remaining = (entry: CacheEntry) => entry.maxAge - (now() - entry.storedAt) / 1000;
  const usable = (entry: CacheEntry) => now() - entry.storedAt < (entry.maxAge + config.staleIfError) * 1000;

  /** What the subgraph said of an answer (`subgraphCacheControl: cap`), else nothing. */
  const saidOf = (result: SubgraphResult, context: unknown): UpstreamCacheControl | undefined => {
    if (config.subgraphCacheControl !== 'cap') return undefined;
    // The call's own header (a federation subgraph's); with what the operation's calls said so
    // far, which covers a plain GraphQL service's delegated calls (stricter: never laxer).
    const operation = operationCacheControl(context);
    const own = cacheControlOf(result);
    return own === undefined ? operation : strictestCacheControl(operation, own);
  };

  const keep = (slot: Slot, value: unknown, startedAt: number, said: UpstreamCacheControl | undefined) => {
    const maxAge = cappedMaxAge(slot.maxAge, said, slot.shared);
    if (maxAge <= 0) return;
    const body = JSON.stringify(value);
    if (Buffer.byteLength(body) > config.response.maxEntryBytes) return;
    // Fresh from when it was asked for: never longer than its maxAge allows.
    const entry: CacheEntry = { body, storedAt: startedAt, maxAge, etag: '' };
    const written = store.set(slot.key, entry, (maxAge + staleFor) * 1000, slot.tags(value), startedAt);
    if (written instanceof Promise)
      written.catch((error: unknown) => logger.warn('cache: an entity could not be kept', { error }));
  };

  const lookUp = async (slots: readonly (Slot | undefined)[]): Promise<void> => {
    const found = slots.map((slot) => (slot === undefined ? undefined : store.get(slot.key)));
    const entries = found.some((f) => f instanceof Promise) ? await Promise.all(found) : found;
    entries.forEach((entry, i) => {
      const slot = slots[i];
      if (slot !== undefined && entry !== undefined) slot.entry = entry as CacheEntry;
    });
  };

  /** A hash of the parts of every key of this call but the entity's own (`copy()` it per key). */
  const callHash = (schema: GraphQLSchema, client: Request, ...parts: string[]) =>
    createHash('sha256')
      .update(KEY_VERSION)
      .update('\0')
      .update(operations.schemaId(schema))
      .update('\0')
      .update(subgraph.name)
      .update('\0')
      .update(JSON.stringify(forwardedValues(options.forwarded, client)))
      .update('\0')
      .update(parts.join('\0'));
  /** The key of the entry of `parts` (the last ones) under `base`. */
  const keyOf = (base: Hash, ...parts: string[]) =>
    base.copy().update('\0').update(parts.join('\0')).digest('base64url');

  async function entities(
    next: (request: SubgraphRequest) => Promise<SubgraphResult>,
    request: SubgraphRequest,
    shape: Extract<CallShape, { kind: 'entities' }>,
    schema: GraphQLSchema,
    client: Request,
  ): Promise<SubgraphResult> {
    const index = operations.index(schema)!;
    const variables = request.variables ?? {};
    const lists = shape.fields.map((field) => variables[field.variable]);
    if (!lists.every(Array.isArray)) return next(request);
    const representationVariables = new Set(shape.fields.map((f) => f.variable));
    const others = stableJson(
      Object.fromEntries(Object.entries(variables).filter(([name]) => !representationVariables.has(name))),
    );
    const base = callHash(schema, client, others);
    const slotsOf = (field: EntityField, list: readonly unknown[]): (Slot | undefined)[] =>
      list.map((representation) => {
        const typeName = (representation as { __typename?: unknown } | null)?.__typename;
        if (typeof typeName !== 'string') return undefined;
        const facts = entityFieldFacts(schema, index, config.defaultMaxAge, shape, field, typeName);
        if (facts === undefined || facts.policy.maxAge <= 0) return undefined;
        const owner = ownerFor(options.forwarded, facts.policy, client);
        if (owner === NO_OWNER) return undefined;
        // The representation as sent (not key-sorted): another order of the same fields is a miss.
        const key = `entity:${keyOf(base, field.selectionHash, JSON.stringify(representation), owner ?? 'shared')}`;
        const tags = (value: unknown) =>
          entityTags(
            schema,
            index.keys,
            shape.document,
            facts.type,
            facts.selectionSet,
            representation as Record<string, unknown>,
            value,
            facts.types,
          );
        return { key, maxAge: facts.policy.maxAge, shared: owner === undefined, tags };
      });
    const slots = shape.fields.map((field, i) => slotsOf(field, lists[i] as unknown[]));
    await lookUp(slots.flat());

    // Per field, the indexes of the representations to fetch.
    const missing = slots.map((list) =>
      list.flatMap((slot, i) => (slot?.entry !== undefined && fresh(slot.entry) ? [] : [i])),
    );
    // Told once the call is decided: the entities to fetch are misses, or stale when kept ones stood in.
    const counted = (missedAs: 'miss' | 'stale') => {
      if (options.events?.cacheLookup !== undefined) countLookups(options.events, slots, missing, missedAs);
    };
    /** A kept entity served: how fresh it is goes to the response cache (freshness.ts). */
    const fromCache = (field: number, i: number): unknown => {
      const entry = slots[field]![i]!.entry!;
      recordServed(request.context, remaining(entry));
      return JSON.parse(entry.body);
    };
    if (missing.every((m) => m.length === 0)) {
      counted('miss');
      const data = Object.fromEntries(
        shape.fields.map((field, f) => [field.responseKey, slots[f]!.map((_, i) => fromCache(f, i))]),
      );
      return { data };
    }
    /** Every entity to fetch is kept (stale): the answer when the backend fails. */
    const staleAnswer = (): SubgraphResult | undefined => {
      const covered = missing.every((list, f) =>
        list.every((i) => slots[f]![i]?.entry !== undefined && usable(slots[f]![i]!.entry!)),
      );
      if (!covered) return undefined;
      return {
        data: Object.fromEntries(
          shape.fields.map((field, f) => [field.responseKey, slots[f]!.map((_, i) => fromCache(f, i))]),
        ),
      };
    };

    const sent: Record<string, unknown> = { ...variables };
    shape.fields.forEach((field, f) => {
      sent[field.variable] = missing[f]!.map((i) => (lists[f] as unknown[])[i]);
    });
    let result: SubgraphResult;
    const startedAt = now();
    try {
      result = await next(withVariables(request, sent));
    } catch (error) {
      const stale = backendThrew(error) ? staleAnswer() : undefined;
      counted(stale === undefined ? 'miss' : 'stale');
      if (stale !== undefined) return stale;
      throw error;
    }
    if ((result.data === undefined || result.data === null) && backendFailed(result)) {
      const stale = staleAnswer();
      if (stale !== undefined) {
        counted('stale');
        return stale;
      }
    }
    counted('miss');
    const said = saidOf(result, request.context);
    return merged(shape, slots, missing, result, fromCache, (slot, value) =>
      keep(slot, value, startedAt, said),
    );
  }

  async function rootCall(
    next: (request: SubgraphRequest) => Promise<SubgraphResult>,
    request: SubgraphRequest,
    shape: Extract<CallShape, { kind: 'root' }>,
    schema: GraphQLSchema,
    client: Request,
  ): Promise<SubgraphResult> {
    const index = operations.index(schema)!;
    const policy = rootCallPolicy(schema, index, config.defaultMaxAge, shape);
    if (policy.maxAge <= 0) return next(request);
    const owner = ownerFor(options.forwarded, policy, client);
    if (owner === NO_OWNER) return next(request);
    const key = `root:${keyOf(callHash(schema, client), shape.hash, stableJson(request.variables ?? {}), owner ?? 'shared')}`;
    const name = shape.operation.name?.value;
    const tags = (data: unknown) =>
      answerTags(schema, index.keys, shape.document, name, data, typeTags(schema, shape.document, name));
    const slot: Slot = { key, maxAge: policy.maxAge, shared: owner === undefined, tags };
    await lookUp([slot]);
    const entry = slot.entry;
    // The answer of a root-field call, kept whole: `root`; told once decided (a kept answer that
    // stands in for a failed backend is `stale`).
    const counted = (outcome: 'hit' | 'miss' | 'stale') => options.events?.cacheLookup?.('root', outcome);
    /** The kept answer served: how fresh it is goes to the response cache (freshness.ts). */
    const served = (kept: CacheEntry) => {
      recordServed(request.context, remaining(kept));
      return { data: JSON.parse(kept.body) as Record<string, unknown> };
    };
    if (entry !== undefined && fresh(entry)) {
      counted('hit');
      return served(entry);
    }
    const stale = entry !== undefined && usable(entry) ? entry : undefined;
    let result: SubgraphResult;
    const startedAt = now();
    try {
      result = await next(request);
    } catch (error) {
      const standIn = stale !== undefined && backendThrew(error);
      counted(standIn ? 'stale' : 'miss');
      if (standIn) return served(stale);
      throw error;
    }
    if (isCacheable(result)) keep(slot, result.data, startedAt, saidOf(result, request.context));
    // A backend failed (a plain GraphQL service answers data with its fields null): kept stands in.
    else if (stale !== undefined && backendFailed(result)) {
      counted('stale');
      return served(stale);
    }
    counted('miss');
    return result;
  }

  return (next) =>
    async function entityCache(request) {
      if (callKind(request) !== 'operation') return next(request);
      const schema = options.schemaOf(request.context);
      const client = requestOf(request.context);
      if (schema === undefined || client === undefined || operations.index(schema) === undefined)
        return next(request);
      const shape = callShape(request.document, request.operationName);
      if (shape.kind === 'entities') return entities(next, request, shape, schema, client);
      if (shape.kind === 'root' && config.entities.rootFields)
        return rootCall(next, request, shape, schema, client);
      return next(request);
    };
}

/**
 * The call's answer: per field, the kept entities and the fetched ones in the order asked, errors
 * moved to the index of their entity. Fetched entities without an error at their path are kept.
 */
function merged(
  shape: Extract<CallShape, { kind: 'entities' }>,
  slots: readonly (readonly (Slot | undefined)[])[],
  missing: readonly (readonly number[])[],
  result: SubgraphResult,
  fromCache: (field: number, i: number) => unknown,
  keep: (slot: Slot, value: unknown) => void,
): SubgraphResult {
  const byKey = new Map(shape.fields.map((field, f) => [field.responseKey, f]));
  const failedAt = new Set<string>();
  let pathless = false;
  const errors = result.errors?.map((error: GraphQLError) => {
    const path = error.path;
    const f = path === undefined ? undefined : byKey.get(String(path[0]));
    if (path === undefined || f === undefined || typeof path[1] !== 'number') {
      pathless = true;
      return error;
    }
    const original = missing[f]![path[1]];
    if (original === undefined) return error;
    failedAt.add(`${f}:${original}`);
    return relocated(error, [path[0]!, original, ...path.slice(2)]);
  });
  const data: Record<string, unknown> = { ...(result.data ?? {}) };
  shape.fields.forEach((field, f) => {
    const fetched = result.data?.[field.responseKey];
    const toFetch = new Set(missing[f]);
    const list = slots[f]!.map((_, i) => (toFetch.has(i) ? null : fromCache(f, i)));
    missing[f]!.forEach((i, j) => {
      const value = Array.isArray(fetched) ? fetched[j] : null;
      list[i] = value ?? null;
      const slot = slots[f]![i];
      if (
        slot !== undefined &&
        value !== null &&
        value !== undefined &&
        !pathless &&
        !failedAt.has(`${f}:${i}`)
      )
        keep(slot, value);
    });
    data[field.responseKey] = result.data === null || result.data === undefined ? null : list;
  });
  const answer: SubgraphResult = {
    ...result,
    data: result.data === null || result.data === undefined ? result.data : data,
  };
  if (errors !== undefined) answer.errors = errors;
  return answer;
}

/**
 * A copy of `request` with other variables: a new request (its body is built from them, not read
 * from the original's), which carries the original's headers and kind.
 */
function withVariables(request: SubgraphRequest, variables: Record<string, unknown>): SubgraphRequest {
  return withHeaders({ ...request, variables }, { ...outgoingHeaders(request) });
}

/** `error` at another path (a copy: errors may be shared by dedup). */
function relocated(error: GraphQLError, path: readonly (string | number)[]): GraphQLError {
  const copy = Object.create(
    Object.getPrototypeOf(error) as object,
    Object.getOwnPropertyDescriptors(error),
  ) as GraphQLError;
  Object.defineProperty(copy, 'path', { value: path, enumerable: true });
  return copy;
}

/**
 * Tells `events` the hits (kept and fresh) and the others of an `_entities` call's slots: misses
 * (fetched), or `stale` when kept entities stood in for a failed backend.
 */
function countLookups(
  events: TelemetryEvents,
  slots: readonly (readonly (Slot | undefined)[])[],
  missing: readonly (readonly number[])[],
  missedAs: 'miss' | 'stale',
): void {
  let cacheable = 0;
  let misses = 0;
  slots.forEach((list, f) => {
    for (const slot of list) if (slot !== undefined) cacheable++;
    for (const i of missing[f]!) if (list[i] !== undefined) misses++;
  });
  if (cacheable - misses > 0) events.cacheLookup?.('entity', 'hit', cacheable - misses);
  if (misses > 0) events.cacheLookup?.('entity', missedAs, misses);
}

/**
 * Caching (stages: schema, operation, response). docs/caching.md.
 *
 * - schema (`prepare`): each new schema's cache policies (`@cacheControl` from the subgraphs'
 *   SDL, `subgraphs[].cacheControl` from the config) and entity keys are indexed once
 *   (policy-index.ts); a policy the gateway cannot read keeps the schema out of service
 *   (CONFIG_INVALID).
 * - operation (`onExecute`, after the field policies, so it sees the operation as it runs for
 *   this caller, and before the engine): the operation's policy (operations.ts, once per
 *   document); a cacheable query is looked up by its key (response-key.ts) and, when a fresh
 *   answer is kept, served from it without running (a 304 when the client's `If-None-Match`
 *   names it, for a GET). Past its maxAge, within `staleWhileRevalidate`, it is served and run
 *   again in the background, once per key (refresh.ts). A `PRIVATE` answer is kept and served per
 *   caller, never for a caller without a subject; an operation the field policies changed for its
 *   caller is left alone.
 * - response (`onExecuteDone`): a cacheable answer without errors is kept for its policy's
 *   `maxAge` (and the stale windows past it), under the tags of what it holds (tags.ts); within
 *   `staleIfError`, a kept answer stands in for a run that fails because a backend did (with a
 *   warning instead of the errors); a mutation's answer purges the answers holding what it
 *   changed (purges.ts). Every answer says what it may be cached for (`Cache-Control`,
 *   `ETag`, `Age` on answers from the cache, `no-store` otherwise).
 */
import { isAsyncIterable } from '@graphql-tools/utils';
import type { ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { identityOf, requestOf } from '../../core/identity.ts';
import { isRewritten } from '../../core/operation-rewrite.ts';
import { withResponseHeaders } from '../../core/response-headers.ts';
import type { ExecutorWrapper, SubgraphInfo } from '../../core/subgraph-call.ts';
import type { TelemetryEvents } from '../../core/telemetry.ts';
import { operationCacheControl } from '../../core/upstream-cache-control.ts';
import type { CacheConfig, SubgraphCacheControlConfig } from '../config/cache-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { RedisConnection } from '../redis/index.ts';
import type { Room } from '../room.ts';
import { type PrepareSchema, prepareFromConfig } from '../supergraph/index.ts';
import { entityCacheStep } from './entity-cache.ts';
import { type ForwardedInputs, forwardedValues } from './forwarded.ts';
import { servedFreshness } from './freshness.ts';
import { cacheHeaders, etagOf, type HttpPolicy, NO_STORE } from './http.ts';
import type { PurgeSelector } from './invalidation.ts';
import type { CachePolicy } from './operation-policy.ts';
import { createOperations, type OperationFacts } from './operations.ts';
import { backendFailed, isCacheable } from './outcome.ts';
import { NO_OWNER, ownerFor } from './owner.ts';
import { buildCachePolicyIndex } from './policy-index.ts';
import { createPurges } from './purges.ts';
import { createRefresher } from './refresh.ts';
import { responseKey, stableJson } from './response-key.ts';
import { fromEntry, staleAnswer, withWarning } from './served.ts';
import type { CacheEntry, CacheStore } from './store/types.ts';
import { createCacheStore } from './stores.ts';
import { answerTags } from './tags.ts';
import { cappedMaxAge, foldUpstreamCacheControl } from './upstream-cap.ts';

export type { CacheConfig } from '../config/cache-schema.ts';
export { forwardedInputs } from './forwarded.ts';
export type { PurgeSelector } from './invalidation.ts';
export type { CacheEntry, CacheLock, CacheStore } from './store/types.ts';

export interface CacheOptions {
  config: CacheConfig;
  /** Each subgraph's `cacheControl` (policies by coordinate), by subgraph name. */
  subgraphs: ReadonlyMap<string, SubgraphCacheControlConfig>;
  logger: Logger;
  /** What the header rules send subgraphs from the client's request (part of every key). */
  forwarded: ForwardedInputs;
  /**
   * Config that shapes answers beyond the schema (the header rules, constants included): part of
   * every key, so that differently configured gateways sharing a store never share entries.
   */
  shapedBy?: unknown;
  /** The shared connection, for `cache.store: redis`. */
  redis?: RedisConnection;
  /** The store (tests pass one with a fake clock). @default the one `config.store` names */
  store?: CacheStore;
  /** The clock, in ms (entries' `Age`). @default Date.now */
  now?: () => number;
  /** Told each lookup's outcome (metrics), when set. @default undefined */
  events?: TelemetryEvents;
}

export interface Cache {
  /** Indexes a new schema's policies; throws CONFIG_INVALID when one cannot be read. */
  prepare: PrepareSchema;
  /** Throws the CONFIG_INVALID that kept the first schema out of service, if that is why none is. */
  checkStarted(hasSchema: boolean): void;
  /** Operation and response stages: before the engine. */
  room: Room;
  /** Operation stage, right after the engine: runs the refreshes of stale answers. */
  refreshRoom: Room;
  /** Subgraph stage, before dedup: the entity cache (`cache.entities`); no step when it is off. */
  entityRoom: Room;
  /**
   * Drops the kept answers `selector` names; answers how many. Rejects with BAD_USER_INPUT for a
   * selector that names nothing, CACHE_STORE_UNAVAILABLE when the store could not be reached.
   */
  purge(selector: PurgeSelector): Promise<number>;
}

type ExecuteHooks = Awaited<ReturnType<NonNullable<Plugin['onExecute']>>>;

export function createCache(options: CacheOptions): Cache {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  const store = options.store ?? createCacheStore(config, logger, options.redis, now);
  const operations = createOperations(config.defaultMaxAge, stableJson(options.shapedBy ?? null));
  const refresher = createRefresher(store, logger, now);
  const purges = createPurges(store, operations, logger);
  if (options.forwarded.perCaller && (config.response.enabled || config.entities.enabled))
    logger.info(
      'cache: a header rule sends subgraphs values of the caller (insert identity or claim): every answer and entity is kept per caller, and answers are sent private',
    );
  const perSchema = prepareFromConfig(
    'the cache policies of this schema cannot be read; it is not put in service',
    (served) =>
      buildCachePolicyIndex({
        supergraphSdl: served.supergraphSdl,
        schema: served.schema,
        subgraphHints: options.subgraphs,
      }),
    (served, index) => operations.add(served.schema, index, served.supergraphSdl),
  );
  // How long an answer is kept past its maxAge: to be served while it is refreshed, or in place
  // of a failed run.
  const staleFor = Math.max(config.staleWhileRevalidate, config.staleIfError);

  // The schema each operation runs on, by its context: the entity cache's calls carry the context.
  const schemas = new WeakMap<object, GraphQLSchema>();
  const entityOptions = {
    config,
    store,
    operations,
    schemaOf: (context: unknown) =>
      typeof context === 'object' && context !== null ? schemas.get(context) : undefined,
    forwarded: options.forwarded,
    logger,
    now,
    events: options.events,
  };

  const ownerOfAnswer = (policy: CachePolicy, request: Request) =>
    ownerFor(options.forwarded, policy, request);

  /** The `Vary` of every cacheable answer: the configured headers and those forwarded by name. */
  const vary = [...new Set([...config.response.vary, ...options.forwarded.named])];

  /** Whether a shared HTTP cache may keep this request's answer (see `HttpPolicy.shared`). */
  const sharedOver = (
    policy: CachePolicy,
    owner: string | undefined,
    request: Request,
    forwarded: readonly (string | null)[],
  ) =>
    policy.scope === 'PUBLIC' &&
    owner === undefined &&
    identityOf(request) === undefined &&
    !request.headers.has('authorization') &&
    !request.headers.has('cookie') &&
    // Headers forwarded by a pattern are not in `Vary`: an answer made with one is the caller's.
    forwarded.length === options.forwarded.named.length;

  /** An answer not kept: `no-store`, and a warning when stale entities stand in it. */
  const notKept = (result: ExecutionResult, context: unknown): ExecutionResult =>
    servedFreshness(context)?.stale
      ? staleEntities(result)
      : (withResponseHeaders(result, NO_STORE) as ExecutionResult);

  const noStore: ExecuteHooks = {
    onExecuteDone({ args, result, setResult }) {
      if (isAsyncIterable(result)) setResult(withResponseHeaders(result, NO_STORE) as typeof result);
      else setResult(notKept(result as ExecutionResult, args.contextValue));
    },
  };

  const entitiesOnly: ExecuteHooks = {
    onExecuteDone({ args, result, setResult }) {
      if (!isAsyncIterable(result) && servedFreshness(args.contextValue)?.stale)
        setResult(staleEntities(result as ExecutionResult));
    },
  };

  /** A mutation: once it has run, the answers holding what it changed are purged. */
  const invalidating = (args: ExecutionArgs): ExecuteHooks => ({
    async onExecuteDone({ result, setResult }) {
      if (isAsyncIterable(result)) {
        setResult(withResponseHeaders(result, NO_STORE) as typeof result);
        return;
      }
      const marked = withResponseHeaders(result as ExecutionResult, NO_STORE) as ExecutionResult;
      setResult(await purges.afterMutation(args, marked));
    },
  });

  const plugin: Plugin = {
    // Response stage (a 304 answers a GET: never on the JSON fast path, which takes POSTs): a 304
    // carries no content, nor the length and type of the JSON Yoga made for it.
    onResponse({ response, setResponse, fetchAPI }) {
      if (response.status !== 304) return;
      const headers: [string, string][] = [];
      response.headers.forEach((value, name) => {
        const lower = name.toLowerCase();
        if (lower !== 'content-length' && lower !== 'content-type') headers.push([lower, value]);
      });
      setResponse(new fetchAPI.Response(null, { status: 304, headers }));
    },
    onExecute({ args, setResultAndStopExecution }) {
      if (config.entities.enabled && typeof args.contextValue === 'object' && args.contextValue !== null)
        schemas.set(args.contextValue, args.schema);
      if (!config.response.enabled && !config.entities.enabled) return undefined;
      const facts = operations.facts(args);
      if (facts.mutation) return invalidating(args);
      // The entity cache alone: only what stale entities standing in an answer call for.
      if (!config.response.enabled) return entitiesOnly;
      const { policy } = facts;
      if (policy.maxAge <= 0) return noStore;
      const request = requestOf(args.contextValue);
      // An operation the field policies (or field limits) took fields out of is this caller's,
      // patched after it runs: never kept, nor answered from the cache.
      if (request === undefined || isRewritten(request)) return noStore;
      const owner = ownerOfAnswer(policy, request);
      // A private answer without a caller to key it by is never kept, nor served from the cache.
      if (owner === NO_OWNER) return noStore;
      const forwarded = forwardedValues(options.forwarded, request);
      const http: HttpPolicy = {
        maxAge: policy.maxAge,
        shared: sharedOver(policy, owner, request, forwarded),
        staleWhileRevalidate: config.staleWhileRevalidate,
        staleIfError: config.staleIfError,
      };
      const key = responseKey({
        schema: operations.schemaId(args.schema),
        document: args.document,
        operationName: args.operationName ?? undefined,
        variables: args.variableValues,
        vary: [...config.response.vary.map((name) => request.headers.get(name)), ...forwarded],
        owner,
      });
      // When the run began: an entry it makes is not kept if a purge of its tags came since.
      const startedAt = now();
      const keepAnswer = (answer: ExecutionResult) => keep(key, answer, facts, args, http, startedAt, owner);
      /** Runs the operation; with `stale`, answers from it if a backend fails (`staleIfError`). */
      const miss = (stale: CacheEntry | undefined): ExecuteHooks => ({
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) {
            setResult(withResponseHeaders(result, NO_STORE) as typeof result);
            return;
          }
          const single = result as ExecutionResult;
          if (isCacheable(single)) setResult(keepAnswer(single));
          else if (
            stale !== undefined &&
            backendFailed(single) &&
            ageOf(stale) < stale.maxAge + config.staleIfError
          )
            setResult(staleAnswer(stale, http, vary, now()));
          else setResult(notKept(single, args.contextValue));
        },
      });
      /** A stale answer within `staleWhileRevalidate`: sent, and run again unless a run is on. */
      const revalidate = (entry: CacheEntry): ExecuteHooks | Promise<ExecuteHooks> | undefined => {
        const answer = fromEntry(entry, request, http, vary, now());
        const start = (release: (() => void) | undefined): undefined => {
          if (release === undefined) setResultAndStopExecution(answer);
          else
            refresher.schedule(args.contextValue as object, { answer, keep: (r) => void keepIf(r) }, release);
          return undefined;
        };
        const keepIf = (result: ExecutionResult) => isCacheable(result) && keepAnswer(result);
        const claimed = refresher.claim(key);
        return claimed instanceof Promise ? claimed.then(start) : start(claimed);
      };
      /** A kept answer: served when fresh; past its maxAge, served while refreshed, or a fallback. */
      const answerFrom = (entry: CacheEntry | undefined) => {
        const events = options.events;
        if (entry === undefined) {
          events?.cacheLookup?.('response', 'miss');
          return miss(undefined);
        }
        const age = ageOf(entry);
        if (age < entry.maxAge) {
          events?.cacheLookup?.('response', 'hit');
          setResultAndStopExecution(fromEntry(entry, request, http, vary, now()));
          return undefined;
        }
        if (age < entry.maxAge + config.staleWhileRevalidate) {
          events?.cacheLookup?.('response', 'stale');
          return revalidate(entry);
        }
        events?.cacheLookup?.('response', 'miss');
        return miss(entry);
      };
      const found = store.get(key);
      return found instanceof Promise ? found.then(answerFrom) : answerFrom(found);
    },
  };

  /** Seconds (fractional) since `entry` was stored. */
  const ageOf = (entry: CacheEntry) => (now() - entry.storedAt) / 1000;

  /** Keeps `answer` (when small enough) under its tags, and says so in its headers. */
  function keep(
    key: string,
    answer: ExecutionResult,
    facts: OperationFacts,
    args: ExecutionArgs,
    http: HttpPolicy,
    startedAt: number,
    owner: string | undefined,
  ): ExecutionResult {
    const said = config.subgraphCacheControl === 'cap' ? operationCacheControl(args.contextValue) : undefined;
    // No fresher than the kept entities it was made of (the entity cache), nor than a subgraph
    // allows (`subgraphCacheControl: cap`).
    const entities = servedFreshness(args.contextValue);
    if (entities?.stale) return staleEntities(answer);
    const maxAge = Math.min(
      cappedMaxAge(facts.policy.maxAge, said, owner === undefined),
      entities?.remaining ?? Number.POSITIVE_INFINITY,
    );
    if (maxAge <= 0) return withResponseHeaders(answer, NO_STORE) as ExecutionResult;
    const body = JSON.stringify({ data: answer.data });
    const etag = etagOf(body);
    if (Buffer.byteLength(body) <= config.response.maxEntryBytes) {
      const index = operations.index(args.schema);
      const tags = index
        ? answerTags(
            args.schema,
            index.keys,
            args.document,
            args.operationName ?? undefined,
            answer.data,
            facts.types,
          )
        : [];
      const entry: CacheEntry = { body, storedAt: now(), maxAge, etag };
      const written = store.set(key, entry, (maxAge + staleFor) * 1000, tags, startedAt);
      if (written instanceof Promise)
        written.catch((error: unknown) => logger.warn('cache: an answer could not be kept', { error }));
    }
    return withResponseHeaders(
      answer,
      cacheHeaders({ ...http, maxAge }, etag, undefined, vary),
    ) as ExecutionResult;
  }

  /** An answer made with stale entities (their backend failed): sent with a warning, never kept. */
  function staleEntities(answer: ExecutionResult): ExecutionResult {
    const marked = withWarning(answer, {
      code: 'STALE_IF_ERROR',
      message: 'a backend failed: parts of this answer are from the cache, past their maxAge',
    });
    return withResponseHeaders(marked, NO_STORE) as ExecutionResult;
  }

  /** The entity cache (outer: a call it answers is not sent) over the header fold (`cap`). */
  const cap = config.subgraphCacheControl === 'cap' && (config.response.enabled || config.entities.enabled);
  const subgraphStep =
    config.entities.enabled || cap
      ? (info: SubgraphInfo): ExecutorWrapper => {
          if (!config.entities.enabled) return foldUpstreamCacheControl;
          const entities = entityCacheStep(entityOptions, info);
          return cap ? (next) => entities(foldUpstreamCacheControl(next)) : entities;
        }
      : undefined;

  return {
    ...perSchema,
    // The JSON fast path writes its own 304s: the `onResponse` above is for the other requests.
    room: {
      name: 'response-cache',
      plugin,
      passesJsonPosts: true,
      close: () => {
        purges.close();
        return store.close();
      },
    },
    refreshRoom: refresher.room,
    entityRoom: { name: 'entity-cache', ...(subgraphStep !== undefined && { subgraph: subgraphStep }) },
    purge: (selector) => purges.purge(selector),
  };
}

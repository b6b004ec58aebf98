/**
 * Caching (stages: schema, operation, response). docs/caching.md.
 *
 * - schema (`prepare`): each new schema's cache policies (`@cacheControl` from the subgraphs'
 *   SDL, `subgraphs[].cacheControl` from the config) are indexed once (policy-index.ts); a policy
 *   the gateway cannot read keeps the schema out of service (CONFIG_INVALID).
 * - operation (`onExecute`, after the field policies, so it sees the operation as it runs for
 *   this caller, and before the engine): the operation's policy (operation-policy.ts, cached per
 *   document); a cacheable query is looked up by its key (response-key.ts) and, when a fresh
 *   answer is kept, served from it without running (a 304 when the client's `If-None-Match`
 *   names it). A `PRIVATE` answer is kept and served per caller, never for a caller without an
 *   identity.
 * - response (`onExecuteDone`): a cacheable answer without errors is kept for its policy's
 *   `maxAge`; every answer says what it may be cached for
 *   (`Cache-Control`, `ETag`, `Age` on answers from the cache, `no-store` otherwise).
 */
import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { identityOf, requestOf } from '../../core/identity.ts';
import { withResponseHeaders } from '../../core/response-headers.ts';
import type { CacheConfig, SubgraphCacheControlConfig } from '../config/cache-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { Room } from '../room.ts';
import { type PrepareSchema, prepareFromConfig } from '../supergraph/index.ts';
import { type ForwardedInputs, forwardedValues } from './forwarded.ts';
import { cacheHeaders, etagOf, matchesIfNoneMatch, NO_STORE } from './http.ts';
import { type CachePolicy, NOT_CACHEABLE, operationPolicy } from './operation-policy.ts';
import { buildCachePolicyIndex, type CachePolicyIndex } from './policy-index.ts';
import { ownerOf, responseKey } from './response-key.ts';
import { createMemoryCacheStore } from './store/memory-store.ts';
import type { CacheEntry, CacheStore } from './store/types.ts';

export type { CacheConfig } from '../config/cache-schema.ts';
export { forwardedInputs } from './forwarded.ts';
export type { CacheEntry, CacheStore } from './store/types.ts';

export interface CacheOptions {
  config: CacheConfig;
  /** Each subgraph's `cacheControl` (policies by coordinate), by subgraph name. */
  subgraphs: ReadonlyMap<string, SubgraphCacheControlConfig>;
  logger: Logger;
  /** What the header rules send subgraphs from the client's request (part of every key). */
  forwarded: ForwardedInputs;
  /** The store (tests pass one with a fake clock). @default a memory store of `maxBytes` */
  store?: CacheStore;
  now?: () => number;
}

export interface Cache {
  /** Indexes a new schema's policies; throws CONFIG_INVALID when one cannot be read. */
  prepare: PrepareSchema;
  /** Throws the CONFIG_INVALID that kept the first schema out of service, if that is why none is. */
  checkStarted(hasSchema: boolean): void;
  room: Room;
}

type ExecuteHooks = Awaited<ReturnType<NonNullable<Plugin['onExecute']>>>;

const NO_OWNER = Symbol('no owner');
/** The owner of the answers made for anonymous callers when answers are kept per caller. */
const ANONYMOUS = 'anonymous';

export function createCache(options: CacheOptions): Cache {
  const { config } = options;
  const now = options.now ?? Date.now;
  const store = options.store ?? createMemoryCacheStore({ maxBytes: config.maxBytes, now });
  const indexes = new WeakMap<GraphQLSchema, CachePolicyIndex>();
  const perSchema = prepareFromConfig(
    'the cache policies of this schema cannot be read; it is not put in service',
    (served) =>
      buildCachePolicyIndex({
        supergraphSdl: served.supergraphSdl,
        schema: served.schema,
        subgraphHints: options.subgraphs,
      }),
    (served, index) => indexes.set(served.schema, index),
  );

  // Per schema and document (and operation name): the policy is the same for every request.
  const policies = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, CachePolicy>>>();
  const policyOf = (args: ExecutionArgs): CachePolicy => {
    const index = indexes.get(args.schema);
    if (index === undefined) return NOT_CACHEABLE;
    let byDocument = policies.get(args.schema);
    if (byDocument === undefined) {
      byDocument = new WeakMap();
      policies.set(args.schema, byDocument);
    }
    let byName = byDocument.get(args.document);
    if (byName === undefined) {
      byName = new Map();
      byDocument.set(args.document, byName);
    }
    const name = args.operationName ?? '';
    let policy = byName.get(name);
    if (policy === undefined) {
      policy = operationPolicy(
        args.schema,
        index,
        config.defaultMaxAge,
        args.document,
        args.operationName ?? undefined,
      );
      byName.set(name, policy);
    }
    return policy;
  };

  /**
   * Whose entry an answer is: its caller's when the policy is `PRIVATE`, or when a header rule
   * sends subgraphs a value of the caller (then an anonymous caller's answers are shared by
   * anonymous callers only); undefined for an answer every caller shares; NO_OWNER when it
   * belongs to a caller with no subject to key it by (never kept).
   */
  const ownerFor = (policy: CachePolicy, request: Request): string | undefined | typeof NO_OWNER => {
    if (policy.scope !== 'PRIVATE' && !options.forwarded.perCaller) return undefined;
    const identity = identityOf(request);
    if (identity === undefined && policy.scope !== 'PRIVATE') return ANONYMOUS;
    return ownerOf(identity) ?? NO_OWNER;
  };

  const noStore: ExecuteHooks = {
    onExecuteDone({ result, setResult }) {
      const marked = withResponseHeaders(result as ExecutionResult, NO_STORE);
      if (marked !== undefined) setResult(marked as ExecutionResult);
    },
  };

  const fromEntry = (entry: CacheEntry, request: Request): ExecutionResult => {
    const age = Math.max(0, Math.floor((now() - entry.storedAt) / 1000));
    const policy = { maxAge: entry.maxAge, scope: entry.scope };
    const headers = cacheHeaders(policy, entry.etag, age, config.response.vary);
    if (matchesIfNoneMatch(request.headers.get('if-none-match'), entry.etag))
      return { extensions: { http: { status: 304, headers } } };
    const result = JSON.parse(entry.body) as ExecutionResult;
    return withResponseHeaders(result, headers) as ExecutionResult;
  };

  const plugin: Plugin = {
    // Response stage, off the JSON fast path (which writes a 304 itself): a 304 carries no content,
    // nor the length and type of the JSON Yoga made for it.
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
      if (!config.response.enabled) return undefined;
      const policy = policyOf(args);
      if (policy.maxAge <= 0) return noStore;
      const request = requestOf(args.contextValue);
      if (request === undefined) return noStore;
      const owner = ownerFor(policy, request);
      // A private answer without a caller to key it by is never kept, nor served from the cache.
      if (owner === NO_OWNER) return noStore;
      const key = responseKey({
        document: args.document,
        operationName: args.operationName ?? undefined,
        variables: args.variableValues,
        vary: [
          ...config.response.vary.map((name) => request.headers.get(name)),
          ...forwardedValues(options.forwarded, request),
        ],
        owner,
      });
      /** Keeps `answer` (when small enough) and says so in its headers. */
      const keepAnswer = (answer: ExecutionResult): ExecutionResult => {
        const body = JSON.stringify({ data: answer.data });
        const etag = etagOf(body);
        if (body.length <= config.response.maxEntryBytes) keep(key, body, etag, policy);
        const headers = cacheHeaders(policy, etag, undefined, config.response.vary);
        return withResponseHeaders(answer, headers) as ExecutionResult;
      };
      const miss: ExecuteHooks = {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result)) {
            setResult(withResponseHeaders(result, NO_STORE) as typeof result);
            return;
          }
          const single = result as ExecutionResult;
          // An answer with errors (partial data) is not kept: the next request tries again.
          const cacheable =
            single.data !== undefined &&
            single.data !== null &&
            (single.errors === undefined || single.errors.length === 0);
          setResult(
            cacheable ? keepAnswer(single) : (withResponseHeaders(single, NO_STORE) as ExecutionResult),
          );
        },
      };
      const found = store.get(key);
      if (found instanceof Promise)
        return found.then((entry) => {
          if (entry === undefined) return miss;
          setResultAndStopExecution(fromEntry(entry, request));
          return undefined;
        });
      if (found === undefined) return miss;
      setResultAndStopExecution(fromEntry(found, request));
      return undefined;
    },
  };

  function keep(key: string, body: string, etag: string, policy: CachePolicy): void {
    const entry: CacheEntry = { body, storedAt: now(), maxAge: policy.maxAge, scope: policy.scope, etag };
    const written = store.set(key, entry, policy.maxAge * 1000);
    if (written instanceof Promise)
      written.catch((error: unknown) => options.logger.warn('cache: an answer could not be kept', { error }));
  }

  return {
    ...perSchema,
    // The JSON fast path writes its own 304s: the `onResponse` above is for the other requests.
    room: { name: 'response-cache', plugin, passesJsonPosts: true, close: () => store.close() },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

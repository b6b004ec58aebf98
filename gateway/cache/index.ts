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
 *   names it, for a GET). A `PRIVATE` answer is kept and served per caller, never for a caller
 *   without a subject; an operation the field policies changed for its caller is left alone.
 * - response (`onExecuteDone`): a cacheable answer without errors is kept for its policy's
 *   `maxAge` (and `staleIfError` past it, to stand in for a run that fails because a backend
 *   did: then the stale answer is sent, with a warning, instead of the errors); every answer says what it may be cached for
 *   (`Cache-Control`, `ETag`, `Age` on answers from the cache, `no-store` otherwise).
 */
import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { identityOf, requestOf } from '../../core/identity.ts';
import { isRewritten } from '../../core/operation-rewrite.ts';
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
  /** The clock, in ms (entries' `Age`). @default Date.now */
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

  // Each schema in service gets a number, part of every key: a new schema starts afresh.
  const schemaNumbers = new WeakMap<GraphQLSchema, number>();
  let schemas = 0;
  const schemaNumber = (schema: GraphQLSchema): number => {
    let number = schemaNumbers.get(schema);
    if (number === undefined) {
      number = ++schemas;
      schemaNumbers.set(schema, number);
    }
    return number;
  };

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
    const { perCaller } = options.forwarded;
    if (policy.scope !== 'PRIVATE' && !perCaller) return undefined;
    const identity = identityOf(request);
    if (identity === undefined && policy.scope !== 'PRIVATE') return ANONYMOUS;
    return ownerOf(identity, perCaller) ?? NO_OWNER;
  };

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

  const noStore: ExecuteHooks = {
    onExecuteDone({ result, setResult }) {
      const marked = withResponseHeaders(result as ExecutionResult, NO_STORE);
      if (marked !== undefined) setResult(marked as ExecutionResult);
    },
  };

  const fromEntry = (entry: CacheEntry, request: Request, shared: boolean): ExecutionResult => {
    const age = Math.max(0, Math.floor((now() - entry.storedAt) / 1000));
    const headers = cacheHeaders({ maxAge: entry.maxAge, shared }, entry.etag, age, vary);
    // Only a GET (or HEAD) may be answered 304 (RFC 9110 13.1.2); a POST gets the answer.
    const conditional = request.method === 'GET' || request.method === 'HEAD';
    if (conditional && matchesIfNoneMatch(request.headers.get('if-none-match'), entry.etag))
      return { extensions: { http: { status: 304, headers } } };
    return servedFrom(entry.body, headers);
  };

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
      if (!config.response.enabled) return undefined;
      const policy = policyOf(args);
      if (policy.maxAge <= 0) return noStore;
      const request = requestOf(args.contextValue);
      // An operation the field policies (or field limits) took fields out of is this caller's,
      // patched after it runs: never kept, nor answered from the cache.
      if (request === undefined || isRewritten(request)) return noStore;
      const owner = ownerFor(policy, request);
      // A private answer without a caller to key it by is never kept, nor served from the cache.
      if (owner === NO_OWNER) return noStore;
      const forwarded = forwardedValues(options.forwarded, request);
      const shared = sharedOver(policy, owner, request, forwarded);
      const key = responseKey({
        schema: schemaNumber(args.schema),
        document: args.document,
        operationName: args.operationName ?? undefined,
        variables: args.variableValues,
        vary: [...config.response.vary.map((name) => request.headers.get(name)), ...forwarded],
        owner,
      });
      /** Keeps `answer` (when small enough) and says so in its headers. */
      const keepAnswer = (answer: ExecutionResult): ExecutionResult => {
        const body = JSON.stringify({ data: answer.data });
        const etag = etagOf(body);
        if (Buffer.byteLength(body) <= config.response.maxEntryBytes) keep(key, body, etag, policy);
        const headers = cacheHeaders({ maxAge: policy.maxAge, shared }, etag, undefined, vary);
        return withResponseHeaders(answer, headers) as ExecutionResult;
      };
      /** Runs the operation; with `stale`, answers from it if a backend fails (`staleIfError`). */
      const miss = (stale: CacheEntry | undefined): ExecuteHooks => ({
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
          if (cacheable) setResult(keepAnswer(single));
          else if (stale !== undefined && backendFailed(single)) setResult(staleAnswer(stale, shared));
          else setResult(withResponseHeaders(single, NO_STORE) as ExecutionResult);
        },
      });
      /** A kept answer: served when fresh; past its maxAge, the fallback of a run that fails. */
      const answerFrom = (entry: CacheEntry | undefined): ExecuteHooks => {
        if (entry === undefined) return miss(undefined);
        if (now() - entry.storedAt >= entry.maxAge * 1000) return miss(entry);
        setResultAndStopExecution(fromEntry(entry, request, shared));
        return undefined;
      };
      const found = store.get(key);
      return found instanceof Promise ? found.then(answerFrom) : answerFrom(found);
    },
  };

  /** A stale answer served because a backend failed: as kept, with a warning and its age. */
  const staleAnswer = (entry: CacheEntry, shared: boolean): ExecutionResult => {
    const age = Math.max(0, Math.floor((now() - entry.storedAt) / 1000));
    const headers = cacheHeaders({ maxAge: 0, shared }, entry.etag, age, vary);
    const warning = {
      code: 'STALE_IF_ERROR',
      message: `a backend failed: this answer is ${age} s old, from the cache`,
      age,
    };
    return servedFrom(entry.body, headers, { warnings: [warning] });
  };

  function keep(key: string, body: string, etag: string, policy: CachePolicy): void {
    const entry: CacheEntry = { body, storedAt: now(), maxAge: policy.maxAge, etag };
    // Kept past its maxAge for as long as it may stand in for a failed run.
    const written = store.set(key, entry, (policy.maxAge + config.staleIfError) * 1000);
    if (written instanceof Promise)
      written.catch((error: unknown) => options.logger.warn('cache: an answer could not be kept', { error }));
  }

  return {
    ...perSchema,
    // The JSON fast path writes its own 304s: the `onResponse` above is for the other requests.
    room: { name: 'response-cache', plugin, passesJsonPosts: true, close: () => store.close() },
  };
}

/**
 * An answer from the cache, written as it was kept: Yoga serialises a result through its own
 * `stringify` when it has one, so the kept JSON is sent without being parsed and serialised again.
 * Later rooms see a result without `data` (none reads it from an answer without errors) and may
 * add `errors` or `extensions` (a cost, headers): they are spliced after the kept `data`.
 */
function servedFrom(
  body: string,
  headers: Record<string, string>,
  extensions: Record<string, unknown> = {},
): ExecutionResult {
  const stringify = (result: ExecutionResult): string => {
    const extra: string[] = [];
    if (result.errors !== undefined && result.errors.length > 0)
      extra.push(`"errors":${JSON.stringify(result.errors)}`);
    if (result.extensions !== undefined && Object.keys(result.extensions).length > 0)
      extra.push(`"extensions":${JSON.stringify(result.extensions)}`);
    return extra.length === 0 ? body : `${body.slice(0, -1)},${extra.join(',')}}`;
  };
  return { extensions: { ...extensions, http: { headers } }, stringify } as ExecutionResult;
}

/** Codes of a backend that failed (rather than answered): an answer kept may stand in for it. */
const BACKEND_FAILURES = new Set([
  'SUBGRAPH_UNAVAILABLE',
  'GATEWAY_TIMEOUT',
  'SUBGRAPH_BAD_RESPONSE',
  'REST_HTTP_ERROR',
  'SUBGRAPH_NOT_LOADED',
]);

function backendFailed(result: ExecutionResult): boolean {
  return (result.errors ?? []).some((error) => BACKEND_FAILURES.has(String(error.extensions?.code)));
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

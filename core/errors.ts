/**
 * The one catalogue of errors a client or an operator may see.
 *
 * Every entry has a stable `code` (clients and tests match on it, never on the message), the HTTP
 * status it stands for, and whether it is about an upstream (in which case the error carries
 * `extensions.serviceName`). The status is what an operation whose only result is that error
 * answers (`gateway/errors/status.ts`, raised before execution: no `data`); an operation that
 * executed answers 200, with partial data.
 *
 * It also lists the codes Yoga and graphql-js give to requests refused before any GraphQL work
 * (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_REQUEST, REQUEST_ENTITY_TOO_LARGE,
 * OPERATION_RESOLUTION_FAILURE), so that every code a client can see is here. Their status follows
 * the GraphQL-over-HTTP spec: with `Accept: application/graphql-response+json` a document that
 * does not parse or validate answers 400; with `application/json` (or no `Accept`) it answers 200,
 * the legacy status the spec allows there.
 * Messages may change; codes may not.
 */
import { GraphQLError } from 'graphql';
import { cloneJson } from './clone-json.ts';

export const ErrorCodes = {
  /** A subgraph could not be reached: connection refused, reset, DNS failure. */
  SUBGRAPH_UNAVAILABLE: { status: 502, upstream: true },
  /** A subgraph did not answer within its request timeout. */
  GATEWAY_TIMEOUT: { status: 504, upstream: true },
  /** A subgraph answered, but not with a GraphQL response (non-JSON body, wrong shape, HTTP error). */
  SUBGRAPH_BAD_RESPONSE: { status: 502, upstream: true },
  /** An error returned by a subgraph in its `errors` list, passed through with the client's path. */
  SUBGRAPH_ERROR: { status: 200, upstream: true },
  /** A REST API answered with an HTTP error status (4xx/5xx). */
  REST_HTTP_ERROR: { status: 502, upstream: true },
  /** A field was queried whose subgraph is not loaded (failed at startup, still retrying). */
  SUBGRAPH_NOT_LOADED: { status: 503, upstream: true },
  /**
   * A subgraph's circuit breaker is open (it kept failing or hanging), or none of its URLs is
   * healthy: the call failed at once, without being sent. `extensions.retryAfter` is the seconds
   * until the breaker lets a probe through.
   */
  SUBGRAPH_CIRCUIT_OPEN: { status: 503, upstream: true },
  /**
   * A subgraph's bulkhead is full: its maximum of calls in flight and its queue are taken (or the
   * call waited in the queue past its deadline). The call was not sent.
   */
  SUBGRAPH_OVERLOADED: { status: 503, upstream: true },
  /**
   * The gateway's budget of bytes for upstream bodies being read (`upstream.maxBodyBytesInFlight`)
   * is spent by other answers: this one was dropped rather than exhaust memory.
   */
  UPSTREAM_MEMORY_EXHAUSTED: { status: 503, upstream: true },
  /** No schema has been built yet: every subgraph failed to load. */
  SCHEMA_NOT_READY: { status: 503, upstream: false },
  /** Subgraph schemas do not compose into one supergraph. */
  COMPOSITION_FAILED: { status: 500, upstream: false },
  /** A subgraph's schema could not be loaded (SDL fetch, introspection, file, OpenAPI document). */
  SUBGRAPH_LOAD_FAILED: { status: 502, upstream: true },
  /** The configuration file is missing, unreadable or invalid. */
  CONFIG_INVALID: { status: 500, upstream: false },
  /**
   * A POST whose media type is not executed (`server.csrf.contentTypes`; forms, `text/plain` and,
   * without `server.uploads`, multipart never are): refused before its body is read.
   */
  UNSUPPORTED_MEDIA_TYPE: { status: 415, upstream: false },
  /** Introspection (`__schema`, `__type`) is off (`server.introspection`; off in production mode). */
  INTROSPECTION_DISABLED: { status: 400, upstream: false },
  /** The operation cannot run as sent: a variable missing or of the wrong type. */
  BAD_USER_INPUT: { status: 400, upstream: false },
  /**
   * The operation is valid but cannot be served: a subscription (the gateway serves queries and
   * mutations), or an operation the engine running it cannot run.
   */
  OPERATION_NOT_SUPPORTED: { status: 400, upstream: false },
  /** The document does not parse (Yoga); 400, or 200 when the client accepts only `application/json`. */
  GRAPHQL_PARSE_FAILED: { status: 400, upstream: false },
  /** The document does not validate against the schema (Yoga); 400, or 200 for `application/json`. */
  GRAPHQL_VALIDATION_FAILED: { status: 400, upstream: false },
  /** The document holds no operation of the `operationName` sent, or several and no name (Yoga). */
  OPERATION_RESOLUTION_FAILURE: { status: 400, upstream: false },
  /**
   * The HTTP request is not a GraphQL request, or is refused before any GraphQL work: a body that
   * is not JSON, no query, a bad method (Yoga; a GET that would run a mutation is HTTP 405), a
   * multipart upload without a preflight header (CSRF prevention).
   */
  BAD_REQUEST: { status: 400, upstream: false },
  /** The request body is larger than `limits.maxRequestBodySize` (Yoga, and the JSON fast path). */
  REQUEST_ENTITY_TOO_LARGE: { status: 413, upstream: false },
  /** The operation is larger than a configured limit (`limits`); rejected before any upstream call. */
  OPERATION_LIMIT_EXCEEDED: { status: 400, upstream: false },
  /**
   * The operation's estimated cost (`@cost`, `@listSize`) is over `demandControl.maxCost`;
   * refused before planning, with `extensions.cost` and `extensions.maxCost`. HTTP 400 like the
   * other refusals of an operation as sent (Apollo's router answers 200): sending it again will
   * not help, a smaller operation will.
   */
  COST_LIMIT_EXCEEDED: { status: 400, upstream: false },
  /**
   * A header a rule would send holds a line break or another control character (a client header
   * value), or is not printable ASCII (a value from the caller's claims); nothing is sent upstream.
   */
  HEADER_VALUE_INVALID: { status: 400, upstream: false },
  /**
   * No valid identity: a credential that is present but invalid (bad signature, expired, wrong
   * issuer or audience...), or none where `auth.required` asks for one. HTTP 401 with
   * `WWW-Authenticate`; at a field, the field needs an authenticated caller (`@authenticated`).
   */
  UNAUTHENTICATED: { status: 401, upstream: false },
  /**
   * A credential was sent, but the identity provider that would verify it could not be asked: a
   * JWKS endpoint never fetched, an introspection endpoint down or too slow. The token may be
   * valid; the caller is not served, anonymous or otherwise. HTTP 503 with `Retry-After`.
   */
  AUTH_PROVIDER_UNAVAILABLE: { status: 503, upstream: false },
  /** The caller is known but may not do this: a field's `@requiresScopes` or `@policy` refuses it. */
  FORBIDDEN: { status: 403, upstream: false },
  /**
   * A rate limit (`rateLimit`) is spent: a whole request (HTTP 429 with `Retry-After`; the
   * limit's name in `extensions.limit`, the seconds until a retry may pass in
   * `extensions.retryAfter`), or the calls to one subgraph (its fields answer null with it).
   */
  RATE_LIMITED: { status: 429, upstream: false },
  /**
   * A request named a document by id (`extensions.persistedQuery.sha256Hash`, `documentId`) that
   * neither the manifest nor the APQ store holds. HTTP 200, as Apollo's servers answer it: APQ
   * clients read the code and send the document's text with its hash.
   */
  PERSISTED_QUERY_NOT_FOUND: { status: 200, upstream: false },
  /** A request named a document by id, but no store is configured (`trustedDocuments`). */
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 400, upstream: false },
  /** A document sent with its hash whose sha256 is not that hash. */
  PERSISTED_QUERY_HASH_MISMATCH: { status: 400, upstream: false },
  /**
   * `trustedDocuments.mode: allow-list`: the document is not in the manifest (text sent, or an
   * APQ registration of an unlisted document).
   */
  PERSISTED_DOCUMENT_REQUIRED: { status: 403, upstream: false },
  /** The query planner could not plan a valid operation (a planner limitation); logged with the operation. */
  QUERY_PLAN_FAILED: { status: 500, upstream: false },
  /**
   * The merged subgraph answers do not fit the operation: a leaf where an object or a list belongs
   * (or the reverse), or a `__typename` that is not a possible type of its abstract type.
   */
  RESULT_SHAPE_INVALID: { status: 502, upstream: false },
  /**
   * The gateway is over its concurrency limit and shed this request (lowest priority first), or
   * the request's deadline passed before it could be served. HTTP 503 with `Retry-After`.
   */
  GATEWAY_OVERLOADED: { status: 503, upstream: false },
  /** No such route on the admin endpoint. */
  NOT_FOUND: { status: 404, upstream: false },
  /** An admin route asked with another HTTP method than its own (the `Allow` header says which). */
  METHOD_NOT_ALLOWED: { status: 405, upstream: false },
  /**
   * A cache purge (the admin endpoint, `gatehouse cache purge`) could not reach the shared cache
   * store (Redis), or not all of it: some entries may remain. HTTP 503; try again.
   */
  CACHE_STORE_UNAVAILABLE: { status: 503, upstream: false },
  /**
   * The registry refused a publish (admin API, `gatehouse publish`): the subgraph does not
   * compose with the others, or its check found breaking changes. HTTP 409; the answer holds the
   * check report. `--force` publishes anyway.
   */
  SCHEMA_CHECK_FAILED: { status: 409, upstream: false },
  /** The registry's store (its directory, its Redis) could not be read or written. HTTP 503; try again. */
  REGISTRY_UNAVAILABLE: { status: 503, upstream: false },
  /** Anything unexpected; the message is masked, the details are logged. */
  INTERNAL_SERVER_ERROR: { status: 500, upstream: false },
} as const satisfies Record<string, { status: number; upstream: boolean }>;

export type ErrorCode = keyof typeof ErrorCodes;

/** The `extensions` of every error Gatehouse produces. */
export interface GatewayErrorExtensions {
  code: ErrorCode;
  /** Present when the error is about one upstream. */
  serviceName?: string;
  http?: { status: number };
  [key: string]: unknown;
}

export interface GatewayErrorOptions {
  serviceName?: string;
  /** The underlying failure; logged, never shown to clients. */
  cause?: unknown;
  path?: ReadonlyArray<string | number>;
  /** The operation's nodes the error is about (they give its `locations`). */
  nodes?: GraphQLError['nodes'];
  /** More extensions (for example `upstreamStatus`). */
  extensions?: Record<string, unknown>;
}

/**
 * The `extensions` objects of the errors `gatewayError()` made. Provenance, not the code, tells
 * the gateway's errors from a subgraph's: a subgraph may send any code (Apollo Server gives
 * INTERNAL_SERVER_ERROR to every thrown error). The planner and in-process subgraphs copy errors
 * but share their `extensions` object, so the mark survives; a copy that spreads extensions loses
 * it, and the error is then filtered as a subgraph's (fails closed).
 */
const madeByGateway = new WeakSet<object>();

/** Builds a client-visible `GraphQLError` for a catalogue code. */
export function gatewayError(
  code: ErrorCode,
  message: string,
  options: GatewayErrorOptions = {},
): GraphQLError {
  const extensions: GatewayErrorExtensions = { code, ...options.extensions };
  if (options.serviceName !== undefined) extensions.serviceName = options.serviceName;
  const error = new GraphQLError(message, { extensions, path: options.path, nodes: options.nodes });
  madeByGateway.add(error.extensions);
  if (options.cause !== undefined) {
    // Kept off `originalError` so Yoga does not treat the error as unexpected and mask it.
    Object.defineProperty(error, 'cause', { value: options.cause, enumerable: false });
  }
  return error;
}

/**
 * `error`'s extensions with `more` added, in a new object that is still recognised as the
 * gateway's when `error` is (`isGatewayError`): for steps that copy an error (the mask, the
 * collapse of identical errors) without losing where it came from.
 */
export function copyExtensions(
  error: GraphQLError,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  const extensions = { ...error.extensions, ...more };
  if (isGatewayError(error)) madeByGateway.add(extensions);
  return extensions;
}

/**
 * True when `value` is a GraphQLError made by `gatewayError()` (or a copy sharing its
 * `extensions`), whatever its code: an error a subgraph sent with a catalogue code is not one.
 */
export function isGatewayError(
  value: unknown,
): value is GraphQLError & { extensions: GatewayErrorExtensions } {
  return (
    value instanceof GraphQLError &&
    typeof value.extensions === 'object' &&
    value.extensions !== null &&
    madeByGateway.has(value.extensions) &&
    Object.hasOwn(ErrorCodes, value.extensions.code as string)
  );
}

/**
 * A copy of `error` that shares nothing mutable with it (its path and extensions are copied), for
 * callers that share one upstream answer: masking or changing one caller's error leaves the
 * others' alone. A gateway error's copy is still one (`isGatewayError`), with the same cause.
 */
export function copyError(error: GraphQLError): GraphQLError {
  const copy = new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path ? [...error.path] : undefined,
    originalError: error.originalError ?? undefined,
    extensions: cloneJson(error.extensions) ?? {},
  });
  if (madeByGateway.has(error.extensions)) madeByGateway.add(copy.extensions);
  const { cause } = error as { cause?: unknown };
  if (cause !== undefined && copy.cause === undefined) {
    Object.defineProperty(copy, 'cause', { value: cause, enumerable: false });
  }
  return copy;
}

/**
 * An error raised while starting or configuring the gateway (not during a request): it carries a
 * code from the catalogue and a list of problems, each naming where and what to change.
 */
export class GatehouseError extends Error {
  override readonly name = 'GatehouseError';
  readonly code: ErrorCode;
  readonly problems: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    problems: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(
      problems.length > 0 ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message,
      options,
    );
    this.code = code;
    this.problems = problems;
  }
}

/**
 * A subgraph whose schema cannot be loaded. A loading failure is never a client's error: it is
 * reported in the logs and on `/readyz`, so it is a `GatehouseError` (with the problems to fix),
 * never a `GraphQLError`. Every loader throws it through here.
 */
export function loadFailed(
  serviceName: string,
  message: string,
  cause?: unknown,
  problems: readonly string[] = [],
): GatehouseError {
  const error = new GatehouseError('SUBGRAPH_LOAD_FAILED', message, problems, { cause });
  return Object.assign(error, { serviceName });
}

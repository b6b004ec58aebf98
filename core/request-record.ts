/**
 * The record of one HTTP request that metrics and the access log read once it is answered: when
 * it began, its operation's name and type, and the subgraph calls made for it. The server starts
 * it (gateway/server/observe.ts), the observe room fills it in (operation and subgraph stages),
 * and it is kept against the node request (`IncomingMessage`), which both the JSON fast path and
 * Yoga hand to every hook as `context.req`. In process (`yoga.fetch`) there is no node request,
 * so nothing is recorded. A leaf but for the error catalogue.
 *
 * The record is a symbol-keyed field of the node request, not a `WeakMap` entry: a WeakMap entry
 * per request costs about 0.7 µs more (measured on Node 20: set then three reads).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isGatewayError } from './errors.ts';
import type { SubgraphResult } from './subgraph-call.ts';

/** Most subgraph calls listed per request (the rest are only counted). */
export const MAX_CALLS_LISTED = 20;

/** One subgraph call of a request. */
export interface SubgraphCallRecord {
  subgraph: string;
  /** Milliseconds, rounded to 0.1. */
  ms: number;
  /** `ok`, or the catalogue code of its failure (`SUBGRAPH_ERROR` when it answered errors). */
  outcome: string;
}

export interface RequestRecord {
  /** `performance.now()` when the request came in. */
  readonly start: number;
  /** The operation's name: the document's operation once parsed, else the `operationName` sent. */
  operationName: string | undefined;
  /** Set once the operation was parsed and validated (it reached execution). */
  operationType: 'query' | 'mutation' | 'subscription' | undefined;
  /** The client's Fetch `Request` of its (last) operation, when it reached the operation stage. */
  request: Request | undefined;
  /** Calls made for the request; at most MAX_CALLS_LISTED listed. */
  calls: SubgraphCallRecord[] | undefined;
  callCount: number;
  /**
   * The request id it was answered with (`x-request-id`): filled by the server once the response
   * is closed, when the access log is on (gateway/server/observe.ts).
   */
  requestId: string | undefined;
}

/**
 * Told of each request once its response is closed. `res.headersSent` is false when the client
 * left before any answer (metrics count it as 499), `res.writableFinished` false when it left
 * before the whole answer.
 */
export type RequestDone = (record: RequestRecord, req: IncomingMessage, res: ServerResponse) => void;

/** The status a closed response counts as: 499 (nginx's "client closed request") when none was sent. */
export const CLIENT_CLOSED = 499;

const RECORD = Symbol('gatehouse.requestRecord');

type Recorded = { [RECORD]?: RequestRecord };

/** Starts the record of node request `req`. */
export function startRecord(req: object, start: number): RequestRecord {
  const record: RequestRecord = {
    start,
    operationName: undefined,
    operationType: undefined,
    request: undefined,
    calls: undefined,
    callCount: 0,
    requestId: undefined,
  };
  (req as Recorded)[RECORD] = record;
  return record;
}

/** The record of node request `req`, if one was started. */
export function recordOf(req: object | undefined): RequestRecord | undefined {
  return req === undefined ? undefined : (req as Recorded)[RECORD];
}

/** The record of the request a GraphQL (or server) context belongs to (`context.req`). */
export function recordOfContext(context: unknown): RequestRecord | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  const req = (context as { req?: unknown }).req;
  return typeof req === 'object' && req !== null ? (req as Recorded)[RECORD] : undefined;
}

/** Adds a call to `record` (listed while under MAX_CALLS_LISTED). */
export function addCall(record: RequestRecord, subgraph: string, ms: number, outcome: string): void {
  record.callCount++;
  if (record.callCount > MAX_CALLS_LISTED) return;
  const call = { subgraph, ms: Math.round(ms * 10) / 10, outcome };
  if (record.calls === undefined) record.calls = [call];
  else record.calls.push(call);
}

/**
 * What a subgraph call came to: `ok`, the catalogue code of the error it threw (an error that is
 * not the gateway's is INTERNAL_SERVER_ERROR), or for an answer with errors, the code of its
 * first gateway error, else SUBGRAPH_ERROR (a subgraph's own codes are not bounded: never labels).
 */
export function callOutcome(result: SubgraphResult | undefined, thrown?: unknown): string {
  if (result === undefined) return isGatewayError(thrown) ? thrown.extensions.code : 'INTERNAL_SERVER_ERROR';
  const errors = result.errors;
  if (errors === undefined || errors.length === 0) return 'ok';
  for (const error of errors) if (isGatewayError(error)) return error.extensions.code;
  return 'SUBGRAPH_ERROR';
}

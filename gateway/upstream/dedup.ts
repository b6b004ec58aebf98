/**
 * Identical queries in flight at the same time are sent once (stage: subgraph). Modes, per
 * subgraph (`subgraphs[].dedup`):
 *
 * - `shared` (default): across operations. Two callers share a call when they ask the same
 *   subgraph executor for the same body (query text, variables and operation name, as sent) with
 *   the same headers. The map lives per executor (one per subgraph in service), whose configured
 *   headers, URL and deadline are fixed; the per-call headers set by rooms' `headers` hooks (run
 *   before this step, see `call-headers.ts`) are part of the key, so forwarded identities never mix;
 *   the correlation headers (`traceparent`, `tracestate`, `x-request-id`) are not: a shared call
 *   carries its first caller's.
 * - `operation`: only within one client operation (the map lives per operation context).
 * - `off`: every call is sent.
 *
 * A call in flight for more than `MAX_JOIN_AGE` (1 s) takes no new callers: a newcomer sends its
 * own, so a hung call does not hold every identical query until its timeout, nor hide the
 * backend's state from its circuit breaker (which counts calls).
 *
 * Only queries are shared; a mutation or subscription is always sent as asked. Nothing is cached
 * beyond the flight: the entry is dropped when the call settles (or when every caller has gone),
 * so a query sent after a mutation sees its effect. The steps inside this one (retries, metrics,
 * the entity check, the transport and HTTP interceptors) see one call, made with the first
 * caller's request and with its own abort signal and no deadline: each caller leaves at its own
 * request's deadline, and the call is aborted once every caller has left (see `shared-call.ts`).
 */
import type { ExecutionRequest } from '@graphql-tools/utils';
import { getOperationAST } from 'graphql';
import { clientSignal } from '../../core/client-signal.ts';
import { deadlineOf, markDeadlineError } from '../../core/deadline.ts';
import { gatewayError } from '../../core/errors.ts';
import { markShared, outgoingHeaders, sharingKey } from '../../core/outgoing-headers.ts';
import { deriveRequest } from '../../core/request-table.ts';
import type { ExecutorWrapper, SubgraphExecutor } from '../../core/subgraph-call.ts';
import { requestBody } from './request-body.ts';
import { type SharedCall, startSharedCall } from './shared-call.ts';

export type DedupMode = 'shared' | 'operation' | 'off';

/** A caller joins a call in flight for less than this; after it, it sends its own. */
export const MAX_JOIN_AGE = 1_000; // 1 s

export function dedupRequests(serviceName: string, mode: DedupMode = 'shared'): ExecutorWrapper {
  if (mode === 'off') return (next) => next;
  return (next) => {
    // One map per executor put in service: its configured headers and URL are fixed.
    const shared = new Map<string, SharedCall>();
    const perOperation = new WeakMap<object, Map<string, SharedCall>>();
    const inflightFor = (request: ExecutionRequest) => {
      if (mode === 'shared') return shared;
      const context = request.context;
      if (context == null || typeof context !== 'object') return undefined;
      let map = perOperation.get(context);
      if (map === undefined) {
        map = new Map();
        perOperation.set(context, map);
      }
      return map;
    };
    return function dedupExecutor(request) {
      if (operationType(request) !== 'query') return next(request);
      const inflight = inflightFor(request);
      if (inflight === undefined) return next(request);
      const key = callKey(request);
      const signal = clientSignal(request);
      const deadline = deadlineOf(signal);
      let call = inflight.get(key);
      // A call in flight for long is likely hung: a newcomer sends its own (which a breaker counts,
      // and which reaches a backend that has recovered) rather than wait on it.
      if (call !== undefined && performance.now() - call.startedAt > MAX_JOIN_AGE) call = undefined;
      if (call === undefined) {
        // Gone, or past its deadline: the HTTP client refuses it without sending anything.
        if (signal?.aborted || (deadline !== undefined && deadline <= Date.now())) return next(request);
        call = startCall(serviceName, next, request, () => {
          if (inflight.get(key) === call) inflight.delete(key);
        });
        inflight.set(key, call);
      }
      return call.join(signal, deadline);
    };
  };
}

function startCall(
  serviceName: string,
  next: SubgraphExecutor,
  request: ExecutionRequest,
  done: () => void,
): SharedCall {
  return startSharedCall({
    // The call has its own signal, aborted once every caller has gone; the rest is the leader's.
    send: (signal) => next(markShared(deriveRequest(request, { signal }))),
    done,
    abortError: (cause) =>
      gatewayError('SUBGRAPH_UNAVAILABLE', `${serviceName}: the client went away`, { serviceName, cause }),
    deadlineError: () =>
      markDeadlineError(
        gatewayError('GATEWAY_TIMEOUT', `${serviceName} did not answer by the request's deadline`, {
          serviceName,
        }),
      ),
  });
}

/**
 * The body as sent, then every per-call header in name order (but the correlation headers, trace
 * context and request id, which differ per client request): a key that names the whole call.
 */
function callKey(request: ExecutionRequest): string {
  const headers = sharingKey(outgoingHeaders(request));
  return headers === '' ? requestBody(request) : `${requestBody(request)}\n${headers}`;
}

/** The request's operation type; read from the document when the caller did not say. */
function operationType(request: ExecutionRequest): string | undefined {
  return request.operationType ?? getOperationAST(request.document, request.operationName)?.operation;
}

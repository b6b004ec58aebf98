/**
 * Identical upstream requests in flight at the same time within one client operation are sent
 * once: the second caller gets the first one's promise. Once answered, the entry is dropped, so a
 * query sent after a mutation of the same operation is sent again and sees its effect. Only
 * queries are shared (a mutation is never sent once for two callers). The in-flight map lives in a WeakMap keyed by the operation's context, so it dies with
 * the request.
 */
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { getOperationAST } from 'graphql';
import type { ExecutorWrapper } from '../../core/subgraph-call.ts';
import { requestBody } from './request-body.ts';

const inflightByContext = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();

export function dedupRequests(serviceName: string): ExecutorWrapper {
  return (next) =>
    function dedupExecutor(request: ExecutionRequest) {
      const context = request.context as object | undefined;
      if (context == null || typeof context !== 'object' || operationType(request) !== 'query') {
        return next(request);
      }
      let inflight = inflightByContext.get(context);
      if (inflight === undefined) {
        inflight = new Map();
        inflightByContext.set(context, inflight);
      }
      const key = `${serviceName}\n${requestBody(request)}`;
      let promise = inflight.get(key);
      if (promise === undefined) {
        const map = inflight;
        promise = next(request).finally(() => map.delete(key));
        inflight.set(key, promise);
      }
      return promise;
    };
}

/** The request's operation type; read from the document when the caller did not say. */
function operationType(request: ExecutionRequest): string | undefined {
  return request.operationType ?? getOperationAST(request.document, request.operationName)?.operation;
}

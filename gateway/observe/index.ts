/**
 * The observe rooms (stages: operation, subgraph): fills in the record of each request
 * (core/request-record.ts) that metrics and the access log read once it is answered. Made only
 * when one of them is on.
 *
 * - operation (`onParams`, `onExecute`; early in the list, before any room that may answer
 *   without running, like the response cache): the operation's name as sent, then its name and
 *   type from the document once it is valid. Neither hook touches the request stage, so the JSON
 *   fast path stays on.
 * - subgraph (with `calls`; before dedup, so each caller's record lists the calls made for it,
 *   shared or not): each call's subgraph, duration and outcome.
 */
import { getOperationAST } from 'graphql';
import { leadingOperationName } from '../../core/operation-name.ts';
import { addCall, callOutcome, recordOfContext } from '../../core/request-record.ts';
import { callKind, type ExecutorWrapper, type SubgraphInfo } from '../../core/subgraph-call.ts';
import type { Room } from '../room.ts';

export interface ObserveOptions {
  /** Record each request's subgraph calls (the access log lists them). @default false */
  calls?: boolean;
}

export interface Observe {
  /** Operation stage: the operation's name and type. */
  operations: Room;
  /** Subgraph stage, before dedup: each call of each request (with `calls`). */
  calls: Room | undefined;
}

/** The rooms that fill in each request's record. */
export function createObserve(options: ObserveOptions = {}): Observe {
  const operations: Room = {
    name: 'observe',
    plugin: {
      onParams({ params, request, context }) {
        const record = recordOfContext(context);
        if (record === undefined) return;
        record.request = request;
        if (typeof params.operationName === 'string' && params.operationName !== '')
          record.operationName = params.operationName;
        // A request refused before parsing (a rate limit) is still told by its operation's name.
        else if (typeof params.query === 'string') record.operationName = leadingOperationName(params.query);
      },
      onExecute({ args }) {
        const record = recordOfContext(args.contextValue);
        if (record === undefined) return;
        const operation = getOperationAST(args.document, args.operationName);
        if (operation === null || operation === undefined) return;
        record.operationType = operation.operation;
        if (operation.name !== undefined) record.operationName = operation.name.value;
      },
    },
  };
  return {
    operations,
    calls: options.calls === true ? { name: 'observe-calls', subgraph: recordCalls } : undefined,
  };
}

/** Subgraph stage: each call of an operation added to its request's record. */
function recordCalls({ name }: SubgraphInfo): ExecutorWrapper {
  return (next) =>
    async function recordCall(request) {
      const record = recordOfContext(request.context);
      if (record === undefined || callKind(request) !== 'operation') return next(request);
      const start = performance.now();
      try {
        const result = await next(request);
        addCall(record, name, performance.now() - start, callOutcome(result));
        return result;
      } catch (error) {
        addCall(record, name, performance.now() - start, callOutcome(undefined, error));
        throw error;
      }
    };
}

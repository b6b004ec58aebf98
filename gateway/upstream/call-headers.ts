/**
 * The headers of each call (stage: subgraph): runs the rooms' `headers` hooks, in the rooms'
 * order, and adds what they return to the call (`withHeaders`). The composition root places this
 * step before dedup, so the dedup key holds every header the call will carry.
 */
import { type HeaderRule, withHeaders } from '../../core/outgoing-headers.ts';
import type { ExecutorWrapper } from '../../core/subgraph-call.ts';

export function callHeaders(rules: readonly HeaderRule[]): ExecutorWrapper {
  if (rules.length === 0) return (next) => next;
  return (next) =>
    function callHeadersExecutor(request) {
      for (const rule of rules) {
        const values = rule(request);
        if (values !== undefined) withHeaders(request, values);
      }
      return next(request);
    };
}

/**
 * Retries (stage: HTTP, outermost of the resilience steps): an idempotent call (a GraphQL query;
 * a REST call whose method `retry.methods` lists) that could not reach its backend, timed out on
 * its own timeout, or got one of `retry.statuses` is sent again, after a backoff with full jitter
 * (or the backend's `Retry-After` when longer), while the request's deadline leaves time for it
 * and the subgraph's retry budget allows. A mutation, a REST POST, a schema load and a readiness
 * probe are never retried. The last attempt's answer or error is what the caller gets.
 */
import { errorOutcome } from '../../core/call-outcome.ts';
import { deadlineOf } from '../../core/deadline.ts';
import { isGatewayError } from '../../core/errors.ts';
import type { HttpInterceptor, UpstreamRequest, UpstreamResponse } from '../../core/http-client.ts';
import { backoffDelay, retryAfterMs, sleep } from './backoff.ts';
import { RetryBudget } from './retry-budget.ts';
import type { ResilienceSettings } from './settings.ts';

/** The retry step; each subgraph has its own budget. */
export function createRetries(settings: ResilienceSettings): HttpInterceptor {
  const budgets = new Map<string, RetryBudget>();
  const budgetOf = (serviceName: string) => {
    let budget = budgets.get(serviceName);
    if (budget === undefined) {
      budget = new RetryBudget(settings(serviceName).retry);
      budgets.set(serviceName, budget);
    }
    return budget;
  };

  return (next) =>
    async function retry(request) {
      if (request.kind !== undefined && request.kind !== 'operation') return next(request);
      const config = settings(request.serviceName).retry;
      const budget = budgetOf(request.serviceName);
      budget.called(performance.now());
      const idempotent = request.idempotent ?? isIdempotentMethod(request.method, config.methods);
      if (!config.enabled || config.attempts < 2 || !idempotent) return next(request);

      // What the caller gets when no retry is sent, or when a retry is refused before it is sent.
      let last: { error: unknown } | { response: UpstreamResponse } | undefined;
      const giveUp = () => {
        if (last !== undefined && 'error' in last) throw last.error;
        return (last as { response: UpstreamResponse }).response;
      };
      for (let attempt = 1; ; attempt++) {
        let wait = 0;
        try {
          const response = await next(request);
          if (!config.statuses.includes(response.status)) return response;
          wait = retryAfterMs(response.headers['retry-after']) ?? 0;
          last = { response };
        } catch (error) {
          if (errorOutcome(error, request.signal) !== 'failed') {
            // A retry refused before it was sent (an open breaker, a full bulkhead): the caller
            // gets what the call it retried got, not the refusal of a call never made.
            if (last !== undefined && isRefusal(error)) return giveUp();
            throw error;
          }
          last = { error };
        }
        const delay = Math.max(wait, backoffDelay(attempt, config.baseDelay, config.maxDelay));
        if (attempt >= config.attempts || !roomFor(request, delay) || !budget.tryRetry(performance.now())) {
          return giveUp();
        }
        await sleep(delay, request.signal);
        if (request.signal?.aborted) return giveUp();
      }
    };
}

/** Whether the request's deadline leaves time to wait `delay` and try again (a tenth of it at least). */
function roomFor(request: UpstreamRequest, delay: number): boolean {
  if (request.signal?.aborted) return false;
  const deadline = deadlineOf(request.signal);
  if (deadline === undefined) return true;
  const left = deadline - Date.now() - delay;
  return left > 0 && left >= (deadline - Date.now()) / 10;
}

/** A REST call's method is in `methods` (never POST). */
function isIdempotentMethod(method: string | undefined, methods: readonly string[]): boolean {
  const name = (method ?? 'GET').toUpperCase();
  return name !== 'POST' && methods.includes(name);
}

/** A call refused by the gateway before it was sent. */
function isRefusal(error: unknown): boolean {
  if (!isGatewayError(error)) return false;
  const { code } = error.extensions;
  return code === 'SUBGRAPH_CIRCUIT_OPEN' || code === 'SUBGRAPH_OVERLOADED';
}

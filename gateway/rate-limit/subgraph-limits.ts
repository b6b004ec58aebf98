/**
 * Limits that protect a backend (stage: subgraph): each call of an operation to a subgraph with a
 * limit spends one unit; past the limit the call is not sent, and the fields it would have
 * brought are answered null with RATE_LIMITED (the rest of the operation is served). Schema loads
 * and health checks are never limited: the gateway must be able to see its backends.
 */
import { gatewayError } from '../../core/errors.ts';
import { callKind, type ExecutorWrapper } from '../../core/subgraph-call.ts';
import type { TelemetryEvents } from '../../core/telemetry.ts';
import type { SubgraphLimitConfig } from '../config/rate-limit-schema.ts';
import type { GuardedStore } from './guarded-store.ts';
import type { LimitRule } from './store/types.ts';

export function subgraphLimit(
  name: string,
  config: SubgraphLimitConfig,
  store: GuardedStore,
  events?: TelemetryEvents,
): ExecutorWrapper {
  const rule: LimitRule = { algorithm: config.algorithm, limit: config.limit, windowMs: config.window };
  const check = {
    key: `${rule.algorithm}:${rule.windowMs}:subgraph|${name}`,
    rule,
    cost: 1,
    onStoreError: config.onStoreError,
    fallback: rule,
  };
  return (next) =>
    async function subgraphRateLimitExecutor(request) {
      if (callKind(request) !== 'operation') return next(request);
      const [decision] = await store.check([check]);
      events?.rateLimit?.(`subgraph:${name}`, 'subgraph', decision?.allowed !== false);
      if (decision?.allowed !== false) return next(request);
      throw gatewayError('RATE_LIMITED', `calls to subgraph "${name}" are over its rate limit`, {
        serviceName: name,
        extensions: {
          limit: `subgraph:${name}`,
          retryAfter: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
        },
      });
    };
}

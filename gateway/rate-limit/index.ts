/**
 * Rate limits (stages: request, subgraph, response).
 *
 * - request (`onParams`, on the JSON fast path and Yoga's alike; after auth, which records the
 *   caller): every limit of `rateLimit.limits` is checked for the request in one call to the
 *   store (one round trip to Redis); when one is spent, the request ends with RATE_LIMITED,
 *   HTTP 429 and `Retry-After`, before any GraphQL work. Nothing is spent on a limit that
 *   refused; the others that admitted it keep their spend.
 * - response (`onExecutionResult`): `RateLimit-Policy` and `RateLimit` on every response a limit
 *   applied to (`rateLimit.headers`).
 * - subgraph: the calls to a subgraph of `rateLimit.subgraphs` spend its limit (subgraph-limits.ts).
 *
 * The store is the memory one, or the Redis one behind its fail modes (guarded-store.ts); the
 * composition root builds them, so this room never sees ioredis.
 */
import type { IncomingMessage } from 'node:http';
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { gatewayError } from '../../core/errors.ts';
import { identityOf } from '../../core/identity.ts';
import { endRequest, isRequestEnded } from '../../core/request-outcome.ts';
import type { RateLimitConfig } from '../config/rate-limit-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { Room } from '../room.ts';
import { createClientAddress } from './client-ip.ts';
import { createGuardedStore } from './guarded-store.ts';
import { type Applied, rateLimitHeaders, retryAfterSeconds } from './headers.ts';
import { resolveRequestLimit } from './request-limits.ts';
import type { RateLimitStore } from './store/types.ts';
import { subgraphLimit } from './subgraph-limits.ts';

export type { RateLimitConfig } from '../config/rate-limit-schema.ts';
export type { RateLimitStore } from './store/types.ts';

export interface RateLimitsOptions {
  config: RateLimitConfig;
  /** Where the counts are kept: the memory store, or the Redis one (`rateLimit.store`). */
  store: RateLimitStore;
  /** Counts in this process while a shared store is out (limits with `onStoreError: open`). */
  fallback?: RateLimitStore;
  logger: Logger;
}

/** True when the config asks for any limit (else the room is left out of the list). */
export function hasRateLimits(config: RateLimitConfig): boolean {
  return config.limits.length > 0 || Object.keys(config.subgraphs).length > 0;
}

/**
 * Two rooms sharing one store, for two places in the list: `request` after auth (its plugin),
 * `subgraphs` inside dedup (each upstream call once); the store closes with the second.
 */
export interface RateLimits {
  request: Room;
  subgraphs: Room;
}

export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const { config, logger } = options;
  const store = createGuardedStore({ primary: options.store, fallback: options.fallback, logger });
  const limits = config.limits.map(resolveRequestLimit);
  const clientAddress = createClientAddress(config.trustedProxies);
  // What each request's limits answered, for the response's headers.
  const applied = new WeakMap<Request, Applied[]>();

  const plugin: Plugin = {
    onParams(hook) {
      const { request, context } = hook;
      if (limits.length === 0 || isRequestEnded(request)) return;
      const req = (context as { req?: IncomingMessage }).req;
      const input = {
        identity: identityOf(request),
        address: clientAddress({
          remoteAddress: req?.socket?.remoteAddress,
          forwardedFor: request.headers.get('x-forwarded-for'),
        }),
        headers: request.headers,
      };
      const checks = limits.map((limit) => limit.checkOf(input));
      return store.check(checks).then((decisions) => {
        const answers = decisions.map((decision, i) => ({
          name: limits[i]!.name,
          windowMs: checks[i]!.rule.windowMs,
          decision,
        }));
        const refused = answers.filter((a) => !a.decision.allowed);
        if (refused.length === 0) {
          if (config.headers) applied.set(request, answers);
          return;
        }
        const retryAfter = retryAfterSeconds(refused);
        const headers: Record<string, string> = {
          'Retry-After': String(retryAfter),
          ...(config.headers && rateLimitHeaders(answers)),
        };
        const names = refused.map((a) => a.name);
        endRequest(hook, {
          errors: [
            gatewayError('RATE_LIMITED', `rate limit ${names.map((n) => `"${n}"`).join(', ')} exceeded`, {
              extensions: { limit: names[0], limits: names, retryAfter, http: { status: 429, headers } },
            }),
          ],
        });
      });
    },
    onExecutionResult({ request, result, setResult }) {
      const answers = applied.get(request);
      if (answers === undefined || result === undefined || Array.isArray(result)) return;
      if (Symbol.asyncIterator in result) return;
      const single = result as ExecutionResult;
      const http = (single.extensions?.http ?? {}) as { headers?: Record<string, string> };
      setResult({
        ...single,
        extensions: {
          ...single.extensions,
          http: { ...http, headers: { ...http.headers, ...rateLimitHeaders(answers) } },
        },
      });
    },
  };

  const subgraphLimits = new Map(
    Object.entries(config.subgraphs).map(([name, limit]) => [name, subgraphLimit(name, limit, store)]),
  );
  return {
    request: { name: 'rate-limits', plugin },
    subgraphs: {
      name: 'rate-limits-subgraphs',
      subgraph: ({ name }) => subgraphLimits.get(name) ?? ((next) => next),
      close: () => store.close(),
    },
  };
}

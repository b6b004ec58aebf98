/**
 * Several URLs per subgraph (`subgraphs[].loadBalancing`). Stages:
 *
 * - subgraph, before dedup (`headers`, only when some subgraph has a `pinHeader`): the client's
 *   pin header is copied onto the call (pinning.ts), so calls pinned differently are never shared;
 * - HTTP (`http`, an interceptor of the pooled client): a call addressed to a balanced subgraph's
 *   `url` (or a path below it) is sent to one of its targets, chosen by the strategy among those
 *   healthy, not ejected and whose breaker (`isOpen`) is closed (pool.ts); none: the call fails
 *   with SUBGRAPH_CIRCUIT_OPEN and `retryAfter`. Its outcome feeds outlier ejection (outlier.ts).
 *   Other subgraphs' calls pass at the cost of one Map lookup.
 *
 * Active health checks (health-check.ts) start when the composition root hands the room the
 * pooled client (`start`), and stop at `close`.
 */

import type {
  HttpInterceptor,
  SendRequest,
  UpstreamClient,
  UpstreamRequest,
  UpstreamResponse,
} from '../../core/http-client.ts';
import type { TargetStatus } from '../../core/readiness.ts';
import type { LoadBalancingConfig } from '../config/load-balancing-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { Room } from '../room.ts';
import { isOwnCheck, startHealthChecks } from './health-check.ts';
import { pinHeaderRule } from './pinning.ts';
import { createPool, type IsOpen, type Pool } from './pool.ts';
import { targetUrl } from './target.ts';

export type { IsOpen } from './pool.ts';

/** The subgraph entries the room reads (a resolved `subgraphs[]` entry fits). */
export interface BalancedSubgraph {
  name: string;
  url: string;
  /** Sent with every health check. @default {} */
  headers?: Readonly<Record<string, string>>;
  /** @default undefined (the subgraph's calls go to its `url`) */
  loadBalancing?: LoadBalancingConfig;
}

export interface LoadBalancingOptions {
  /** The configured subgraphs; those with `loadBalancing` are balanced. */
  subgraphs: readonly BalancedSubgraph[];
  logger: Logger;
  /**
   * True while the circuit breaker of (subgraph, target origin) is open: the target is skipped.
   * @default () => false
   */
  isOpen?: IsOpen;
  /** The clock, in milliseconds. @default performance.now */
  now?: () => number;
}

export type { TargetStatus } from '../../core/readiness.ts';

/** The room, plus what the composition root calls on it. */
export interface LoadBalancingRoom extends Room {
  http: HttpInterceptor;
  /** Starts the active health checks, which go through `client`. Calling it again is harmless. */
  start(client: UpstreamClient): void;
  /** Each balanced subgraph's targets as they are now, by subgraph name. */
  status(): Record<string, TargetStatus[]>;
}

const NEVER_OPEN: IsOpen = () => false;

/** The load-balancing room; undefined when no subgraph has `loadBalancing`. */
export function createLoadBalancing(options: LoadBalancingOptions): LoadBalancingRoom | undefined {
  const { logger } = options;
  const now = options.now ?? (() => performance.now());
  const isOpen = options.isOpen ?? NEVER_OPEN;
  const pools = new Map<string, Pool>();
  const headers = new Map<string, Readonly<Record<string, string>>>();
  for (const subgraph of options.subgraphs) {
    if (subgraph.loadBalancing === undefined) continue;
    pools.set(
      subgraph.name,
      createPool({
        serviceName: subgraph.name,
        url: subgraph.url,
        config: subgraph.loadBalancing,
        logger,
        isOpen,
        now,
      }),
    );
    headers.set(subgraph.name, subgraph.headers ?? {});
  }
  if (pools.size === 0) return undefined;

  // Not async: other subgraphs' calls pass with no promise of ours around them.
  const http: HttpInterceptor = (next) =>
    function loadBalancedRequest(request) {
      const pool = pools.get(request.serviceName);
      if (pool === undefined || isOwnCheck(request)) return next(request);
      return sendBalanced(pool, request, next);
    };

  let stopChecks: (() => void) | undefined;
  const pinned = [...pools.values()].filter((pool) => pool.pinning !== undefined);
  const rules = new Map(pinned.map((pool) => [pool.serviceName, pinHeaderRule(pool.pinning!)]));
  const noRule = () => undefined;

  return {
    name: 'load-balancing',
    http,
    ...(rules.size > 0 && { headers: ({ name }) => rules.get(name) ?? noRule }),
    start(client) {
      if (stopChecks !== undefined) return;
      const checked = [...pools.values()].flatMap((pool) =>
        pool.healthCheck === undefined
          ? []
          : [
              {
                serviceName: pool.serviceName,
                targets: pool.targets,
                config: pool.healthCheck,
                headers: headers.get(pool.serviceName) ?? {},
              },
            ],
      );
      stopChecks =
        checked.length === 0
          ? () => undefined
          : startHealthChecks({ subgraphs: checked, client, logger, now });
    },
    status() {
      return Object.fromEntries(
        [...pools.values()].map((pool) => [
          pool.serviceName,
          pool.targets.map((target) => ({
            url: target.url,
            version: target.version,
            healthy: target.healthy,
            ejected: target.ejectedUntil > now(),
            inFlight: target.inFlight,
          })),
        ]),
      );
    },
    close() {
      stopChecks?.();
      stopChecks = () => undefined;
    },
  };
}

/** Sends `request` to the target `pool` chooses, and judges that target by the outcome. */
async function sendBalanced(
  pool: Pool,
  request: UpstreamRequest,
  next: SendRequest,
): Promise<UpstreamResponse> {
  const suffix = pool.suffix(typeof request.url === 'string' ? request.url : request.url.href);
  if (suffix === undefined) return next(request);
  const kind = request.kind ?? 'operation';
  if (kind === 'health-check') return probeAny(pool, request, suffix, next);
  const target = pool.choose(kind, request.headers);
  // Only client traffic judges a target: a schema load may reach one that is coming back.
  const judged = kind === 'operation';
  target.inFlight++;
  let response: UpstreamResponse;
  try {
    response = await next({ ...request, url: targetUrl(target, suffix) });
  } catch (error) {
    if (judged && !request.signal?.aborted) pool.outliers.threw(target, error);
    throw error;
  } finally {
    target.inFlight--;
  }
  if (judged) pool.outliers.answered(target, response);
  return response;
}

/**
 * A readiness probe of a balanced subgraph (`/readyz`): it is up while any of its targets is, so
 * every target is probed at once (one timeout for all) and the first answer below 500 wins. A
 * probe that landed on the one target down would take the gateway out of rotation while its calls
 * all succeed on the others.
 */
function probeAny(
  pool: Pool,
  request: UpstreamRequest,
  suffix: string,
  next: SendRequest,
): Promise<UpstreamResponse> {
  return new Promise((resolve, reject) => {
    let pending = pool.targets.length;
    let last: { error: unknown } | { response: UpstreamResponse } = { error: undefined };
    const settled = () => {
      if (--pending > 0) return;
      if ('response' in last) resolve(last.response);
      else reject(last.error);
    };
    for (const target of pool.targets) {
      next({ ...request, url: targetUrl(target, suffix) }).then(
        (response) => {
          if (response.status < 500) resolve(response);
          else last = { response };
          settled();
        },
        (error: unknown) => {
          last = { error };
          settled();
        },
      );
    }
  });
}

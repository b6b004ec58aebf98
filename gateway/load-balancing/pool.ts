/**
 * One load-balanced subgraph: its targets, which of them may take a call now, and the choice of
 * one. A target may take a client operation's call when active health checks say it is healthy,
 * it is not ejected, and its origin's circuit breaker (`isOpen`) is not open. A call pinned to a
 * version goes to that target or nowhere. Schema loads and readiness probes are not client
 * traffic: they take the targets in turn, those that may take calls first, any other when none may
 * (a load from a target coming back is harmless, and the loader retries), apart from the
 * strategy's count (so weighted counts stay exact).
 */
import { gatewayError } from '../../core/errors.ts';
import type { UpstreamCallKind } from '../../core/http-client.ts';
import type { HealthCheckConfig, LoadBalancingConfig } from '../config/load-balancing-schema.ts';
import type { Logger } from '../logger/index.ts';
import { createOutlierDetector, type OutlierDetector } from './outlier.ts';
import { createPinning, type Pinning, pinnedTarget } from './pinning.ts';
import { createPicker, type Picker, roundRobin } from './strategies.ts';
import { createTarget, suffixAfter, type Target } from './target.ts';

/** True while the circuit breaker of `origin` for `serviceName` lets no call through. */
export type IsOpen = (serviceName: string, origin: string) => boolean;

/** What a pool is built from: one `subgraphs[]` entry with `loadBalancing`. */
export interface PoolOptions {
  serviceName: string;
  /** The subgraph's `url`: calls addressed to it (or below it) are balanced. */
  url: string;
  config: LoadBalancingConfig;
  logger: Logger;
  isOpen: IsOpen;
  now: () => number;
}

export interface Pool {
  readonly serviceName: string;
  readonly targets: readonly Target[];
  readonly pinning: Pinning | undefined;
  readonly outliers: OutlierDetector;
  readonly healthCheck: HealthCheckConfig | undefined;
  /** What follows the subgraph's `url` in `url`; undefined when `url` is not below it. */
  suffix(url: string): string | undefined;
  /**
   * The target for one call; throws SUBGRAPH_CIRCUIT_OPEN (with `retryAfter`) when a client
   * operation's call (or a pinned one) has none.
   */
  choose(kind: UpstreamCallKind, headers: Readonly<Record<string, string>> | undefined): Target;
}

// A target blocked by its breaker alone may come back at any moment: clients retry after this.
const UNKNOWN_RETRY_AFTER = 1; // s

export function createPool(options: PoolOptions): Pool {
  const { serviceName, config, isOpen, now } = options;
  const targets = config.targets.map(createTarget);
  const outliers = createOutlierDetector({
    serviceName,
    config: config.outlierDetection,
    logger: options.logger,
    now,
    // At most `maxEjectionPercent` of the targets out at once.
    canEject: (target) => {
      const at = now();
      const out = targets.filter((other) => other !== target && other.ejectedUntil > at).length;
      // As Envoy: one target of two or more may always be ejected, whatever the percent.
      const most = Math.floor((targets.length * config.outlierDetection.maxEjectionPercent) / 100);
      return out + 1 <= Math.max(targets.length >= 2 ? 1 : 0, most);
    },
  });
  const pick: Picker = createPicker(config.strategy, targets);
  const pickOther: Picker = roundRobin(targets);
  const pinning = createPinning(config.pinHeader, targets);
  const available = (target: Target) =>
    target.healthy && !outliers.ejected(target) && !isOpen(serviceName, target.origin);

  /** Seconds until the soonest of `blocked` may take calls again, as far as the room knows. */
  const retryAfter = (blocked: readonly Target[]): number => {
    const at = now();
    let soonest = Number.POSITIVE_INFINITY;
    for (const target of blocked) {
      let back = at;
      if (target.ejectedUntil > at) back = target.ejectedUntil;
      if (!target.healthy && config.healthCheck !== undefined) {
        // The next check, then as many more as it takes to be healthy again.
        const checks =
          Math.max(target.nextCheckAt, at) +
          config.healthCheck.interval * (config.healthCheck.healthyThreshold - 1);
        back = Math.max(back, checks);
      }
      // Blocked by nothing the room knows of (its breaker): it may come back at any moment.
      soonest = Math.min(soonest, back > at ? back : at + UNKNOWN_RETRY_AFTER * 1_000);
    }
    return Math.max(1, Math.ceil((soonest - at) / 1_000));
  };

  const refuse = (blocked: readonly Target[], what: string) =>
    gatewayError('SUBGRAPH_CIRCUIT_OPEN', `${serviceName}: ${what}`, {
      serviceName,
      extensions: { retryAfter: retryAfter(blocked) },
    });

  return {
    serviceName,
    targets,
    pinning,
    outliers,
    healthCheck: config.healthCheck,
    suffix: suffixAfter(options.url),
    choose(kind, headers) {
      if (kind === 'schema-load' || kind === 'health-check') {
        return (pickOther(available) ?? pickOther(() => true))!;
      }
      const pinned = pinnedTarget(pinning, headers);
      if (pinned !== undefined) {
        if (available(pinned)) return pinned;
        throw refuse([pinned], `the URL of version ${pinned.version} cannot take calls now`);
      }
      const target = pick(available);
      if (target === undefined) throw refuse(targets, 'none of its URLs can take calls now');
      return target;
    },
  };
}

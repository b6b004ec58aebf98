/**
 * Passive outlier ejection: a target whose calls fail `consecutiveFailures` times in a row
 * (unreachable, timed out, HTTP 502/503/504; never a call its caller gave up on) is taken out for
 * `baseEjectionTime` × the number of ejections in a row, at most `maxEjectionTime`; a success
 * resets the count. At most `maxEjectionPercent` of the targets are out at once. It rejoins by itself when its time is up (checked when a call looks at it);
 * a target that then stays in for `maxEjectionTime` starts again from `baseEjectionTime`.
 */
import { errorOutcome } from '../../core/call-outcome.ts';
import { isGatewayError } from '../../core/errors.ts';
import type { UpstreamResponse } from '../../core/http-client.ts';
import type { OutlierDetectionConfig } from '../config/load-balancing-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { Target } from './target.ts';

/** Answers that say the target (or the proxy in front of it) cannot serve. */
const FAILING_STATUSES = new Set([502, 503, 504]);

/** Outlier ejection of one subgraph's targets. */
export interface OutlierDetector {
  /** Records an answer: a 502, 503 or 504 is a failure, any other status a success. */
  answered(target: Target, response: UpstreamResponse): void;
  /** Records a thrown error: unreachable and timed out are failures; others say nothing. */
  threw(target: Target, error: unknown): void;
  /** True while `target` is ejected; notices (and logs) the end of an ejection. */
  ejected(target: Target): boolean;
}

export interface OutlierOptions {
  serviceName: string;
  /**
   * False when ejecting `target` would take more than `maxEjectionPercent` of the targets out:
   * it stays in (its circuit breaker still judges it), so a short blip on every URL cannot take
   * the subgraph out for `baseEjectionTime`. @default () => true
   */
  canEject?: (target: Target) => boolean;
  config: OutlierDetectionConfig;
  logger: Logger;
  /** The clock, in milliseconds. */
  now: () => number;
}

/** The ejection length of the `ejections`-th ejection in a row. */
export function ejectionTime(config: OutlierDetectionConfig, ejections: number): number {
  return Math.min(config.baseEjectionTime * ejections, config.maxEjectionTime);
}

export function createOutlierDetector(options: OutlierOptions): OutlierDetector {
  const { config, logger, now, serviceName } = options;

  const failed = (target: Target, why: string) => {
    if (!config.enabled || target.ejectedUntil !== 0) return;
    target.failures++;
    if (target.failures < config.consecutiveFailures) return;
    if (options.canEject?.(target) === false) return;
    const at = now();
    if (target.ejections > 0 && at - target.rejoinedAt >= config.maxEjectionTime) target.ejections = 0;
    target.ejections++;
    const time = ejectionTime(config, target.ejections);
    target.ejectedUntil = at + time;
    target.failures = 0;
    logger.warn(`subgraph ${serviceName}: ${target.url} ejected for ${time} ms`, {
      serviceName,
      target: target.url,
      failures: config.consecutiveFailures,
      ejections: target.ejections,
      cause: why,
    });
  };

  return {
    answered(target, response) {
      if (FAILING_STATUSES.has(response.status)) failed(target, `HTTP ${response.status}`);
      else target.failures = 0;
    },
    threw(target, error) {
      // The same judgement as the breakers': unreachable or timed out (never a deadline the
      // client asked for, nor a call its caller gave up on, checked by the caller).
      if (errorOutcome(error, undefined) === 'failed') failed(target, String(codeOf(error)));
    },
    ejected(target) {
      if (target.ejectedUntil === 0) return false;
      const at = now();
      if (at < target.ejectedUntil) return true;
      target.rejoinedAt = target.ejectedUntil;
      target.ejectedUntil = 0;
      logger.info(`subgraph ${serviceName}: ${target.url} rejoins after its ejection`, {
        serviceName,
        target: target.url,
      });
      return false;
    },
  };
}

function codeOf(error: unknown): string | undefined {
  return isGatewayError(error) ? error.extensions.code : undefined;
}

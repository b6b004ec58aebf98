/**
 * One URL of a load-balanced subgraph and what the room knows of it: calls in flight, the smooth
 * weighted round robin's running weight, active health, passive ejection. And the rewriting of a
 * call's URL from the subgraph's `url` to the target's.
 */
import type { LoadBalancingTargetConfig } from '../config/load-balancing-schema.ts';

/** A target's mutable state; one per configured target, for the gateway's life. */
export interface Target {
  /** The configured URL. */
  readonly url: string;
  /** The URL without trailing slashes, which a path below the subgraph's `url` is appended to. */
  readonly base: string;
  /** `scheme://host:port`, what per-origin breakers and pools are keyed on. */
  readonly origin: string;
  readonly version: string | undefined;
  readonly weight: number;
  /** Calls sent to it and not yet answered. */
  inFlight: number;
  /** The smooth weighted round robin's running weight (strategies.ts). */
  current: number;
  /** False while active health checks say it is down; always true without them. */
  healthy: boolean;
  /** Health checks in a row that succeeded (while unhealthy) or failed (while healthy). */
  streak: number;
  /** When the next health check is due (ms, the room's clock); 0 without health checks. */
  nextCheckAt: number;
  /** Calls in a row that failed (outlier.ts). */
  failures: number;
  /** Ejections since it last stayed in for `maxEjectionTime`. */
  ejections: number;
  /** When an ejection ends (ms, the room's clock); 0 while it is in. */
  ejectedUntil: number;
  /** When it last rejoined after an ejection (ms, the room's clock). */
  rejoinedAt: number;
}

/** A fresh target from its config. */
export function createTarget(config: LoadBalancingTargetConfig): Target {
  return {
    url: config.url,
    base: withoutTrailingSlashes(config.url),
    origin: new URL(config.url).origin,
    version: config.version,
    weight: config.weight ?? 1,
    inFlight: 0,
    current: 0,
    healthy: true,
    streak: 0,
    nextCheckAt: 0,
    failures: 0,
    ejections: 0,
    ejectedUntil: 0,
    rejoinedAt: 0,
  };
}

/**
 * Rewrites calls addressed to the subgraph's `url`: the returned function gives, for a call's URL,
 * the part after that prefix (`''` for the URL itself, `/users?id=1` below a REST base URL), or
 * undefined when the URL is not the subgraph's (the call is then sent where it is addressed).
 */
export function suffixAfter(subgraphUrl: string): (url: string) => string | undefined {
  const base = withoutTrailingSlashes(subgraphUrl);
  return function suffix(url) {
    if (url === subgraphUrl || url === base) return '';
    if (!url.startsWith(base)) return undefined;
    const rest = url.slice(base.length);
    // `http://api/v1` is a prefix of `http://api/v10/users` as text, not as a URL.
    return rest[0] === '/' || rest[0] === '?' || rest[0] === '#' ? rest : undefined;
  };
}

/** The URL a call goes to on `target`, given what followed the subgraph's `url` (`suffixAfter`). */
export function targetUrl(target: Target, suffix: string): string {
  return suffix === '' ? target.url : `${target.base}${suffix}`;
}

function withoutTrailingSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The rate-limit headers of the IETF draft "RateLimit header fields for HTTP"
 * (draft-ietf-httpapi-ratelimit-headers-10): `RateLimit-Policy` lists each limit that applied
 * (`"per-client";q=50;w=60`: quota and window in seconds), `RateLimit` its state after this
 * request (`"per-client";r=12;t=30`: remaining units, seconds until whole again). `Retry-After`
 * (RFC 9110) goes on refusals only: the seconds until the refusing limits could pass.
 *
 * A policy without `qu` counts requests (the draft's default). A limit that counts cost units
 * (`cost` above 1, or `cost: operation`) has no registered unit to name (the draft's registry
 * holds `requests`, `content-bytes`, `concurrent-requests`), so it says so with a parameter of
 * our own, `gatehouse-qu="cost"` (the draft asks service-specific parameters to carry a vendor
 * prefix; clients ignore parameters they do not know).
 *
 * A refused limit's `t` is never below its own wait (`Retry-After` is the longest of those):
 * a cost larger than the whole limit refuses a fresh counter (already whole, reset 0) and is
 * told to wait a window, and the header must not say the limit is whole sooner than that.
 */
import type { RateLimitDecision } from './store/types.ts';

/** A decision with the limit it is for. */
export interface Applied {
  name: string;
  windowMs: number;
  /** The limit counts cost units (`cost` above 1, or `cost: operation`), not requests. */
  countsCost?: boolean;
  decision: RateLimitDecision;
  /** This limit's `RateLimit-Policy` item, made once (`policyItem`) when its quota is the decision's. */
  policy?: string | undefined;
}

/** The quota unit of a limit counting cost units: an extension parameter (see above). */
const COST_UNIT = ';gatehouse-qu="cost"';

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

/** Seconds until a refused check could be admitted (at least 1). */
const waitSeconds = (decision: RateLimitDecision) => Math.max(1, seconds(decision.retryAfterMs));

/** Seconds until the limit is whole again; for a refused limit, never before it could admit. */
const resetSeconds = ({ decision }: Applied) =>
  decision.allowed ? seconds(decision.resetMs) : Math.max(seconds(decision.resetMs), waitSeconds(decision));

/** A limit's item of `RateLimit-Policy`: `"name";q=50;w=60`. */
export function policyItem(
  name: string,
  quota: number,
  windowMs: number,
  countsCost: boolean | undefined,
): string {
  return `"${name}";q=${quota};w=${seconds(windowMs)}${countsCost ? COST_UNIT : ''}`;
}

export function rateLimitHeaders(applied: readonly Applied[]): Record<string, string> {
  // Built by concatenation: this runs for every response a limit applied to.
  let policy = '';
  let state = '';
  for (let i = 0; i < applied.length; i++) {
    const a = applied[i]!;
    const separator = i === 0 ? '' : ', ';
    policy += separator + (a.policy ?? policyItem(a.name, a.decision.limit, a.windowMs, a.countsCost));
    state += `${separator}"${a.name}";r=${a.decision.remaining};t=${resetSeconds(a)}`;
  }
  return { 'RateLimit-Policy': policy, RateLimit: state };
}

/** Seconds until every refused limit could admit the request again (at least 1). */
export function retryAfterSeconds(refused: readonly Applied[]): number {
  let wait = 1;
  for (const a of refused) wait = Math.max(wait, waitSeconds(a.decision));
  return wait;
}

/**
 * One round of limits for one request: each applicable limit's check, all sent to the store at
 * once; the answers recorded for the response's headers; and, when a limit is spent, the
 * RATE_LIMITED result (HTTP 429, `Retry-After`) that ends the request.
 */
import type { ExecutionResult } from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import type { RateLimitScope, TelemetryEvents } from '../../core/telemetry.ts';
import type { GuardedCheck, GuardedStore } from './guarded-store.ts';
import { type Applied, rateLimitHeaders, retryAfterSeconds } from './headers.ts';
import type { KeyInput } from './keys.ts';
import type { RequestLimit } from './request-limits.ts';

export interface ApplyOptions {
  store: GuardedStore;
  /** Send `RateLimit-Policy` and `RateLimit` (on a 429 too). */
  headers: boolean;
  /**
   * Adds a round's answers to those of the request (kept for its response's headers when
   * `headers`); returns them all.
   */
  record(request: Request, answers: readonly Applied[]): readonly Applied[];
  /** Told each limit's decision (metrics), when set. @default undefined */
  events?: TelemetryEvents;
}

/** The refusal, or undefined when every limit admitted the request (or none applied). */
export async function applyLimits(
  request: Request,
  limits: readonly RequestLimit[],
  input: KeyInput,
  options: ApplyOptions,
  cost?: number,
): Promise<ExecutionResult | undefined> {
  const applying: RequestLimit[] = [];
  const checks: GuardedCheck[] = [];
  for (const limit of limits) {
    const check = limit.checkOf(input, cost);
    if (check === undefined) continue;
    applying.push(limit);
    checks.push(check);
  }
  if (checks.length === 0) return undefined;
  // All or nothing: a request a limit refuses spends none of the others.
  const decisions = await options.store.check(checks, { together: true });
  const answers: Applied[] = decisions.map((decision, i) => ({
    name: applying[i]!.name,
    windowMs: checks[i]!.rule.windowMs,
    countsCost: applying[i]!.countsCost,
    decision,
  }));
  const all = options.record(request, answers);
  const told = options.events?.rateLimit;
  if (told !== undefined) {
    const scope: RateLimitScope = cost === undefined ? 'request' : 'operation';
    for (const a of answers) told(a.name, scope, a.decision.allowed);
  }
  const refused = answers.filter((a) => !a.decision.allowed);
  return refused.length === 0 ? undefined : refusalResult(refused, all, options.headers);
}

/**
 * The 429 that ends a request or an operation: one RATE_LIMITED error naming the `refused`
 * limits, `Retry-After` until all of them could admit it, and the `RateLimit` headers of `all`
 * the limits that applied (when `headers`).
 */
export function refusalResult(
  refused: readonly Applied[],
  all: readonly Applied[],
  headers: boolean,
): ExecutionResult {
  const retryAfter = retryAfterSeconds(refused);
  const spent = refused.map((a) => a.name);
  return {
    errors: [
      gatewayError('RATE_LIMITED', `rate limit ${spent.map((n) => `"${n}"`).join(', ')} exceeded`, {
        extensions: {
          limit: spent[0],
          limits: spent,
          retryAfter,
          http: {
            status: 429,
            headers: { 'Retry-After': String(retryAfter), ...(headers && rateLimitHeaders(all)) },
          },
        },
      }),
    ],
  };
}

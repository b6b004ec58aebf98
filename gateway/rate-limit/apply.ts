/**
 * One round of limits for one request: each applicable limit's check, all sent to the store at
 * once; the answers recorded for the response's headers; and, when a limit is spent, the
 * RATE_LIMITED result (HTTP 429, `Retry-After`) that ends the request.
 */
import type { ExecutionResult } from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import type { GuardedCheck, GuardedStore } from './guarded-store.ts';
import { type Applied, rateLimitHeaders, retryAfterSeconds } from './headers.ts';
import type { KeyInput } from './keys.ts';
import type { RequestLimit } from './request-limits.ts';

export interface ApplyOptions {
  store: GuardedStore;
  /** Send `RateLimit-Policy` and `RateLimit`. */
  headers: boolean;
  /** Where each request's answers are kept until its response (both rounds add to them). */
  applied: WeakMap<Request, Applied[]>;
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
  const all = [...(options.applied.get(request) ?? []), ...answers];
  if (options.headers) options.applied.set(request, all);
  const refused = answers.filter((a) => !a.decision.allowed);
  if (refused.length === 0) return undefined;
  const retryAfter = retryAfterSeconds(refused);
  const headers: Record<string, string> = {
    'Retry-After': String(retryAfter),
    ...(options.headers && rateLimitHeaders(all)),
  };
  const spent = refused.map((a) => a.name);
  return {
    errors: [
      gatewayError('RATE_LIMITED', `rate limit ${spent.map((n) => `"${n}"`).join(', ')} exceeded`, {
        extensions: { limit: spent[0], limits: spent, retryAfter, http: { status: 429, headers } },
      }),
    ],
  };
}

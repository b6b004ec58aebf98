/**
 * The limits on whole requests, resolved from the config: for each, the counter key of a request
 * (keys.ts) and the rule that applies to its caller (the plan's, when the caller's identity names
 * a plan the limit lists).
 */
import type { Identity } from '../../core/identity.ts';
import type { RequestLimitConfig } from '../config/rate-limit-schema.ts';
import type { GuardedCheck } from './guarded-store.ts';
import { createKeyOf, type KeyInput } from './keys.ts';
import type { LimitRule } from './store/types.ts';

export interface RequestLimit {
  name: string;
  /** Spends the operation's cost (checked at the operation stage), not a fixed number of units. */
  byCost: boolean;
  /** Spends cost units rather than one per request (`cost` above 1, or `cost: operation`). */
  countsCost: boolean;
  /**
   * The check of one request against this limit, spending `cost` units (the operation's, for a
   * limit `byCost`; else the limit's own); undefined when it does not apply (`whenMissing: skip`).
   */
  checkOf(input: KeyInput, cost?: number): GuardedCheck | undefined;
}

export function resolveRequestLimit(config: RequestLimitConfig): RequestLimit {
  const base: LimitRule = { algorithm: config.algorithm, limit: config.limit, windowMs: config.window };
  const plans = new Map<string, LimitRule>(
    Object.entries(config.plans).map(([plan, p]) => [
      plan,
      { algorithm: config.algorithm, limit: p.limit, windowMs: p.window ?? config.window },
    ]),
  );
  const keyOf = createKeyOf(config.name, config.by, config.whenMissing);
  const ruleOf = (identity: Identity | undefined) =>
    (identity?.plan !== undefined && plans.get(identity.plan)) || base;
  return {
    name: config.name,
    byCost: config.cost === 'operation',
    countsCost: config.cost === 'operation' || config.cost > 1,
    checkOf(input, cost) {
      const key = keyOf(input);
      if (key === undefined) return undefined;
      const rule = ruleOf(input.identity);
      return {
        // The rule's shape is in the key: a counter is never read under another algorithm or window.
        key: `${rule.algorithm}:${rule.windowMs}:${key}`,
        rule,
        cost: config.cost === 'operation' ? operationUnits(cost) : config.cost,
        onStoreError: config.onStoreError,
        fallback: config.fallbackLimit === undefined ? rule : { ...rule, limit: config.fallbackLimit },
      };
    },
  };
}

/**
 * The units an operation of estimated `cost` spends: whole, at least 1; an estimate that is not
 * a finite number (it never should be) spends more than any limit holds, so it is refused.
 */
function operationUnits(cost: number | undefined): number {
  if (cost === undefined) return 1;
  if (!Number.isFinite(cost)) return Number.MAX_SAFE_INTEGER;
  return Math.max(1, Math.ceil(cost));
}

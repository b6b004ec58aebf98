/**
 * The room's options, normalised once: each named policy becomes a function of the caller and
 * the coordinate (a claim rule of the YAML config, or the TypeScript config's own function).
 */
import type { Identity } from '../../core/identity.ts';
import type { PoliciesConfig, PolicyFunction, SubgraphPoliciesConfig } from '../config/policies-schema.ts';

export interface PoliciesOptions {
  /** `policies` of the config. @default { named: {}, onDenied: 'remove', timeout: 1000 } */
  policies?: Partial<PoliciesConfig>;
  /** Each subgraph's `policies` of the config, by subgraph name. @default new Map() */
  subgraphs?: ReadonlyMap<string, SubgraphPoliciesConfig>;
  /**
   * `limits.maxFields`: most fields a rewritten operation may select, fragments expanded (a field
   * kept for several types of an abstract selection is selected once per type); 0: none.
   * @default 0
   */
  maxFields?: number;
  /** `auth.realm`: the realm a rejection's 401 names in `WWW-Authenticate`. @default 'gatehouse' */
  realm?: string;
}

export interface ResolvedPolicies {
  named: ReadonlyMap<string, PolicyFunction>;
  onDenied: 'remove' | 'reject';
  /** Milliseconds a named policy may take for one field; past it the field is refused. */
  timeout: number;
  subgraphs: ReadonlyMap<string, SubgraphPoliciesConfig>;
  maxFields: number;
  /** `WWW-Authenticate` of a rejection's 401 (RFC 7235 §3.1, as the auth room answers). */
  challenge: string;
}

type ClaimValue = string | number | boolean;
type ClaimRule = { claim: string; equals: ClaimValue } | { claim: string; oneOf: readonly ClaimValue[] };

export function normalizeOptions(options: PoliciesOptions): ResolvedPolicies {
  const named = new Map<string, PolicyFunction>();
  for (const [name, rule] of Object.entries(options.policies?.named ?? {})) {
    named.set(name, typeof rule === 'function' ? rule : claimPolicy(rule as ClaimRule));
  }
  return {
    named,
    onDenied: options.policies?.onDenied ?? 'remove',
    timeout: options.policies?.timeout ?? 1_000, // 1 s
    subgraphs: options.subgraphs ?? new Map(),
    maxFields: options.maxFields ?? 0,
    challenge: `Bearer realm="${(options.realm ?? 'gatehouse').replace(/["\\]/g, '')}"`,
  };
}

/** Passes when the claim (or, for a list, one of its items) is the value, or one of the values. */
function claimPolicy(rule: ClaimRule): PolicyFunction {
  const accepted: readonly ClaimValue[] = 'equals' in rule ? [rule.equals] : rule.oneOf;
  const path = rule.claim.split('.');
  return (identity: Identity | undefined) => {
    const claims = identity?.claims;
    // A claim named with dots (`https://example.com/roles`) is read whole; else `a.b` is nested.
    let value: unknown =
      claims !== undefined && Object.hasOwn(claims, rule.claim) ? claims[rule.claim] : claims;
    if (claims !== undefined && !Object.hasOwn(claims, rule.claim))
      for (const step of path) {
        value =
          typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[step] : undefined;
      }
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => accepted.includes(v as ClaimValue));
  };
}

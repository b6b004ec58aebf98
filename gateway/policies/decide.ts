/**
 * The decision for one operation and one caller, cached. Per document (and operation name), the
 * fields it selects that carry requirements are found once (`checks`). Per request, each is
 * judged for the caller, all together: scopes and authentication are set lookups, named policies
 * run once per (policy, coordinate) in the request, concurrently. The verdicts together are the caller's policy-relevant
 * outcome: the rewrite is cached per (document, outcome), so the plan engine plans each outcome
 * once and never serves one caller's plan to another.
 */
import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Identity } from '../../core/identity.ts';
import type { PolicyIndex } from './build-index.ts';
import { judge, type PolicyCheck, type Verdict } from './requirements.ts';
import { type Rewrite, rewriteOperation } from './rewrite.ts';

/** Outcomes kept per document: past it the oldest is dropped (3 verdicts per check bound them). */
const MAX_OUTCOMES = 64;

interface Known {
  /** The coordinates with requirements this operation selects, in a stable order. */
  checks: readonly string[];
  outcomes: Map<string, Rewrite>;
}

export interface Decider {
  /**
   * The rewrite for this caller, or undefined when it may see every field it selects; undefined
   * at once (no promise) when the operation selects no field with a requirement.
   */
  decide(
    document: DocumentNode,
    operationName: string | undefined,
    identity: Identity | undefined,
    policy: PolicyCheck,
  ): Promise<Rewrite | undefined> | undefined;
}

const VERDICT_LETTER: Record<Verdict, string> = { allowed: 'a', UNAUTHENTICATED: 'u', FORBIDDEN: 'f' };

export function createDecider(schema: GraphQLSchema, index: PolicyIndex): Decider {
  const known = new WeakMap<DocumentNode, Map<string, Known>>();
  const checksOf = (document: DocumentNode, operationName: string | undefined): Known => {
    let byName = known.get(document);
    if (byName === undefined) {
      byName = new Map();
      known.set(document, byName);
    }
    const name = operationName ?? '';
    let entry = byName.get(name);
    if (entry === undefined) {
      const checks = new Set<string>();
      rewriteOperation(schema, document, operationName, (type, field) => {
        const coordinate = `${type.name}.${field}`;
        if (index.fields.has(coordinate)) checks.add(coordinate);
        return 'allowed';
      });
      entry = { checks: [...checks], outcomes: new Map() };
      byName.set(name, entry);
    }
    return entry;
  };

  const decideFor = async (
    entry: Known,
    document: DocumentNode,
    operationName: string | undefined,
    identity: Identity | undefined,
    policy: PolicyCheck,
  ): Promise<Rewrite | undefined> => {
    // Judged together: named policies that call out cost the slowest one, not their sum.
    const judged = await Promise.all(
      entry.checks.map((coordinate) => judge(index.fields.get(coordinate)!, identity, coordinate, policy)),
    );
    const verdicts = new Map<string, Verdict>();
    let outcome = '';
    let refused = false;
    judged.forEach((verdict, i) => {
      verdicts.set(entry.checks[i]!, verdict);
      outcome += VERDICT_LETTER[verdict];
      refused ||= verdict !== 'allowed';
    });
    if (!refused) return undefined;
    let rewrite = entry.outcomes.get(outcome);
    if (rewrite === undefined) {
      let unjudged = false;
      rewrite = rewriteOperation(schema, document, operationName, (type, field) => {
        const coordinate = `${type.name}.${field}`;
        if (!index.fields.has(coordinate)) return 'allowed';
        const verdict = verdicts.get(coordinate);
        if (verdict !== undefined) return verdict;
        // The checks hold every coordinate this walk meets; one they missed is refused, never
        // allowed, and the rewrite is not kept (its verdict is not part of the outcome).
        unjudged = true;
        return identity === undefined ? 'UNAUTHENTICATED' : 'FORBIDDEN';
      });
      // A refused check always removes a field: the walk found it there.
      if (rewrite === undefined) return undefined;
      if (unjudged) return rewrite;
      if (entry.outcomes.size >= MAX_OUTCOMES) entry.outcomes.delete(entry.outcomes.keys().next().value!);
      entry.outcomes.set(outcome, rewrite);
    }
    return rewrite;
  };

  return {
    decide(document, operationName, identity, policy) {
      // A graph without policies costs nothing per operation.
      if (index.fields.size === 0) return undefined;
      const entry = checksOf(document, operationName);
      if (entry.checks.length === 0) return undefined;
      return decideFor(entry, document, operationName, identity, policy);
    },
  };
}

/**
 * The decision for one operation and one caller, cached. Per document (and operation name), the
 * fields it selects that carry requirements are found once (`checks`). Per request, each is
 * judged for the caller, all together: scopes and authentication are set lookups, named policies
 * run once per (policy, coordinate) in the request, concurrently. The verdicts together are the caller's policy-relevant
 * outcome: the rewrite is cached per (document, outcome), so the plan engine plans each outcome
 * once and never serves one caller's plan to another.
 */
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import type { FieldGate, FieldRefusal, GatedSelection } from '../../core/field-gate.ts';
import type { Identity } from '../../core/identity.ts';
import type { PolicyIndex } from './build-index.ts';
import { gatedOccurrences, type Occurrence } from './gated.ts';
import { holds } from './patch.ts';
import { judge, type PolicyCheck, type Verdict } from './requirements.ts';
import { type FieldVerdict, type Rewrite, rewriteOperation } from './rewrite.ts';

/** Outcomes kept per document: past it the oldest is dropped (3 verdicts per check bound them). */
const MAX_OUTCOMES = 64;

interface Known {
  /** The coordinates with requirements this operation selects, in a stable order. */
  checks: readonly string[];
  /** The selections of coordinates the gate watches. */
  gated: readonly Occurrence[];
  /** The coordinates of `gated`, in a stable order (each a letter of the outcome). */
  gatedCoordinates: readonly string[];
  outcomes: Map<string, Rewrite>;
}

/** What the gate needs of the request, made only when the operation selects a watched field. */
export interface GateContext {
  request: Request;
  context: unknown;
  /** The operation's variables, coerced (computed on first call). */
  variables(): Readonly<Record<string, unknown>>;
}

/** The operation as it runs for this caller. */
export type Decision =
  | {
      rewrite: Rewrite;
      /** Why each coordinate a gate refused is refused (for the errors at their paths). */
      refusals: ReadonlyMap<string, FieldRefusal>;
    }
  | { reject: ExecutionResult };

export interface Decider {
  /**
   * The rewrite for this caller, or undefined when it may see every field it selects; undefined
   * at once (no promise) when the operation selects no field with a requirement or a gate.
   */
  decide(
    document: DocumentNode,
    operationName: string | undefined,
    identity: Identity | undefined,
    policy: PolicyCheck,
    gateContext: () => GateContext | undefined,
  ): Promise<Decision | undefined> | undefined;
}

const VERDICT_LETTER: Record<Verdict, string> = { allowed: 'a', UNAUTHENTICATED: 'u', FORBIDDEN: 'f' };
const NO_REFUSALS: ReadonlyMap<string, FieldRefusal> = new Map();

/**
 * The decider of one schema: `index` its policies, `gate` (when one watches coordinates of it)
 * the room that refuses fields for its own reasons. Policies are judged first: a field they
 * refuse, and any under it, is not shown to the gate (a field that never runs is not counted).
 */
export function createDecider(schema: GraphQLSchema, index: PolicyIndex, gate?: FieldGate): Decider {
  // Asked on first use: the gate indexes the schema when it is put in service, as this room does.
  let watchedSet: ReadonlySet<string> | undefined;
  const watched = () => (watchedSet ??= gate?.watched(schema) ?? new Set<string>());
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
      if (index.fields.size > 0)
        rewriteOperation(schema, document, operationName, (type, field) => {
          const coordinate = `${type.name}.${field}`;
          if (index.fields.has(coordinate)) checks.add(coordinate);
          return 'allowed';
        });
      const gated =
        watched().size === 0
          ? []
          : gatedOccurrences(schema, document, operationName, watched(), (c) => index.fields.has(c));
      const gatedCoordinates = [...new Set(gated.map((o) => o.coordinate))];
      entry = { checks: [...checks], gated, gatedCoordinates, outcomes: new Map() };
      byName.set(name, entry);
    }
    return entry;
  };

  /** The gate's answer for the selections that run (none refused by a policy, conditions held). */
  const gateFor = async (entry: Known, verdicts: ReadonlyMap<string, Verdict>, context: GateContext) => {
    const selections: GatedSelection[] = [];
    let variables: Readonly<Record<string, unknown>> | undefined;
    for (const occurrence of entry.gated) {
      if (occurrence.guards.some((c) => verdicts.get(c) !== undefined && verdicts.get(c) !== 'allowed'))
        continue;
      const runs = occurrence.ways.some((conditions) => {
        if (conditions.length === 0) return true;
        variables ??= context.variables();
        return holds(conditions, variables);
      });
      if (runs) selections.push({ coordinate: occurrence.coordinate, lists: occurrence.lists });
    }
    if (selections.length === 0) return { refused: NO_REFUSALS };
    return gate!.judge({
      schema,
      request: context.request,
      context: context.context,
      variables: variables ?? context.variables(),
      selections,
    });
  };

  const decideFor = async (
    entry: Known,
    document: DocumentNode,
    operationName: string | undefined,
    identity: Identity | undefined,
    policy: PolicyCheck,
    gateContext: () => GateContext | undefined,
  ): Promise<Decision | undefined> => {
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
    let refusals = NO_REFUSALS;
    const context = entry.gated.length > 0 ? gateContext() : undefined;
    if (context !== undefined) {
      const answer = await gateFor(entry, verdicts, context);
      if ('reject' in answer) return answer;
      refusals = answer.refused;
      for (const coordinate of entry.gatedCoordinates) outcome += refusals.has(coordinate) ? 'r' : 'a';
      refused ||= refusals.size > 0;
    }
    if (!refused) return undefined;
    let rewrite = entry.outcomes.get(outcome);
    if (rewrite === undefined) {
      let unjudged = false;
      rewrite = rewriteOperation(schema, document, operationName, (type, field): FieldVerdict => {
        const coordinate = `${type.name}.${field}`;
        const verdict = verdicts.get(coordinate);
        if (verdict !== undefined && verdict !== 'allowed') return verdict;
        if (refusals.has(coordinate)) return 'RATE_LIMITED';
        if (verdict !== undefined || !index.fields.has(coordinate)) return 'allowed';
        // The checks hold every coordinate this walk meets; one they missed is refused, never
        // allowed, and the rewrite is not kept (its verdict is not part of the outcome).
        unjudged = true;
        return identity === undefined ? 'UNAUTHENTICATED' : 'FORBIDDEN';
      });
      // A refused check always removes a field: the walk found it there.
      if (rewrite === undefined) return undefined;
      if (unjudged) return { rewrite, refusals };
      if (entry.outcomes.size >= MAX_OUTCOMES) entry.outcomes.delete(entry.outcomes.keys().next().value!);
      entry.outcomes.set(outcome, rewrite);
    }
    return { rewrite, refusals };
  };

  return {
    decide(document, operationName, identity, policy, gateContext) {
      // A graph without policies nor gated fields costs nothing per operation.
      if (index.fields.size === 0 && watched().size === 0) return undefined;
      const entry = checksOf(document, operationName);
      if (entry.checks.length === 0 && entry.gated.length === 0) return undefined;
      return decideFor(entry, document, operationName, identity, policy, gateContext);
    },
  };
}

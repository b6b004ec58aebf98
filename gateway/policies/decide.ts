/**
 * The decision for one operation and one caller, cached. Per document (and operation name), the
 * fields it selects that carry requirements are found once (`checks`). Per request, each is
 * judged for the caller, all together: scopes and authentication are set lookups, named policies
 * run once per (policy, coordinate) in the request, concurrently. The verdicts together are the caller's policy-relevant
 * outcome: the rewrite is cached per (document, outcome), so the plan engine plans each outcome
 * once and never serves one caller's plan to another.
 */
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import type { FieldGate, FieldRefusal, GateAnswer, GatedSelection } from '../../core/field-gate.ts';
import type { Identity } from '../../core/identity.ts';
import type { PolicyIndex } from './build-index.ts';
import { gatedOccurrences, type Occurrence } from './gated.ts';
import { holds } from './patch.ts';
import { judgeNow, type PolicyCheck, type Verdict } from './requirements.ts';
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
  /**
   * The selections of `gated` when every one always runs (a way with no condition and no policy
   * on it): made once, the same list for every request (the gate keeps what it derives from it).
   */
  always: readonly GatedSelection[] | undefined;
  outcomes: Map<string, Rewrite>;
}

/**
 * What the gate needs of the request, made only when the operation selects a watched field;
 * `skip` when nothing will run (its variables do not coerce: execution refuses it).
 */
export type GateContext = RequestContext | { skip: true };

interface RequestContext {
  request: Request;
  context: unknown;
  /** The operation's variables, coerced (computed on first call). */
  variables(): Readonly<Record<string, unknown>>;
  /**
   * The result that ends the operation once the policies' rewrite took fields out, if one does
   * (a policy refusal with `onDenied: reject`, too many fields): asked before the gate spends.
   */
  stops(rewrite: Rewrite): ExecutionResult | undefined;
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
   * The rewrite for this caller, or undefined when it may see every field it selects. Without a
   * promise unless a named policy or the gate answers with one (limits kept in Redis); at once
   * when the operation selects no field with a requirement or a gate.
   */
  decide(
    document: DocumentNode,
    operationName: string | undefined,
    identity: Identity | undefined,
    policy: PolicyCheck,
    gateContext: () => GateContext | undefined,
  ): Decision | undefined | Promise<Decision | undefined>;
}

const VERDICT_LETTER: Record<Verdict, string> = { allowed: 'a', UNAUTHENTICATED: 'u', FORBIDDEN: 'f' };
const NO_REFUSALS: ReadonlyMap<string, FieldRefusal> = new Map();
const NOTHING_REFUSED: GateAnswer = { refused: NO_REFUSALS };

/** The refusal of an operation whose gated fields cannot be checked (fail closed). */
const unchecked = (): ExecutionResult => ({
  errors: [gatewayError('INTERNAL_SERVER_ERROR', 'the rate limits of this operation could not be checked')],
});

/**
 * The decider of one schema: `index` its policies, `gate` (when one watches coordinates of it)
 * the room that refuses fields for its own reasons. Policies are judged first: a field they
 * refuse, and any under it, is not shown to the gate (a field that never runs is not counted).
 */
export function createDecider(schema: GraphQLSchema, index: PolicyIndex, gate?: FieldGate): Decider {
  // Asked on first use: the gate indexes the schema when it is put in service, as this room does.
  // A gate that has not (it never should) leaves `watched` undefined: every operation is refused.
  let asked = false;
  let watchedSet: ReadonlySet<string> | undefined;
  const watched = () => {
    if (!asked) {
      asked = true;
      watchedSet = gate === undefined ? new Set() : gate.watched(schema);
    }
    return watchedSet;
  };
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
      const limited = watched();
      const gated =
        limited === undefined || limited.size === 0
          ? []
          : gatedOccurrences(schema, document, operationName, limited, (c) => index.fields.has(c));
      const gatedCoordinates = [...new Set(gated.flatMap((o) => o.coordinates))];
      const always = gated.every((o) =>
        o.ways.some((w) => w.conditions.length === 0 && w.guards.length === 0),
      )
        ? gated.map((o) => ({ path: o.path, coordinates: o.coordinates, lists: o.lists }))
        : undefined;
      entry = { checks: [...checks], gated, gatedCoordinates, always, outcomes: new Map() };
      byName.set(name, entry);
    }
    return entry;
  };

  /** The gate's answer for the selections that run (not under a refused field, conditions held). */
  const gateFor = (
    gate: FieldGate,
    entry: Known,
    verdicts: ReadonlyMap<string, Verdict>,
    context: RequestContext,
  ): GateAnswer | Promise<GateAnswer> => {
    const refusedGroup = (group: readonly string[]) =>
      group.every((c) => {
        const verdict = verdicts.get(c);
        return verdict !== undefined && verdict !== 'allowed';
      });
    let variables: Readonly<Record<string, unknown>> | undefined;
    const selections: GatedSelection[] = [];
    for (const occurrence of entry.always === undefined ? entry.gated : []) {
      const runs = occurrence.ways.some((way) => {
        if (way.guards.some(refusedGroup)) return false;
        if (way.conditions.length === 0) return true;
        variables ??= context.variables();
        return holds(way.conditions, variables);
      });
      if (runs) {
        selections.push({
          path: occurrence.path,
          coordinates: occurrence.coordinates,
          lists: occurrence.lists,
        });
      }
    }
    const runs = entry.always ?? selections;
    if (runs.length === 0) return NOTHING_REFUSED;
    return gate.judge({
      schema,
      request: context.request,
      context: context.context,
      variables: variables ?? context.variables(),
      selections: runs,
    });
  };

  /** The decision once every verdict is in: at once, unless a named policy or the gate awaits. */
  const decideFor = (
    entry: Known,
    document: DocumentNode,
    operationName: string | undefined,
    identity: Identity | undefined,
    gateContext: () => GateContext | undefined,
    pending: readonly (Verdict | Promise<Verdict>)[],
  ): Decision | undefined | Promise<Decision | undefined> => {
    // Judged together: named policies that call out cost the slowest one, not their sum.
    if (pending.every((verdict) => typeof verdict === 'string'))
      return decideWith(entry, document, operationName, identity, gateContext, pending as readonly Verdict[]);
    return Promise.all(pending).then((judged) =>
      decideWith(entry, document, operationName, identity, gateContext, judged),
    );
  };

  const decideWith = (
    entry: Known,
    document: DocumentNode,
    operationName: string | undefined,
    identity: Identity | undefined,
    gateContext: () => GateContext | undefined,
    judged: readonly Verdict[],
  ): Decision | undefined | Promise<Decision | undefined> => {
    const verdicts = new Map<string, Verdict>();
    let outcome = '';
    let refused = false;
    judged.forEach((verdict, i) => {
      verdicts.set(entry.checks[i]!, verdict);
      outcome += VERDICT_LETTER[verdict];
      refused ||= verdict !== 'allowed';
    });
    const conclude = (refusals: ReadonlyMap<string, FieldRefusal>): Decision | undefined => {
      if (!refused) return undefined;
      const rewrite = rewriteFor(outcome, verdicts, refusals, entry, document, operationName, identity);
      // A refused check always removes a field: the walk found it there.
      return rewrite === undefined ? undefined : { rewrite, refusals };
    };
    if (gate !== undefined && entry.gated.length > 0) {
      const context = gateContext();
      // Without the client's request there is no caller to count: refused, never unlimited.
      if (context === undefined) return { reject: unchecked() };
      if ('skip' in context) return undefined;
      // An operation the policies' refusals end spends no limit.
      if (refused) {
        const policiesOnly = rewriteFor(
          `p${outcome}`,
          verdicts,
          NO_REFUSALS,
          entry,
          document,
          operationName,
          identity,
        );
        const stopped = policiesOnly === undefined ? undefined : context.stops(policiesOnly);
        if (stopped !== undefined) return { reject: stopped };
      }
      const afterGate = (answer: GateAnswer): Decision | undefined => {
        if ('reject' in answer) return answer;
        const refusals = answer.refused;
        // Nothing refused: no letters (every outcome without a refusal has the same).
        if (refusals.size > 0)
          for (const coordinate of entry.gatedCoordinates) outcome += refusals.has(coordinate) ? 'r' : 'a';
        refused ||= refusals.size > 0;
        return conclude(refusals);
      };
      const answer = gateFor(gate, entry, verdicts, context);
      return answer instanceof Promise ? answer.then(afterGate) : afterGate(answer);
    }
    return conclude(NO_REFUSALS);
  };

  /** The rewrite of an outcome, cached per (document, outcome) unless a coordinate was unjudged. */
  const rewriteFor = (
    outcome: string,
    verdicts: ReadonlyMap<string, Verdict>,
    refusals: ReadonlyMap<string, FieldRefusal>,
    entry: Known,
    document: DocumentNode,
    operationName: string | undefined,
    identity: Identity | undefined,
  ): Rewrite | undefined => {
    const known = entry.outcomes.get(outcome);
    if (known !== undefined) return known;
    let unjudged = false;
    const rewrite = rewriteOperation(schema, document, operationName, (type, field): FieldVerdict => {
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
    if (rewrite === undefined || unjudged) return rewrite;
    if (entry.outcomes.size >= MAX_OUTCOMES) entry.outcomes.delete(entry.outcomes.keys().next().value!);
    entry.outcomes.set(outcome, rewrite);
    return rewrite;
  };

  return {
    decide(document, operationName, identity, policy, gateContext) {
      const limited = watched();
      if (limited === undefined) return { reject: unchecked() };
      // A graph without policies nor gated fields costs nothing per operation.
      if (index.fields.size === 0 && limited.size === 0) return undefined;
      const entry = checksOf(document, operationName);
      if (entry.checks.length === 0 && entry.gated.length === 0) return undefined;
      // Scopes, authentication and claim rules answer at once: an operation they all allow, with
      // no gated field, goes on without a promise (and without a turn of the event loop).
      const pending = entry.checks.map((c) => judgeNow(index.fields.get(c)!, identity, c, policy));
      if (entry.gated.length === 0 && pending.every((verdict) => verdict === 'allowed')) return undefined;
      try {
        return decideFor(entry, document, operationName, identity, gateContext, pending);
      } catch (error) {
        // As from the promise it was: the operation fails, it never runs unchecked.
        return Promise.reject(error);
      }
    },
  };
}

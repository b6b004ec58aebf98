/**
 * Field limits (stages: schema, operation): `@rateLimit(limit:, window:, by:, cost:)` in subgraph
 * SDL, or `subgraphs[].rateLimits` in the config. The field-policies room walks the operation
 * once and hands this gate the selections of limited fields that will run; they are all checked
 * in one call to the store (one round trip to Redis per operation, not per field).
 *
 * - Each selection of a field (each response path: aliases count apart, fragments selecting the
 *   same key once) spends the limit's `cost`; with `rateLimit.fields.countListItems`, once per
 *   item of the lists around it, as demand control estimates their sizes. Selections of fields
 *   sharing one counter (an interface's limit, or one caller's) are summed into one check.
 * - Over a limit (`onExceeded: remove`, the default): the fields it counts are taken out of the
 *   operation and answered `null` with RATE_LIMITED (the limit, `retryAfter`) at each path; the
 *   rest is served, and the other limits keep their spend. With `reject`, all or nothing: the
 *   operation is refused with HTTP 429 and `Retry-After`, and no limit is spent.
 * - Every limit checked goes into the response's `RateLimit-Policy` and `RateLimit` headers.
 */
import type { GraphQLSchema } from 'graphql';
import type { FieldGate, FieldRefusal, GateAnswer, GateInput } from '../../core/field-gate.ts';
import type { ListSizeEstimate } from '../../core/operation-cost.ts';
import type { FieldLimitsConfig, SubgraphFieldLimitsConfig } from '../config/rate-limit-schema.ts';
import { type PrepareSchema, prepareFromConfig } from '../supergraph/index.ts';
import { refusalResult } from './apply.ts';
import { buildFieldLimitIndex, type FieldLimit } from './field-index.ts';
import type { GuardedCheck, GuardedStore } from './guarded-store.ts';
import { type Applied, policyItem, retryAfterSeconds } from './headers.ts';
import { createKeySuffix, type KeyInput, type KeyOf } from './keys.ts';
import type { LimitRule, RateLimitDecision } from './store/types.ts';

export interface FieldLimitsOptions {
  config: FieldLimitsConfig;
  /** Each subgraph's `rateLimits` from the config, by subgraph name. */
  subgraphs: ReadonlyMap<string, SubgraphFieldLimitsConfig>;
  store: GuardedStore;
  /** The key input of a request (its caller, address, headers). */
  inputOf(request: Request, context: unknown): KeyInput;
  /** Records the answers of a request's limits for its `RateLimit` headers. */
  record(request: Request, answers: readonly Applied[]): readonly Applied[];
  /** Send `RateLimit-Policy` and `RateLimit` (on a 429 too). */
  headers: boolean;
  /** Sizes lists for `countListItems` (demand control's estimate). */
  listSize?: ListSizeEstimate;
}

export interface FieldLimits {
  /** Builds the limit index of a new schema; throws CONFIG_INVALID when a limit cannot be enforced. */
  prepare: PrepareSchema;
  /** Throws the CONFIG_INVALID that kept the first schema out of service, if that is why none is. */
  checkStarted(hasSchema: boolean): void;
  /** What the field-policies room consults. */
  gate: FieldGate;
}

/** A field limit made ready: its rule and how a request's counter key is made. */
interface Resolved {
  name: string;
  rule: LimitRule;
  cost: number;
  /**
   * The key before the caller's values: the rule's shape (two limits declared on one coordinate
   * never share a counter, and a changed limit is never read under the old one) and the field.
   */
  keyPrefix: string;
  /** The caller's values (`|ip=10.0.0.1`): one function per `by`, shared by the limits that use it. */
  suffix: KeyOf;
  /** Spends more than one unit a selection (`gatehouse-qu="cost"` in `RateLimit-Policy`). */
  countsCost: boolean;
  /** Its `RateLimit-Policy` item (the store answers with the rule's quota). */
  policy: string;
}

/** One limit's spend over an operation's selections. */
interface Aggregate {
  limit: Resolved;
  units: number;
  coordinates: Set<string>;
}

/** One counter a request spends in, with the fields that spend in it. */
interface Spend {
  /** The (first) limit counted in it: its name, rule and header item. */
  limit: Resolved;
  /** Sent as it is, for every request of its round (stores never change a check). */
  check: GuardedCheck;
  /** The coordinates that spend in it: refused together when it refuses. */
  coordinates: ReadonlySet<string>;
}

/** The limits an operation's selections spend. */
interface Prepared {
  /** Names it among the rounds kept (`roundsKept`). */
  id: number;
  aggregates: readonly Aggregate[];
  /** The distinct `by` functions of those limits. */
  suffixes: readonly KeyOf[];
}

/** What one caller's request spends, and the checks sent to the store for it. */
interface Round {
  spends: readonly Spend[];
  checks: readonly GuardedCheck[];
}

/** Rounds kept, over all operations and callers; past it the list starts afresh. */
const ROUNDS_KEPT = 4_096;

const NOTHING_REFUSED: GateAnswer = { refused: new Map() };

export function createFieldLimits(options: FieldLimitsOptions): FieldLimits {
  const { config } = options;
  const reject = config.onExceeded === 'reject';
  const schemas = new WeakMap<GraphQLSchema, ReadonlyMap<string, readonly Resolved[]>>();
  const resolvedOf = new Map<string, Resolved>();
  const suffixes = new Map<string, KeyOf>();
  let nextId = 0;
  const resolve = (limit: FieldLimit): Resolved => {
    const rule: LimitRule = {
      algorithm: config.algorithm,
      limit: limit.config.limit,
      windowMs: limit.config.window,
    };
    const by = limit.config.by.join(',');
    // The declaration's shape is in its key: a changed limit is never read under the old one.
    const id = `${limit.declaredAt}|${rule.limit}|${rule.windowMs}|${by}|${limit.config.cost}`;
    let resolved = resolvedOf.get(id);
    if (resolved === undefined) {
      let suffix = suffixes.get(by);
      if (suffix === undefined) {
        suffix = createKeySuffix(limit.config.by, config.whenMissing);
        suffixes.set(by, suffix);
      }
      const countsCost = limit.config.cost > 1 || config.countListItems;
      resolved = {
        name: limit.declaredAt,
        rule,
        cost: limit.config.cost,
        countsCost,
        policy: policyItem(limit.declaredAt, rule.limit, rule.windowMs, countsCost),
        keyPrefix: `${rule.algorithm}:${rule.windowMs}:${rule.limit}:${limit.config.cost}:field:${limit.declaredAt}`,
        suffix,
      };
      resolvedOf.set(id, resolved);
    }
    return resolved;
  };
  const perSchema = prepareFromConfig(
    'the field rate limits of this schema cannot be enforced; it is not put in service',
    (served) =>
      buildFieldLimitIndex({
        supergraphSdl: served.supergraphSdl,
        schema: served.schema,
        subgraphLimits: options.subgraphs,
      }),
    (served, index) => {
      const fields = new Map<string, Resolved[]>();
      for (const [coordinate, limits] of index.fields) fields.set(coordinate, limits.map(resolve));
      schemas.set(served.schema, fields);
    },
  );

  /** The items a selection is resolved for: 1, or the product of its lists' estimated sizes. */
  const itemsOf = (input: GateInput, lists: GateInput['selections'][number]['lists']): number => {
    if (!config.countListItems || options.listSize === undefined) return 1;
    let items = 1;
    for (const list of lists)
      items *= options.listSize(input.schema, list.parent, list.field, input.variables);
    return Number.isFinite(items) ? Math.min(items, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
  };

  /**
   * Each limit's spend over the selections: its units and the coordinates that spend in it. A
   * limit counts once per selection, however many of the path's types share it (an
   * interface's).
   */
  const aggregate = (input: GateInput, fields: ReadonlyMap<string, readonly Resolved[]>): Prepared => {
    const byLimit = new Map<Resolved, Aggregate>();
    for (const selection of input.selections) {
      let items: number | undefined;
      let counted: Set<Resolved> | undefined;
      const several = selection.coordinates.length > 1;
      for (const coordinate of selection.coordinates) {
        const limits = fields.get(coordinate);
        if (limits === undefined) continue;
        for (const limit of limits) {
          let entry = byLimit.get(limit);
          if (entry === undefined) {
            entry = { limit, units: 0, coordinates: new Set() };
            byLimit.set(limit, entry);
          }
          entry.coordinates.add(coordinate);
          if (several || limits.length > 1) {
            counted ??= new Set();
            if (counted.has(limit)) continue;
            counted.add(limit);
          }
          items ??= itemsOf(input, selection.lists);
          entry.units = Math.min(entry.units + limit.cost * items, Number.MAX_SAFE_INTEGER);
        }
      }
    }
    const aggregates = [...byLimit.values()];
    const suffixesUsed = [...new Set(aggregates.map((a) => a.limit.suffix))];
    return { id: nextId++, aggregates, suffixes: suffixesUsed };
  };

  /**
   * Without `countListItems` the spends depend on the selections alone: kept per list of
   * selections. The policies room hands the same list to every request of an operation whose
   * selections always run; one with `@include`/`@skip` or a policy on the way gets a list of its
   * own each time, and its spends are made afresh.
   */
  const preparedOf = new WeakMap<GateInput['selections'], Prepared>();
  const preparedFor = (input: GateInput, fields: ReadonlyMap<string, readonly Resolved[]>): Prepared => {
    if (config.countListItems) return aggregate(input, fields);
    let prepared = preparedOf.get(input.selections);
    if (prepared === undefined) {
      prepared = aggregate(input, fields);
      preparedOf.set(input.selections, prepared);
    }
    return prepared;
  };

  /** The counters one caller spends in, from the values of the limits' `by` for its request. */
  const roundOf = (prepared: Prepared, callerValue: (suffix: KeyOf) => string | undefined): Round => {
    const spends = new Map<string, Spend & { units: number }>();
    for (const { limit, units, coordinates } of prepared.aggregates) {
      const suffix = callerValue(limit.suffix);
      if (suffix === undefined) continue;
      const key = limit.keyPrefix + suffix;
      const known = spends.get(key);
      if (known !== undefined) {
        // Two limits whose keys meet (`by: sub` falling back to the address, next to `by: ip`).
        known.units = Math.min(known.units + units, Number.MAX_SAFE_INTEGER);
        known.coordinates = new Set([...known.coordinates, ...coordinates]);
        continue;
      }
      const check: GuardedCheck = {
        key,
        rule: limit.rule,
        onStoreError: config.onStoreError,
        fallback: limit.rule,
      };
      spends.set(key, { limit, check, units, coordinates });
    }
    const list = [...spends.values()];
    for (const spend of list) spend.check.cost = Math.ceil(spend.units);
    return { spends: list, checks: list.map((s) => s.check) };
  };

  /**
   * One caller's round: made once per operation and caller, and kept (`ROUNDS_KEPT` over all of
   * them, so that callers and operations varied at will cannot grow it) for its next requests.
   */
  const roundsKept = new Map<string, Round>();
  const roundFor = (prepared: Prepared, input: KeyInput): Round => {
    if (prepared.suffixes.length === 1) {
      // One `by` (the usual case): its value names the caller (`\0` one it does not apply to).
      const value = prepared.suffixes[0]!(input);
      if (config.countListItems) return roundOf(prepared, () => value);
      return keptRound(`${prepared.id}:${value ?? '\0'}`, prepared, () => value);
    }
    const values = new Map(prepared.suffixes.map((suffix) => [suffix, suffix(input)]));
    const callerValue = (suffix: KeyOf) => values.get(suffix);
    if (config.countListItems) return roundOf(prepared, callerValue);
    const caller = JSON.stringify([...values.values()].map((v) => v ?? null));
    return keptRound(`${prepared.id}:${caller}`, prepared, callerValue);
  };
  const keptRound = (
    id: string,
    prepared: Prepared,
    callerValue: (suffix: KeyOf) => string | undefined,
  ): Round => {
    let round = roundsKept.get(id);
    if (round === undefined) {
      round = roundOf(prepared, callerValue);
      if (roundsKept.size >= ROUNDS_KEPT) roundsKept.clear();
      roundsKept.set(id, round);
    }
    return round;
  };

  /** The answer once the store decided: the headers' record, and what is refused. */
  const answer = (request: Request, spends: readonly Spend[], decisions: readonly RateLimitDecision[]) => {
    const answers: Applied[] = new Array(spends.length);
    let refusedCount = 0;
    for (let i = 0; i < spends.length; i++) {
      const spend = spends[i]!;
      const decision = decisions[i]!;
      if (!decision.allowed) refusedCount++;
      answers[i] = {
        name: spend.limit.name,
        windowMs: spend.check.rule.windowMs,
        countsCost: spend.limit.countsCost,
        decision,
        policy: decision.limit === spend.check.rule.limit ? spend.limit.policy : undefined,
      };
    }
    const all = options.record(request, answers);
    if (refusedCount === 0) return NOTHING_REFUSED;
    const refusedAnswers = answers.filter((a) => !a.decision.allowed);
    if (reject) return { reject: refusalResult(refusedAnswers, all, options.headers) };
    // A field over two limits names the first; its retry waits for both.
    const over = new Map<string, { limit: string; retryAfter: number }>();
    answers.forEach((applied, i) => {
      if (applied.decision.allowed) return;
      const retryAfter = retryAfterSeconds([applied]);
      for (const coordinate of spends[i]!.coordinates) {
        const known = over.get(coordinate);
        if (known === undefined) over.set(coordinate, { limit: applied.name, retryAfter });
        else known.retryAfter = Math.max(known.retryAfter, retryAfter);
      }
    });
    const refused = new Map<string, FieldRefusal>();
    for (const [coordinate, { limit, retryAfter }] of over) {
      refused.set(coordinate, {
        message: `rate limit "${limit}" exceeded`,
        extensions: { limit, retryAfter },
      });
    }
    return { refused };
  };

  /** Without a promise when the store answers in this process (the memory store). */
  const judge = (input: GateInput): GateAnswer | Promise<GateAnswer> => {
    const fields = schemas.get(input.schema);
    if (fields === undefined) return NOTHING_REFUSED;
    const { spends, checks } = roundFor(
      preparedFor(input, fields),
      options.inputOf(input.request, input.context),
    );
    if (spends.length === 0) return NOTHING_REFUSED;
    const decided = options.store.checkNow(checks, { together: reject });
    if (decided !== undefined) return answer(input.request, spends, decided);
    return options.store
      .check(checks, { together: reject })
      .then((decisions) => answer(input.request, spends, decisions));
  };

  return {
    ...perSchema,
    gate: {
      watched: (schema) => {
        const fields = schemas.get(schema);
        return fields === undefined ? undefined : new Set(fields.keys());
      },
      judge,
    },
  };
}

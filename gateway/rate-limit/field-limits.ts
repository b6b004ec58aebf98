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
import { type Applied, retryAfterSeconds } from './headers.ts';
import { createKeyOf, type KeyInput, type KeyOf } from './keys.ts';
import type { LimitRule } from './store/types.ts';

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
   * Before each key: the rule's shape, so that two limits declared on one coordinate never share
   * a counter and a changed limit is never read under the old one.
   */
  prefix: string;
  keyOf: KeyOf;
}

/** One limit's spend over an operation's selections. */
interface Aggregate {
  limit: Resolved;
  units: number;
  coordinates: Set<string>;
}

/** One counter a request spends in, with the fields that spend in it. */
interface Spend {
  name: string;
  check: GuardedCheck;
  /** Spends more than one unit a selection (`gatehouse-qu="cost"` in `RateLimit-Policy`). */
  countsCost: boolean;
  /** Units spent, summed over the selections (before rounding up). */
  units: number;
  /** The coordinates that spend in it: refused together when it refuses. */
  coordinates: ReadonlySet<string>;
}

export function createFieldLimits(options: FieldLimitsOptions): FieldLimits {
  const { config } = options;
  const schemas = new WeakMap<GraphQLSchema, ReadonlyMap<string, readonly Resolved[]>>();
  const resolvedOf = new Map<string, Resolved>();
  const resolve = (limit: FieldLimit): Resolved => {
    const rule: LimitRule = {
      algorithm: config.algorithm,
      limit: limit.config.limit,
      windowMs: limit.config.window,
    };
    // The declaration's shape is in its key: a changed limit is never read under the old one.
    const id = `${limit.declaredAt}|${rule.limit}|${rule.windowMs}|${limit.config.by.join(',')}|${limit.config.cost}`;
    let resolved = resolvedOf.get(id);
    if (resolved === undefined) {
      resolved = {
        name: limit.declaredAt,
        rule,
        cost: limit.config.cost,
        prefix: `${rule.algorithm}:${rule.windowMs}:${rule.limit}:${limit.config.cost}:`,
        keyOf: createKeyOf(`field:${limit.declaredAt}`, limit.config.by, config.whenMissing),
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
   * interface's). Without `countListItems` it depends on the selections alone: kept per list of
   * selections (the policies room hands the same list for the same operation and outcome).
   */
  const aggregated = new WeakMap<GateInput['selections'], Aggregate[]>();
  const aggregate = (input: GateInput, fields: ReadonlyMap<string, readonly Resolved[]>): Aggregate[] => {
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
    return [...byLimit.values()];
  };

  const judge = async (input: GateInput): Promise<GateAnswer> => {
    const fields = schemas.get(input.schema);
    if (fields === undefined) return { refused: new Map() };
    let aggregates = config.countListItems ? undefined : aggregated.get(input.selections);
    if (aggregates === undefined) {
      aggregates = aggregate(input, fields);
      if (!config.countListItems) aggregated.set(input.selections, aggregates);
    }
    const keyInput = options.inputOf(input.request, input.context);
    const spends = new Map<string, Spend>();
    for (const { limit, units, coordinates } of aggregates) {
      const key = limit.keyOf(keyInput);
      if (key === undefined) continue;
      const full = limit.prefix + key;
      const known = spends.get(full);
      if (known !== undefined) {
        // Two limits whose keys meet (`by: sub` falling back to the address, next to `by: ip`).
        known.units = Math.min(known.units + units, Number.MAX_SAFE_INTEGER);
        known.coordinates = new Set([...known.coordinates, ...coordinates]);
        continue;
      }
      const check: GuardedCheck = {
        key: full,
        rule: limit.rule,
        onStoreError: config.onStoreError,
        fallback: limit.rule,
      };
      const countsCost = limit.cost > 1 || config.countListItems;
      spends.set(full, { name: limit.name, check, countsCost, units, coordinates });
    }
    if (spends.size === 0) return { refused: new Map() };
    const list = [...spends.values()];
    for (const spend of list) spend.check.cost = Math.ceil(spend.units);
    const reject = config.onExceeded === 'reject';
    const decisions = await options.store.check(
      list.map((s) => s.check),
      { together: reject },
    );
    const answers: Applied[] = decisions.map((decision, i) => ({
      name: list[i]!.name,
      windowMs: list[i]!.check.rule.windowMs,
      countsCost: list[i]!.countsCost,
      decision,
    }));
    const all = options.record(input.request, answers);
    const refusedAnswers = answers.filter((a) => !a.decision.allowed);
    if (refusedAnswers.length === 0) return { refused: new Map() };
    if (reject) return { reject: refusalResult(refusedAnswers, all, options.headers) };
    // A field over two limits names the first; its retry waits for both.
    const over = new Map<string, { limit: string; retryAfter: number }>();
    answers.forEach((answer, i) => {
      if (answer.decision.allowed) return;
      const retryAfter = retryAfterSeconds([answer]);
      for (const coordinate of list[i]!.coordinates) {
        const known = over.get(coordinate);
        if (known === undefined) over.set(coordinate, { limit: answer.name, retryAfter });
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

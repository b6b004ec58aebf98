/**
 * The engine room (stage: plan). `engine: plan` runs each operation on a cached plan of the Hive
 * query planner with our executor and projection; `stitching` on the graphql-tools engine;
 * `auto` on the planner where its native module loads, else stitching, said in one log line.
 *
 * It hooks two places: `prepare`, given to the supergraph, readies a planner for each new schema
 * before it goes in service (a planner that rejects it keeps the old schema with `plan`; falls
 * back to stitching with `auto`); its Yoga plugin swaps the execute function of operations on a
 * schema that has a planner.
 */
import type { ExecutionArgs, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { GatehouseError } from '../../core/errors.ts';
import { withOverride } from '../../core/override-draw.ts';
import type { Logger } from '../logger/index.ts';
import type { PrepareSchema } from '../supergraph/index.ts';
import { fetchThrough, type PlanObserver, type PlanState, type Prepared, runOperation } from './operation.ts';
import { sortedPercentages } from './override.ts';
import { createPlanCache, type PlanCacheOptions } from './plan-cache.ts';
import { loadQueryPlanner } from './planner.ts';

export type { PlanEvent, PlanObserver } from './operation.ts';

export type EngineMode = 'auto' | 'plan' | 'stitching';

export interface EngineOptions {
  /** @default 'auto' */
  mode?: EngineMode;
  /** @default { maxEntries: 1000, maxBytes: 50 MiB } */
  planCache?: Partial<PlanCacheOptions>;
  /** Flag labels of progressive `@override`s to turn on. @default [] */
  overrideLabels?: readonly string[];
  /** Most time one operation's planning may take, in ms. @default 5000 */
  planTimeout?: number;
  /**
   * Told of each operation's plan once it is found or made (tracing wires it from the composition
   * root; the engine knows nothing of spans). @default undefined
   */
  onPlan?: PlanObserver;
  logger: Logger;
}

export interface Engine {
  /** The engine operations run on, once resolved (`auto` resolved to one of the two). */
  readonly mode: 'plan' | 'stitching';
  /** Readies each new schema (a planner for it) before it goes in service. */
  prepare: PrepareSchema;
  plugin: Plugin;
  /** Whether operations on `schema` run on the plan engine (which delivers `@defer` incrementally). */
  runsPlans(schema: GraphQLSchema): boolean;
  /** How many plans the cache of `schema` holds (0 on the stitching engine), for metrics. */
  plansCached(schema: GraphQLSchema | undefined): number;
}

const PLAN_TIMEOUT = 5_000; // 5 s

const PLAN_CACHE_DEFAULTS: PlanCacheOptions = { maxEntries: 1000, maxBytes: 50 * 1024 * 1024 };

// Planners kept for versions served again (see `planners` below).
const PLANNERS_KEPT = 8;

export function createEngine(options: EngineOptions): Engine {
  const { logger } = options;
  const requested = options.mode ?? 'auto';
  const cacheOptions = { ...PLAN_CACHE_DEFAULTS, ...options.planCache };
  const load = requested === 'stitching' ? undefined : loadQueryPlanner();
  if (load && !load.ok && requested === 'plan') {
    throw new GatehouseError('CONFIG_INVALID', 'engine: plan, but the query planner does not load here', [
      load.problem,
      'it has binaries for Linux (x64, arm64, glibc) and macOS; use engine: auto or engine: stitching elsewhere',
    ]);
  }
  const QueryPlanner = load?.ok ? load.QueryPlanner : undefined;
  const mode = QueryPlanner ? 'plan' : 'stitching';
  if (requested === 'auto' && load && !load.ok) {
    // A warning: the portable engine has known limits (README), a deployment should know.
    logger.warn(`engine: stitching (engine: auto; the query planner does not load here: ${load.problem})`);
  } else {
    logger.info(`engine: ${mode}${mode === 'plan' ? ' (Hive query planner, cached plans)' : ''}`);
  }

  const labels = new Set(options.overrideLabels ?? []);
  // The planners of the last supergraph versions, by version: a version served again (a rollback,
  // a file swapped back) reuses its planner. The planner's native memory is never given back
  // (router-query-planner 0.0.38: about 0.1 MiB per planner made), so a reload between two
  // versions must not make a new one each time. The bound keeps the map's own size in check; a
  // planner dropped from it is not freed either, and is made again if its version comes back.
  const planners = new Map<string, InstanceType<NonNullable<typeof QueryPlanner>>>();
  // The planner of each schema in service, by the schema object Yoga runs the operation on.
  const states = new WeakMap<GraphQLSchema, PlanState>();

  return {
    mode,
    prepare(served) {
      if (QueryPlanner === undefined) return;
      let planner: InstanceType<typeof QueryPlanner>;
      try {
        planner = planners.get(served.version) ?? new QueryPlanner(served.supergraphSdl);
        planners.delete(served.version);
        planners.set(served.version, planner);
        if (planners.size > PLANNERS_KEPT) planners.delete(planners.keys().next().value!);
      } catch (error) {
        if (requested === 'plan') throw error;
        logger.warn('the query planner rejects this supergraph; its operations run on the stitching engine', {
          error,
        });
        return;
      }
      states.set(served.schema, {
        served,
        planner,
        cache: createPlanCache<Prepared>(cacheOptions),
        byDocument: new WeakMap(),
        fetch: fetchThrough(served.executors),
        logger,
        percentages: sortedPercentages(planner.overridePercentages),
        labels,
        planning: new Map(),
        planTimeout: options.planTimeout ?? PLAN_TIMEOUT,
        onPlan: options.onPlan,
      });
      const unknown = [...labels].filter((label) => !planner.overrideLabels.includes(label));
      if (unknown.length > 0) {
        const known = planner.overrideLabels.join(', ') || 'none';
        logger.warn(
          `overrideLabels: no @override of this supergraph has the label(s) ${unknown.join(', ')} (its labels: ${known})`,
          { unknownLabels: unknown },
        );
      }
    },
    runsPlans: (schema) => states.has(schema),
    plansCached: (schema) => (schema === undefined ? 0 : (states.get(schema)?.cache.size ?? 0)),
    plugin: {
      onExecute({ args, executeFn, setExecuteFn }) {
        const state = states.get(args.schema);
        if (state === undefined) {
          // The stitching engine: one override draw for the whole operation.
          setExecuteFn((runArgs: ExecutionArgs) =>
            withOverride({ draw: Math.random(), labels }, () => executeFn(runArgs)),
          );
          return;
        }
        setExecuteFn((runArgs: ExecutionArgs) => runOperation(state, runArgs, executeFn) as never);
      },
    },
  };
}

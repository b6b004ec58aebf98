/**
 * Loading the Hive query planner (Rust, prebuilt for linux x64/arm64 glibc and macOS) without
 * making the gateway depend on its binary: on a platform it has no binary for, `engine: auto`
 * runs the stitching engine instead.
 */
import { createRequire } from 'node:module';
import type { QueryPlanner } from '@graphql-hive/router-query-planner';

/** The planner's class, once loaded. */
export type QueryPlannerClass = typeof QueryPlanner;

export type PlannerLoad = { ok: true; QueryPlanner: QueryPlannerClass } | { ok: false; problem: string };

let loaded: PlannerLoad | undefined;

/** Loads the planner's native module once per process; says why when it cannot. */
export function loadQueryPlanner(): PlannerLoad {
  if (loaded) return loaded;
  try {
    // Synchronous on purpose: the gateway is created synchronously, and knows its engine then.
    const require = createRequire(import.meta.url);
    const module = require('@graphql-hive/router-query-planner') as { QueryPlanner: QueryPlannerClass };
    loaded = { ok: true, QueryPlanner: module.QueryPlanner };
  } catch (error) {
    loaded = { ok: false, problem: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
  return loaded;
}

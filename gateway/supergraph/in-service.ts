/**
 * The hot swap: the schema in service and the listeners told of each new one. A supergraph SDL
 * that fails to build never replaces the schema in service; a listener that throws is logged.
 */
import { createHash } from 'node:crypto';
import type { GraphQLSchema } from 'graphql';
import { GatehouseError } from '../../core/errors.ts';
import type { SubgraphExecutor } from '../../core/subgraph-call.ts';
import { buildGatewaySchema, type SupergraphSubgraph } from '../../schema/supergraph.ts';
import type { Logger } from '../logger/index.ts';
import { firstLine, publicSchemaProblems, supergraphProblems } from './servable.ts';

export type ExecutorFor = (subgraph: SupergraphSubgraph) => SubgraphExecutor;

/** One schema in service, with what an engine needs to run operations on it. */
export interface ServedSchema {
  /** The public (API) schema, executable by the stitching engine. */
  schema: GraphQLSchema;
  supergraphSdl: string;
  /** The schema's version: the first 12 hex digits of the SHA-256 of its supergraph SDL. */
  version: string;
  /** Each subgraph's executor (wrapped in the pipeline), by its name in `join__graph(name:)`. */
  executors: ReadonlyMap<string, SubgraphExecutor>;
}

/**
 * Readies a new schema before it is put in service (an engine plans on it); throwing keeps the
 * schema in service, like a build that fails.
 */
export type PrepareSchema = (served: ServedSchema) => void;

/** What became of the supergraphs offered to the hot swap. */
export interface ReloadCounts {
  /** Schemas put in service (the first included). */
  succeeded: number;
  /** Schemas that failed to build or be prepared, and were kept out of service. */
  failed: number;
  /** The last attempt, when there was one. */
  last?: { at: string; ok: boolean; version: string; problem?: string };
}

/** The version of a supergraph SDL: the first 12 hex digits of its SHA-256. */
export function schemaVersion(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex').slice(0, 12);
}

export interface SchemaInService {
  readonly schema: GraphQLSchema | undefined;
  readonly supergraphSdl: string | undefined;
  readonly served: ServedSchema | undefined;
  /** Schemas put in service and kept out, and the last attempt. */
  reloads(): ReloadCounts;
  /** Builds `sdl` and puts it in service; returns the build error when it fails. */
  put(sdl: string, executorFor: ExecutorFor): { ok: true } | { ok: false; problem: string };
  /** Called with each new schema put in service. Returns an unsubscribe function. */
  onSchema(listener: (schema: GraphQLSchema) => void): () => void;
}

export function createSchemaInService(logger: Logger, prepare?: PrepareSchema): SchemaInService {
  const listeners = new Set<(schema: GraphQLSchema) => void>();
  let served: ServedSchema | undefined;
  const counts: ReloadCounts = { succeeded: 0, failed: 0 };
  const failed = (version: string, problem: string) => {
    counts.failed++;
    counts.last = { at: new Date().toISOString(), ok: false, version, problem };
    return { ok: false as const, problem };
  };
  const refuse = (version: string, problems: string[]) => {
    const problem = problems.join('; ');
    logger.error(`${problem}; ${served ? 'the schema in service is kept' : 'no schema is in service'}`);
    return failed(version, problem);
  };
  return {
    get schema() {
      return served?.schema;
    },
    get supergraphSdl() {
      return served?.supergraphSdl;
    },
    get served() {
      return served;
    },
    reloads: () => ({ ...counts, last: counts.last && { ...counts.last } }),
    put(sdl, executorFor) {
      const version = schemaVersion(sdl);
      // Before anything is built or the engine sees it: the query planner (native code) aborts
      // the process on some invalid supergraphs, such as a file cut short (no Query type).
      const invalid = supergraphProblems(sdl);
      if (invalid.length > 0) return refuse(version, invalid);
      let next: GraphQLSchema;
      const executors = new Map<string, SubgraphExecutor>();
      try {
        next = buildGatewaySchema(sdl, (subgraph) => {
          const executor = executorFor(subgraph);
          executors.set(subgraph.name, executor);
          return executor;
        });
      } catch (error) {
        logger.error('the new supergraph could not be built; the schema in service is kept', { error });
        return failed(version, `building the executable schema failed: ${firstLine(error)}`);
      }
      const publicProblems = publicSchemaProblems(next);
      if (publicProblems.length > 0) return refuse(version, publicProblems);
      const candidate: ServedSchema = { schema: next, supergraphSdl: sdl, version, executors };
      try {
        prepare?.(candidate);
      } catch (error) {
        const kept = served ? 'the schema in service is kept' : 'no schema is in service';
        // A config problem (an unenforceable policy, an unknown cost coordinate) names its fix:
        // its lines, not a stack trace.
        if (error instanceof GatehouseError && error.code === 'CONFIG_INVALID')
          logger.error(`the new supergraph cannot be served; ${kept}: ${error.message}`);
        else
          logger.error(`the new supergraph cannot be served (engine or field policies); ${kept}`, { error });
        return failed(version, `this supergraph cannot be served: ${(error as Error).message}`);
      }
      served = candidate;
      counts.succeeded++;
      counts.last = { at: new Date().toISOString(), ok: true, version };
      for (const listener of listeners) {
        // One listener that throws neither stops the others nor undoes the swap.
        try {
          listener(next);
        } catch (error) {
          logger.error('a listener of the schema in service threw; the new schema stays in service', {
            error,
          });
        }
      }
      return { ok: true };
    },
    onSchema(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * A `prepare` that reads the config of each new schema (field policies, costs): `read` returns
 * what to keep and the config problems; a schema with problems is kept out of service
 * (CONFIG_INVALID, `refusal` then the problems). `checkStarted`, after the first round of
 * loading, throws that refusal when it is why no schema is in service.
 */
export function prepareFromConfig<T>(
  refusal: string,
  read: (served: ServedSchema) => { index: T; problems: string[] },
  keep: (served: ServedSchema, index: T) => void,
): { prepare: PrepareSchema; checkStarted(hasSchema: boolean): void } {
  let refused: GatehouseError | undefined;
  let prepared = false;
  return {
    prepare(served) {
      const { index, problems } = read(served);
      if (problems.length > 0) {
        const error = new GatehouseError('CONFIG_INVALID', refusal, problems);
        if (!prepared) refused = error;
        throw error;
      }
      prepared = true;
      refused = undefined;
      keep(served, index);
    },
    checkStarted(hasSchema) {
      if (!hasSchema && refused !== undefined) throw refused;
    },
  };
}

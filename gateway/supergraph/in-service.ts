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

/**
 * Where a supergraph candidate came from: the config's subgraphs (their first loading and
 * retries), schema polling, a supergraph file, the registry, or a config reload (SIGHUP).
 */
export type ReloadSource = 'config' | 'poll' | 'file' | 'registry' | 'reload';

/** What became of the supergraphs offered to the hot swap. */
export interface ReloadCounts {
  /** Schemas put in service (the first included); the schema in service offered again is not counted. */
  succeeded: number;
  /**
   * Candidates refused, the schema in service kept: a supergraph that failed to build or be
   * prepared, and what a source refused before offering it (a composition that failed, a file
   * that does not parse or is no supergraph, a config reload that failed).
   */
  failed: number;
  /** The last attempt, when there was one. */
  last?: {
    at: string;
    ok: boolean;
    /** The candidate's supergraph version; none when it never became a supergraph (composition failed). */
    version?: string;
    problem?: string;
    /** Where it came from, when the source said. */
    source?: ReloadSource;
  };
}

/** How a candidate is offered to `put`. */
export interface PutOptions {
  /** Where it came from (`ReloadCounts.last.source`). */
  source?: ReloadSource;
  /**
   * Build it even when it is the version in service: its executors changed (an in-process
   * subgraph that was not loaded when the version went in service has loaded since).
   * @default false: the version in service offered again changes nothing
   */
  rebuild?: boolean;
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
  /**
   * Builds `sdl` and puts it in service; returns the build error when it fails. The version in
   * service offered again is a no-op (`unchanged`: nothing built, no listener called, not
   * counted) unless `rebuild`: the executors depend only on the supergraph (its `join__graph`
   * names and URLs) and on the gateway's config, which does not change while it runs (a config
   * reload builds a new gateway), so the same SDL makes the same schema.
   */
  put(
    sdl: string,
    executorFor: ExecutorFor,
    options?: PutOptions,
  ): { ok: true; unchanged?: true } | { ok: false; problem: string };
  /**
   * Counts a candidate a source refused before offering it (a composition that failed, a file
   * that does not parse); the schema in service stays. Logging it is the source's.
   */
  refused(problem: string, source?: ReloadSource, version?: string): void;
  /** Called with each new schema put in service. Returns an unsubscribe function. */
  onSchema(listener: (schema: GraphQLSchema) => void): () => void;
}

export function createSchemaInService(logger: Logger, prepare?: PrepareSchema): SchemaInService {
  const listeners = new Set<(schema: GraphQLSchema) => void>();
  let served: ServedSchema | undefined;
  const counts: ReloadCounts = { succeeded: 0, failed: 0 };
  const failed = (version: string | undefined, problem: string, source: ReloadSource | undefined) => {
    counts.failed++;
    counts.last = { at: new Date().toISOString(), ok: false, version, problem, source };
    if (version === undefined) delete counts.last.version;
    if (source === undefined) delete counts.last.source;
    return { ok: false as const, problem };
  };
  const refuse = (version: string, problems: string[], source: ReloadSource | undefined) => {
    const problem = problems.join('; ');
    logger.error(`${problem}; ${served ? 'the schema in service is kept' : 'no schema is in service'}`);
    return failed(version, problem, source);
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
    put(sdl, executorFor, options = {}) {
      const { source } = options;
      const version = schemaVersion(sdl);
      if (served?.version === version && !options.rebuild) return { ok: true, unchanged: true };
      // Before anything is built or the engine sees it: the query planner (native code) aborts
      // the process on some invalid supergraphs, such as a file cut short (no Query type).
      const invalid = supergraphProblems(sdl);
      if (invalid.length > 0) return refuse(version, invalid, source);
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
        return failed(version, `building the executable schema failed: ${firstLine(error)}`, source);
      }
      const publicProblems = publicSchemaProblems(next);
      if (publicProblems.length > 0) return refuse(version, publicProblems, source);
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
        return failed(version, `this supergraph cannot be served: ${(error as Error).message}`, source);
      }
      served = candidate;
      counts.succeeded++;
      counts.last = { at: new Date().toISOString(), ok: true, version };
      if (source !== undefined) counts.last.source = source;
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
    refused(problem, source, version) {
      failed(version, problem, source);
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

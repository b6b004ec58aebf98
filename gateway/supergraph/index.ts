/**
 * The supergraph room: owns the schema in service. A source puts supergraphs in service (the
 * config's subgraphs, loaded and composed: `config-source.ts`; a supergraph file:
 * `file-source.ts`); subgraphs that fail to load are retried (`retry.ts`); the hot swap
 * (`in-service.ts`) never replaces the schema in service with one that fails to build. Subgraphs
 * (required or not) are health-checked while they are in service (`probe.ts`).
 */
import type { GraphQLSchema } from 'graphql';
import { HEALTH_CHECK_INTERVAL, HEALTH_CHECK_TIMEOUT } from '../../core/defaults.ts';
import type { SubgraphPipeline } from '../../core/subgraph-call.ts';
import type { SubgraphLoadContext } from '../../schema/types.ts';
import { unusedSubgraphUrlVariables } from '../config/env.ts';
import type { Logger } from '../logger/index.ts';
import type { RegistryGraph } from '../registry/graph.ts';
import type { RegistryStore } from '../registry/index.ts';
import { createConfigSource } from './config-source.ts';
import { createFileSource } from './file-source.ts';
import {
  createSchemaInService,
  type PrepareSchema,
  type ReloadCounts,
  type ReloadSource,
  type ServedSchema,
} from './in-service.ts';
import type { SubgraphSource, SubgraphStatus } from './loading.ts';
import { createProbes } from './probe.ts';
import { createRegistrySource } from './registry-source.ts';
import { createRetryScheduler } from './retry.ts';
import type { SupergraphSource } from './source.ts';

export type { SubgraphPipeline } from '../../core/subgraph-call.ts';
export { type ComposeOutcome, composeOnce } from './compose.ts';
export { subgraphSources } from './config-source.ts';
export {
  type PrepareSchema,
  prepareFromConfig,
  type ReloadCounts,
  type ReloadSource,
  type ServedSchema,
  schemaVersion,
} from './in-service.ts';
export type { SubgraphKind, SubgraphSource, SubgraphStatus } from './loading.ts';
export type { ProbeTarget, SupergraphSource } from './source.ts';

export interface SupergraphOptions {
  /**
   * Compose these subgraphs; with `supergraphFile`, serve the file and run those of kind `rest`
   * and `graphql` in process (matched by name).
   */
  subgraphs?: readonly SubgraphSource[];
  /** Serve this pre-composed supergraph SDL file. */
  supergraphFile?: string;
  context: SubgraphLoadContext;
  logger: Logger;
  /** First delay before retrying a subgraph that failed to load. @default loading.retryInitialDelay (1 s) */
  retryInitialDelay?: number;
  /** Longest delay between retries. @default loading.retryMaxDelay (30 s) */
  retryMaxDelay?: number;
  /** Time between two health checks of the subgraphs in service. @default loading.healthCheckInterval (10 s) */
  healthCheckInterval?: number;
  /** Deadline of one health check. @default loading.healthCheckTimeout (2 s) */
  healthCheckTimeout?: number;
  /** For `GATEHOUSE_SUBGRAPH_<NAME>_URL` overrides of a supergraph file's URLs. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Wraps every subgraph executor put in service, once. @default the executor itself */
  pipeline?: SubgraphPipeline;
  /** Readies each new schema before it goes in service (the engine plans on it); throwing keeps the old one. */
  prepare?: PrepareSchema;
  /** Serve the subgraphs published to this registry store too (`registry.enabled`). @default none */
  registry?: RegistryStore;
  /** Config subgraphs a registry entry may replace (`registry.allowOverride`). @default none */
  registryAllowOverride?: readonly string[];
  /** Watch `supergraphFile` and serve each new version (`reload.watch`). @default not watched */
  watch?: { pollInterval: number };
  /** Load the config subgraphs' schemas again at this interval (`loading.pollInterval`). @default off */
  pollInterval?: number;
}

export interface SupergraphStatus {
  /** A schema is in service. */
  hasSchema: boolean;
  /**
   * A schema is in service, every required subgraph is part of it and answers its health check,
   * and no subgraph was left out of it for not composing (a deploy error, not an outage: the
   * graph is not the one configured). An optional subgraph that is down does not hold it back
   * (it is reported, and `/readyz` says `degraded`); a new version that does not compose, while the old one stays in service,
   * does not either.
   */
  ready: boolean;
  subgraphs: SubgraphStatus[];
  /** Problems of the last composition that failed, if the last attempt failed. */
  compositionProblems: string[];
  /** The version of the schema in service (`schemaVersion` of its supergraph SDL), if one is. */
  version?: string;
  /** Schemas put in service and kept out of it (failed builds), and the last attempt. */
  reloads: ReloadCounts;
}

export interface Supergraph {
  /**
   * Runs the first round of loading; resolves once every subgraph has been tried once. Rejects
   * (CONFIG_INVALID) on what no retry can fix: a supergraph or schema file that cannot be read or
   * parsed, a file whose in-process subgraphs the config does not define.
   */
  start(): Promise<void>;
  /** The schema in service, if one was built. */
  readonly schema: GraphQLSchema | undefined;
  /** The supergraph SDL in service. */
  readonly supergraphSdl: string | undefined;
  /** The schema in service with its subgraph executors, for an engine. */
  readonly served: ServedSchema | undefined;
  status(): SupergraphStatus;
  /** Called with each new schema put in service. Returns an unsubscribe function. */
  onSchema(listener: (schema: GraphQLSchema) => void): () => void;
  /**
   * Counts a reload refused outside this supergraph's sources (a config reload that failed: the
   * gateway in service stays): `status().reloads` and the reload metric show it.
   */
  refused(problem: string, source?: ReloadSource): void;
  /** Stops retries and health checks. */
  stop(): Promise<void>;
  /** With a registry: what the admin API and checks need of the graph in service. */
  readonly registry?: RegistryGraph;
}

export function createSupergraph(options: SupergraphOptions): Supergraph {
  const { logger } = options;
  const inService = createSchemaInService(logger, options.prepare);
  const retry = createRetryScheduler({
    logger,
    initialDelay: options.retryInitialDelay,
    maxDelay: options.retryMaxDelay,
  });
  const sourceContext = {
    inService,
    retry,
    context: options.context,
    logger,
    pipeline: options.pipeline ?? ((_subgraph, executor) => executor),
  };
  const subgraphs = options.subgraphs ?? [];
  const registrySource =
    options.registry === undefined
      ? undefined
      : createRegistrySource(
          { store: options.registry, sources: subgraphs, allowOverride: options.registryAllowOverride },
          sourceContext,
        );
  const source: SupergraphSource =
    registrySource ??
    (options.supergraphFile !== undefined
      ? createFileSource(
          { file: options.supergraphFile, subgraphs, env: options.env ?? process.env, watch: options.watch },
          sourceContext,
        )
      : createConfigSource(subgraphs, sourceContext, options.pollInterval));
  let probes: ReturnType<typeof createProbes> | undefined;
  let stopped = false;

  return {
    async start() {
      await source.start();
      warnOfUnusedUrlVariables(
        options.env ?? process.env,
        source.subgraphs().map((s) => s.name),
        logger,
      );
      if (stopped || source.probeTargets().length === 0) return;
      probes = createProbes({
        // Only those in service: one that is not is already reported and retried.
        targets: () => {
          const inServiceNow = new Set(
            source
              .subgraphs()
              .filter((s) => s.inService)
              .map((s) => s.name),
          );
          return source.probeTargets().filter((t) => inServiceNow.has(t.name));
        },
        client: () => options.context.client,
        interval: options.healthCheckInterval ?? HEALTH_CHECK_INTERVAL,
        timeout: options.healthCheckTimeout ?? HEALTH_CHECK_TIMEOUT,
        logger,
      });
    },
    get schema() {
      return inService.schema;
    },
    get supergraphSdl() {
      return inService.supergraphSdl;
    },
    get served() {
      return inService.served;
    },
    status() {
      const subgraphs = source.subgraphs().map((s) => {
        if (!s.inService || probes === undefined) return s;
        return { ...s, reachable: probes.reachable(s.name) };
      });
      return {
        hasSchema: inService.schema !== undefined,
        ready:
          inService.schema !== undefined &&
          subgraphs.every(
            (s) =>
              (!s.required || (s.inService && s.reachable !== false)) && !(s.incompatible && !s.inService),
          ),
        subgraphs,
        compositionProblems: source.compositionProblems(),
        version: inService.served?.version,
        reloads: inService.reloads(),
      };
    },
    onSchema: (listener) => inService.onSchema(listener),
    refused: (problem, source) => inService.refused(problem, source),
    registry: registrySource?.graph,
    async stop() {
      stopped = true;
      retry.stop();
      await Promise.all([probes?.stop(), source.stop?.()]);
    },
  };
}

function warnOfUnusedUrlVariables(env: NodeJS.ProcessEnv, names: string[], logger: Logger): void {
  for (const variable of unusedSubgraphUrlVariables(env, names)) {
    logger.warn(
      `${variable} is set, but no subgraph has that name; it is ignored. Subgraphs: ${names.join(', ')} (a subgraph's variable is GATEHOUSE_SUBGRAPH_ + its name upper-cased, "-" as "_", + _URL)`,
    );
  }
}

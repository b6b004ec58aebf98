/**
 * The supergraph room: owns the schema in service. It loads every subgraph, composes those that
 * loaded, builds the executable schema and hands it out. A subgraph that fails to load does not
 * stop the others: it is reported, retried with a doubling delay, and the graph is recomposed
 * when it comes back. A composition or build that fails never replaces the schema in service.
 */
import { readFile } from 'node:fs/promises';
import type { GraphQLSchema } from 'graphql';
import type { SubgraphExecutor } from '../../core/subgraph-call.ts';
import { composeSubgraphs, formatCompositionProblems } from '../../schema/compose.ts';
import { buildGatewaySchema, supergraphSubgraphs } from '../../schema/supergraph.ts';
import type { SubgraphDefinition, SubgraphLoadContext, SubgraphLoader } from '../../schema/types.ts';
import { subgraphUrlEnvName } from '../config/env.ts';
import type { Logger } from '../logger/index.ts';

export interface SubgraphSource {
  name: string;
  required: boolean;
  load: SubgraphLoader;
}

export interface SupergraphOptions {
  /** Compose these subgraphs, or serve the supergraph SDL file at `supergraphFile`. */
  subgraphs?: readonly SubgraphSource[];
  supergraphFile?: string;
  context: SubgraphLoadContext;
  logger: Logger;
  /** First delay before retrying a subgraph that failed to load. @default 1_000 */
  retryInitialDelay?: number;
  /** Longest delay between retries. @default 30_000 */
  retryMaxDelay?: number;
  /** For `GATEHOUSE_SUBGRAPH_<NAME>_URL` overrides of a supergraph file's URLs. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Wraps each subgraph executor put in service (loaded definitions and a supergraph file's
   * remote executors) in the subgraph pipeline, once. @default identity
   */
  pipeline?: (subgraph: { name: string; url: string }, executor: SubgraphExecutor) => SubgraphExecutor;
}

export interface SubgraphStatus {
  name: string;
  required: boolean;
  /** Its schema was loaded (it may still be left out of the schema in service by a failed composition). */
  loaded: boolean;
  /** It is part of the schema in service. */
  inService: boolean;
  /** Why the last load failed, when it did. */
  error?: string;
  /** Load attempts so far. */
  attempts: number;
  /** While it is not loaded: the delay before the next attempt, in milliseconds. */
  retryDelay?: number;
}

export interface SupergraphStatus {
  /** A schema is in service. */
  hasSchema: boolean;
  /** A schema is in service and every required subgraph is part of it. */
  ready: boolean;
  subgraphs: SubgraphStatus[];
  /** Problems of the last composition that failed, if the last attempt failed. */
  compositionProblems: string[];
}

export interface Supergraph {
  /** Runs the first round of loading; resolves once every subgraph has been tried once. */
  start(): Promise<void>;
  /** The schema in service, if one was built. */
  readonly schema: GraphQLSchema | undefined;
  /** The supergraph SDL in service. */
  readonly supergraphSdl: string | undefined;
  status(): SupergraphStatus;
  /** Called with each new schema put in service. Returns an unsubscribe function. */
  onSchema(listener: (schema: GraphQLSchema) => void): () => void;
  /** Stops retries. */
  stop(): void;
}

export function createSupergraph(options: SupergraphOptions): Supergraph {
  const { logger, context } = options;
  const pipeline = options.pipeline ?? ((_subgraph, executor) => executor);
  const initialDelay = options.retryInitialDelay ?? 1_000;
  const maxDelay = options.retryMaxDelay ?? 30_000;
  const sources = options.subgraphs ?? [];
  const loaded = new Map<string, SubgraphDefinition>();
  const states = new Map<string, SubgraphStatus>(
    sources.map((s) => [
      s.name,
      { name: s.name, required: s.required, loaded: false, inService: false, attempts: 0 },
    ]),
  );
  const timers = new Set<NodeJS.Timeout>();
  const listeners = new Set<(schema: GraphQLSchema) => void>();
  let schema: GraphQLSchema | undefined;
  let supergraphSdl: string | undefined;
  let compositionProblems: string[] = [];
  let stopped = false;

  const publish = (
    sdl: string,
    executorFor: (name: string, enumValue: string, url: string) => SubgraphExecutor,
  ) => {
    try {
      const next = buildGatewaySchema(sdl, (s) =>
        pipeline({ name: s.name, url: s.url }, executorFor(s.name, s.enumValue, s.url)),
      );
      schema = next;
      supergraphSdl = sdl;
      compositionProblems = [];
      for (const listener of listeners) listener(next);
      return true;
    } catch (error) {
      compositionProblems = [`building the executable schema failed: ${(error as Error).message}`];
      logger.error('the new supergraph could not be built; the schema in service is kept', { error });
      return false;
    }
  };

  /** Composes every loaded subgraph and puts the result in service; false when it fails. */
  const recompose = (): boolean => {
    const definitions = sources
      .map((s) => loaded.get(s.name))
      .filter((d): d is SubgraphDefinition => d !== undefined);
    if (definitions.length === 0) return true;
    const result = composeSubgraphs(definitions);
    if (result.problems) {
      compositionProblems = formatCompositionProblems(result.problems);
      logger.error(
        `composition failed; ${schema ? 'the schema in service is kept' : 'no schema is in service'}:\n  ${compositionProblems.join('\n  ')}`,
      );
      return false;
    }
    const byName = new Map(definitions.map((d) => [d.name, d]));
    if (!publish(result.supergraphSdl, (name) => byName.get(name)!.executor)) return false;
    for (const state of states.values()) state.inService = byName.has(state.name);
    const missing = sources.filter((s) => !loaded.has(s.name)).map((s) => s.name);
    logger.info(
      `schema in service: ${definitions.map((d) => d.name).join(', ')}${missing.length ? `; not loaded: ${missing.join(', ')}` : ''}`,
    );
    return true;
  };

  /** Sets a loaded subgraph aside because it does not compose; it is loaded again later. */
  const reject = (source: SubgraphSource, problems: readonly string[], delay: number) => {
    loaded.delete(source.name);
    const state = states.get(source.name)!;
    state.loaded = false;
    state.error = `does not compose with the rest of the graph: ${problems.join('; ')}`;
    logger.warn(`subgraph ${source.name} is left out: it does not compose with the rest of the graph`);
    scheduleRetry(source, delay);
  };

  /**
   * After a failed composition at startup: add the subgraphs one by one, in config order, and
   * leave out each one that does not compose with those before it, so one broken subgraph does
   * not keep the whole graph out of service.
   */
  const composeWhatComposes = () => {
    const accepted: SubgraphDefinition[] = [];
    for (const source of sources) {
      const definition = loaded.get(source.name);
      if (definition === undefined) continue;
      const result = composeSubgraphs([...accepted, definition]);
      if (result.problems) reject(source, formatCompositionProblems(result.problems), initialDelay);
      else accepted.push(definition);
    }
    const problems = compositionProblems;
    if (recompose()) compositionProblems = problems;
  };

  const loadOne = async (source: SubgraphSource): Promise<boolean> => {
    const state = states.get(source.name)!;
    state.attempts++;
    delete state.retryDelay;
    try {
      const definition = await source.load(context);
      loaded.set(source.name, definition);
      state.loaded = true;
      delete state.error;
      delete state.retryDelay;
      return true;
    } catch (error) {
      state.error = error instanceof Error ? error.message : String(error);
      logger.warn(`subgraph ${source.name} could not be loaded (attempt ${state.attempts}); retrying`, {
        error: state.error,
      });
      return false;
    }
  };

  const scheduleRetry = (source: SubgraphSource, delay: number) => {
    if (stopped) return;
    states.get(source.name)!.retryDelay = delay;
    const timer = setTimeout(async () => {
      timers.delete(timer);
      if (stopped) return;
      const ok = await loadOne(source);
      if (stopped) return;
      if (ok) {
        logger.info(`subgraph ${source.name} loaded after ${states.get(source.name)!.attempts} attempts`);
        // A newcomer that breaks composition is set aside; the schema in service stays.
        if (!recompose()) reject(source, compositionProblems, Math.min(delay * 2, maxDelay));
      } else {
        scheduleRetry(source, Math.min(delay * 2, maxDelay));
      }
    }, delay);
    timer.unref();
    timers.add(timer);
  };

  const startFromFile = async (file: string) => {
    const sdl = await readFile(file, 'utf8');
    const env = options.env ?? process.env;
    publish(sdl, (name, _enumValue, url) =>
      context.transport({ name, url: env[subgraphUrlEnvName(name)] ?? url }),
    );
    if (schema)
      logger.info(
        `serving supergraph ${file}: ${supergraphSubgraphs(sdl)
          .map((s) => s.name)
          .join(', ')}`,
      );
  };

  return {
    async start() {
      if (options.supergraphFile !== undefined) return startFromFile(options.supergraphFile);
      const results = await Promise.all(sources.map(loadOne));
      sources.forEach((source, i) => {
        if (!results[i]) scheduleRetry(source, initialDelay);
      });
      if (!recompose()) composeWhatComposes();
    },
    get schema() {
      return schema;
    },
    get supergraphSdl() {
      return supergraphSdl;
    },
    status() {
      const subgraphs = [...states.values()].map((s) => ({ ...s }));
      return {
        hasSchema: schema !== undefined,
        ready: schema !== undefined && subgraphs.every((s) => s.inService || !s.required),
        subgraphs,
        compositionProblems,
      };
    },
    onSchema(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/**
 * Loading subgraphs one at a time, with the state `/readyz` reports (attempts, last error, next
 * retry). The config source, the in-process subgraphs of a supergraph file and
 * `gatehouse compose` all load through here, so they load, fail and report alike.
 */

import { print } from 'graphql';
import { GatehouseError } from '../../core/errors.ts';
import type { SubgraphPipeline } from '../../core/subgraph-call.ts';
import type { SubgraphDefinition, SubgraphLoadContext, SubgraphLoader } from '../../schema/types.ts';
import type { Logger } from '../logger/index.ts';
import { contentHash } from './file-watch.ts';
import type { RetryScheduler } from './retry.ts';

/**
 * What tells two loads of a subgraph apart: the hash of its URL and printed SDL, taken as soon as
 * it is loaded. Composition normalises the documents it is given in place (it drops `_service`
 * and `_entities` from an SDL served by `_service { sdl }`), so a version taken after the
 * definition was composed would differ from a fresh load of the same bytes. The executor is not
 * part of it: it is made from the same config (URL, headers, timeout) at every load, and for the
 * in-process kinds from the schema this SDL is derived from.
 */
export function definitionVersion(definition: SubgraphDefinition): string {
  let sdl: string;
  try {
    sdl = print(definition.typeDefs);
  } catch {
    // Not a document (a loader bug): composing it throws, and is reported there, not here.
    sdl = '(not a document)';
  }
  return contentHash(`${definition.url}\n${sdl}`);
}

/** How a backend runs: federation subgraphs over HTTP, the other kinds in process. */
export type SubgraphKind = 'federation' | 'graphql' | 'rest';

export interface SubgraphSource {
  name: string;
  required: boolean;
  load: SubgraphLoader;
  /** @default 'federation' */
  kind?: SubgraphKind;
  /** Where it lives: probed while it is in service; a federation subgraph's endpoint when a file is served. */
  url?: string;
  /** Deadline of one request, in milliseconds (a federation subgraph's, when a file is served). */
  timeout?: number;
  /** Headers sent with every request (probes included). */
  headers?: Readonly<Record<string, string>>;
  /** Load its schema again at this interval, in milliseconds (schema polling). @default loading.pollInterval */
  pollInterval?: number;
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
  /** While it is in service (required or not): false when the last health check could not reach it. */
  reachable?: boolean;
  /**
   * Set aside at startup because it does not compose with the rest of the graph; until it joins
   * the schema in service, the gateway is not ready, required or not.
   */
  incompatible?: boolean;
}

export type LoadOutcome = { definition: SubgraphDefinition } | { error: unknown };

export interface SubgraphLoads {
  readonly states: ReadonlyMap<string, SubgraphStatus>;
  readonly loaded: ReadonlyMap<string, SubgraphDefinition>;
  /** The version (`definitionVersion`, taken when it was loaded) of each loaded definition. */
  readonly versions: ReadonlyMap<string, string>;
  /** One attempt; the definition's executor is wrapped by the pipeline. */
  load(source: SubgraphSource): Promise<LoadOutcome>;
  /** Takes a loaded subgraph out (it does not compose), with the reason. */
  setAside(name: string, reason: string): void;
  /**
   * Replaces the definition of a loaded subgraph (a new version found by schema polling), with its
   * version taken when it was loaded.
   */
  replace(name: string, definition: SubgraphDefinition, version: string): void;
}

export function createSubgraphLoads(options: {
  sources: readonly SubgraphSource[];
  context: SubgraphLoadContext;
  logger: Logger;
  pipeline: SubgraphPipeline;
}): SubgraphLoads {
  const { context, logger, pipeline } = options;
  const loaded = new Map<string, SubgraphDefinition>();
  const versions = new Map<string, string>();
  const states = new Map<string, SubgraphStatus>(
    options.sources.map((s) => [
      s.name,
      { name: s.name, required: s.required, loaded: false, inService: false, attempts: 0 },
    ]),
  );
  return {
    states,
    loaded,
    versions,
    async load(source) {
      const state = states.get(source.name)!;
      state.attempts++;
      delete state.retryDelay;
      try {
        const definition = await source.load(context);
        // Before anything composes it (composition changes the document in place).
        const version = definitionVersion(definition);
        const inService = {
          ...definition,
          executor: pipeline({ name: definition.name, url: definition.url }, definition.executor),
        };
        loaded.set(source.name, inService);
        versions.set(source.name, version);
        state.loaded = true;
        delete state.error;
        return { definition: inService };
      } catch (error) {
        state.error = error instanceof Error ? error.message : String(error);
        logger.warn(`subgraph ${source.name} could not be loaded (attempt ${state.attempts})`, {
          error: state.error,
        });
        return { error };
      }
    },
    setAside(name, reason) {
      loaded.delete(name);
      versions.delete(name);
      const state = states.get(name)!;
      state.loaded = false;
      state.error = reason;
    },
    replace(name, definition, version) {
      loaded.set(name, definition);
      versions.set(name, version);
    },
  };
}

export interface RetryUntilLoadedOptions {
  loads: SubgraphLoads;
  retry: RetryScheduler;
  logger: Logger;
  /**
   * Runs once `source` loaded, with the delay of the attempt that loaded it: puts it in service
   * (or sets it aside and calls `retryUntilLoaded` again with a longer delay).
   */
  onLoaded(source: SubgraphSource, delay: number): void;
}

/**
 * Loads `source` again after `delay`, doubling the delay after each failure, until it loads; then
 * `onLoaded`. An attempt that throws (a composition that throws rather than reporting problems)
 * is logged, the subgraph set aside, and tried again later like a failed load.
 */
export function retryUntilLoaded(
  options: RetryUntilLoadedOptions,
  source: SubgraphSource,
  delay: number,
): void {
  const { loads, retry, logger } = options;
  if (retry.stopped) return;
  const state = loads.states.get(source.name) as SubgraphStatus;
  state.retryDelay = delay;
  retry.schedule(delay, async function retryLoad() {
    try {
      const outcome = await loads.load(source);
      if (retry.stopped) return;
      if ('error' in outcome) return retryUntilLoaded(options, source, retry.next(delay));
      logger.info(`subgraph ${source.name} loaded after ${state.attempts} attempts`);
      options.onLoaded(source, delay);
    } catch (error) {
      if (retry.stopped) return;
      logger.error(`subgraph ${source.name} could not be put in service; it is tried again later`, {
        error,
      });
      if (!state.inService) {
        loads.setAside(source.name, `could not be put in service: ${(error as Error)?.message ?? error}`);
      }
      retryUntilLoaded(options, source, retry.next(delay));
    }
  });
}

/**
 * A load that can never succeed by waiting: a local file that cannot be read or does not parse.
 * At startup it stops the gateway instead of being retried forever.
 */
export function isStartupError(error: unknown): error is GatehouseError {
  return error instanceof GatehouseError && error.code === 'CONFIG_INVALID';
}

/**
 * Throws the startup errors among `outcomes`, all of them: one as it is, several as one
 * CONFIG_INVALID error listing each, so a user fixes every file in one round.
 */
export function throwStartupErrors(outcomes: readonly ({ error: unknown } | object)[]): void {
  const fatal = outcomes.flatMap((o) => ('error' in o && isStartupError(o.error) ? [o.error] : []));
  if (fatal.length === 1) throw fatal[0];
  if (fatal.length > 1) {
    throw new GatehouseError(
      'CONFIG_INVALID',
      `${fatal.length} subgraphs cannot be loaded`,
      fatal.map((e) => e.message.replace(/\n/g, '\n    ')),
    );
  }
}

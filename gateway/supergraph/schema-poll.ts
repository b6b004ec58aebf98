/**
 * Schema polling of the config's subgraphs (`loading.pollInterval`, a subgraph's own
 * `pollInterval`): each loaded subgraph's schema (SDL file, `_service { sdl }`, introspection, REST
 * mapping) is loaded again at its interval; when a definition changed (its printed SDL or URL
 * hashes differently from the version taken when the one in service was loaded:
 * `definitionVersion`), `onChanged` recomposes with it. The same SDL again recomposes nothing. A change that was tried and did not
 * compose is not tried again until the subgraph changes once more. Subgraphs polled at the same
 * interval are polled together (one recomposition for all of them); a round never starts while
 * the previous one of its interval runs. A load that fails changes nothing (the health checks
 * report a subgraph that is down).
 */
import type { SubgraphPipeline } from '../../core/subgraph-call.ts';
import type { SubgraphDefinition, SubgraphLoadContext } from '../../schema/types.ts';
import type { Logger } from '../logger/index.ts';
import { definitionVersion, type SubgraphLoads, type SubgraphSource } from './loading.ts';

export interface SchemaPollOptions {
  sources: readonly SubgraphSource[];
  /** The interval of subgraphs without their own `pollInterval`; undefined: only those with one are polled. */
  interval?: number;
  loads: SubgraphLoads;
  context: SubgraphLoadContext;
  logger: Logger;
  pipeline: SubgraphPipeline;
  /**
   * Puts the changed definitions (by subgraph name) in service beside the others; false when the
   * graph with them cannot be composed or served (the definitions in service are kept).
   */
  onChanged(changed: ReadonlyMap<string, PolledDefinition>): boolean;
}

export interface SchemaPoll {
  /** Stops the timers; a round already running finishes (and changes nothing more). */
  stop(): Promise<void>;
}

/** A new version of a polled subgraph: its definition (executor in the pipeline) and version. */
export interface PolledDefinition {
  definition: SubgraphDefinition;
  /** `definitionVersion`, taken before anything composed it. */
  version: string;
}

/** Starts polling; returns undefined when no subgraph is polled. */
export function startSchemaPoll(options: SchemaPollOptions): SchemaPoll | undefined {
  const { loads, context, logger, pipeline } = options;
  const groups = new Map<number, SubgraphSource[]>();
  for (const source of options.sources) {
    const interval = source.pollInterval ?? options.interval;
    if (interval === undefined) continue;
    groups.set(interval, [...(groups.get(interval) ?? []), source]);
  }
  if (groups.size === 0) return undefined;
  // The last version of each subgraph that was tried and did not go in service.
  const refused = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  const rounds = new Set<Promise<void>>();
  let stopped = false;

  /** The new definition of `source`, when it changed and was not refused before. */
  const changedDefinition = async (source: SubgraphSource): Promise<PolledDefinition | undefined> => {
    const current = loads.versions.get(source.name);
    // Not loaded (failing, or set aside): its retries load it again.
    if (current === undefined || !loads.loaded.has(source.name)) return undefined;
    let fresh: SubgraphDefinition;
    try {
      fresh = await source.load(context);
    } catch (error) {
      logger.debug(`polling the schema of subgraph ${source.name} failed; the one in service is kept`, {
        error: (error as Error).message,
      });
      return undefined;
    }
    // Taken now, before composition changes the document in place.
    const version = definitionVersion(fresh);
    if (version === current) {
      refused.delete(source.name);
      return undefined;
    }
    if (refused.get(source.name) === version) return undefined;
    refused.set(source.name, version);
    logger.info(`subgraph ${source.name} has a new schema; recomposing`);
    const executor = pipeline({ name: fresh.name, url: fresh.url }, fresh.executor);
    return { definition: { ...fresh, executor }, version };
  };

  const round = async (sources: readonly SubgraphSource[]) => {
    const found = await Promise.all(sources.map(changedDefinition));
    if (stopped) return;
    const changed = new Map<string, PolledDefinition>();
    sources.forEach((source, i) => {
      const definition = found[i];
      if (definition !== undefined) changed.set(source.name, definition);
    });
    if (changed.size === 0) return;
    // Put in service: no longer refused. Not: each stays refused until it changes again.
    if (options.onChanged(changed)) for (const name of changed.keys()) refused.delete(name);
  };

  const schedule = (interval: number, sources: readonly SubgraphSource[]) => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const running = round(sources)
        .catch((error: unknown) => logger.error('a schema poll round failed', { error }))
        .finally(() => {
          rounds.delete(running);
          // The next round is counted from the end of this one: rounds never overlap.
          schedule(interval, sources);
        });
      rounds.add(running);
    }, interval);
    timer.unref();
    timers.add(timer);
  };

  for (const [interval, sources] of groups) schedule(interval, sources);
  const polled = [...groups].map(
    ([interval, s]) => `${s.map((x) => x.name).join(', ')} every ${interval} ms`,
  );
  logger.info(`polling subgraph schemas: ${polled.join('; ')}`);
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(rounds);
    },
  };
}

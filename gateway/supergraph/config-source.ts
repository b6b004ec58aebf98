/**
 * The config source: every subgraph of the config is loaded, those that loaded are composed and
 * put in service. A subgraph that fails to load is retried; when it comes back the graph is
 * recomposed. One that does not compose with the graph in service is set aside and loaded again
 * later. At startup, when the whole set does not compose, subgraphs are added in config order and
 * each one that does not compose with those before it is set aside. A set-aside subgraph holds
 * readiness back only if it is required. With schema polling (`schema-poll.ts`), a subgraph whose
 * schema changed is recomposed with the others; a change that does not compose leaves the schema
 * in service and is reported (`compositionProblems`) until one composes.
 */
import { composeSubgraphs, formatCompositionProblems } from '../../schema/compose.ts';
import { subgraphLoader } from '../../schema/loaders.ts';
import type { SubgraphDefinition } from '../../schema/types.ts';
import type { SubgraphConfig } from '../config/index.ts';
import type { ReloadSource } from './in-service.ts';
import { createSubgraphLoads, retryUntilLoaded, type SubgraphSource, throwStartupErrors } from './loading.ts';
import { type SchemaPoll, startSchemaPoll } from './schema-poll.ts';
import type { ProbeTarget, SupergraphSource, SupergraphSourceContext } from './source.ts';

/** The sources of the config's subgraphs. */
export function subgraphSources(subgraphs: readonly SubgraphConfig[]): SubgraphSource[] {
  return subgraphs.map((s) => ({
    name: s.name,
    required: s.required,
    kind: s.kind,
    url: s.url,
    timeout: s.timeout,
    headers: s.headers,
    pollInterval: s.pollInterval,
    load: subgraphLoader(s),
  }));
}

/** The loaded definitions of `sources`, in their order. */
export function inOrder(
  sources: readonly SubgraphSource[],
  loaded: ReadonlyMap<string, SubgraphDefinition>,
): SubgraphDefinition[] {
  return sources.map((s) => loaded.get(s.name)).filter((d): d is SubgraphDefinition => d !== undefined);
}

export function probeTargetsOf(sources: readonly SubgraphSource[]): ProbeTarget[] {
  return sources
    .filter((s) => s.url !== undefined)
    .map((s) => ({
      name: s.name,
      required: s.required,
      kind: s.kind === 'rest' ? 'rest' : 'graphql',
      url: s.url!,
      headers: s.headers,
    }));
}

export function createConfigSource(
  sources: readonly SubgraphSource[],
  { inService, retry, context, logger, pipeline }: SupergraphSourceContext,
  /** Schema polling of subgraphs without their own `pollInterval`, in milliseconds. @default off */
  pollInterval?: number,
): SupergraphSource {
  const loads = createSubgraphLoads({ sources, context, logger, pipeline });
  let compositionProblems: string[] = [];
  let poll: SchemaPoll | undefined;
  let stopped = false;

  /**
   * Composes every loaded subgraph and puts the result in service; false when it fails (counted
   * as a failed reload from `source`: a poll, or the config's loading and retries).
   */
  const recompose = (source: ReloadSource = 'config'): boolean => {
    const definitions = inOrder(sources, loads.loaded);
    if (definitions.length === 0) return true;
    const result = composeSubgraphs(definitions);
    if (result.problems) {
      compositionProblems = formatCompositionProblems(result.problems);
      logger.error(
        `composition failed; ${inService.schema ? 'the schema in service is kept' : 'no schema is in service'}:\n  ${compositionProblems.join('\n  ')}`,
      );
      inService.refused(`composition failed: ${compositionProblems.join('; ')}`, source);
      return false;
    }
    const byName = new Map(definitions.map((d) => [d.name, d]));
    const put = inService.put(result.supergraphSdl, (s) => byName.get(s.name)!.executor, { source });
    if (!put.ok) {
      compositionProblems = [put.problem];
      return false;
    }
    compositionProblems = [];
    for (const state of loads.states.values()) {
      state.inService = byName.has(state.name);
      if (state.inService) delete state.incompatible;
    }
    // The same supergraph as in service (a change that composes to the same graph): nothing new.
    if (put.unchanged) return true;
    const missing = sources.filter((s) => !loads.loaded.has(s.name)).map((s) => s.name);
    logger.info(
      `schema in service: ${definitions.map((d) => d.name).join(', ')}${missing.length ? `; not loaded: ${missing.join(', ')}` : ''}`,
    );
    return true;
  };

  /** Sets a loaded subgraph aside because it does not compose; it is loaded again later. */
  const reject = (source: SubgraphSource, problems: readonly string[], delay: number) => {
    loads.setAside(source.name, `cannot join the graph: ${problems.join('; ')}`);
    logger.warn(`subgraph ${source.name} is left out: the graph with it cannot be composed or served`);
    scheduleRetry(source, delay);
  };

  /** After a failed composition at startup: what composes in config order is served. */
  const composeWhatComposes = () => {
    const accepted: SubgraphDefinition[] = [];
    for (const source of sources) {
      const definition = loads.loaded.get(source.name);
      if (definition === undefined) continue;
      const result = composeSubgraphs([...accepted, definition]);
      if (result.problems) {
        reject(source, formatCompositionProblems(result.problems), retry.initialDelay);
        // Not an outage but a graph that is not the one configured: not ready until it joins.
        loads.states.get(source.name)!.incompatible = true;
      } else accepted.push(definition);
    }
    const problems = compositionProblems;
    if (recompose()) compositionProblems = problems;
  };

  const scheduleRetry = (source: SubgraphSource, delay: number) =>
    retryUntilLoaded(
      {
        loads,
        retry,
        logger,
        onLoaded(loaded, after) {
          // A newcomer that breaks composition is set aside; the schema in service stays.
          if (!recompose()) reject(loaded, compositionProblems, retry.next(after));
        },
      },
      source,
      delay,
    );

  return {
    async start() {
      const outcomes = await Promise.all(sources.map((s) => loads.load(s)));
      throwStartupErrors(outcomes);
      sources.forEach((source, i) => {
        if ('error' in outcomes[i]!) scheduleRetry(source, retry.initialDelay);
      });
      if (!recompose()) composeWhatComposes();
      if (stopped) return;
      poll = startSchemaPoll({
        sources,
        interval: pollInterval,
        loads,
        context,
        logger,
        pipeline,
        onChanged(changed) {
          // Set aside while it was being polled: its retries load it again.
          const fresh = [...changed].filter(([name]) => loads.loaded.has(name));
          const previous = fresh.map(
            ([name]) => [name, loads.loaded.get(name)!, loads.versions.get(name)!] as const,
          );
          for (const [name, polled] of fresh) loads.replace(name, polled.definition, polled.version);
          if (fresh.length === 0 || recompose('poll')) return true;
          // The definitions in service stay, for the retries of others to compose with.
          for (const [name, definition, version] of previous) loads.replace(name, definition, version);
          return false;
        },
      });
    },
    async stop() {
      stopped = true;
      await poll?.stop();
    },
    subgraphs: () => [...loads.states.values()].map((s) => ({ ...s })),
    compositionProblems: () => compositionProblems,
    probeTargets: () => probeTargetsOf(sources),
  };
}

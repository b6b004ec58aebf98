/**
 * The registry source: the config's subgraphs (loaded and retried as the config source does)
 * composed with the subgraphs published to the registry (`gateway/registry`). A registry entry
 * with the name of a config subgraph is not served (logged once) unless the config lets the
 * registry replace it (`registry.allowOverride`): the config's subgraphs are the platform team's.
 * A version the store cannot read is reported on its subgraph's status (`store.broken()`) and the
 * newest one it can is served. On every change of the store (its watch: fs.watch or pub/sub, and
 * polling) the new set is loaded and composed beside the schema in service and swapped in only if
 * it composes and builds; a version that does not is kept out (logged, `/readyz`'s
 * `compositionProblems`, its status' `error`), and the others changed with it are tried one by one.
 */
import { composeSubgraphs, formatCompositionProblems } from '../../schema/compose.ts';
import { subgraphLoader } from '../../schema/loaders.ts';
import type { SubgraphDefinition } from '../../schema/types.ts';
import type { RegistryGraph } from '../registry/graph.ts';
import { parseEntry, type RegistryStore, type RegistryVersion } from '../registry/index.ts';
import { inOrder, probeTargetsOf } from './config-source.ts';
import {
  createSubgraphLoads,
  retryUntilLoaded,
  type SubgraphSource,
  type SubgraphStatus,
  throwStartupErrors,
} from './loading.ts';
import type { ProbeTarget, SupergraphSource, SupergraphSourceContext } from './source.ts';

/** A registry subgraph loaded, at one version. */
interface Registered {
  version: RegistryVersion;
  definition: SubgraphDefinition;
  url: string;
  required: boolean;
  headers?: Readonly<Record<string, string>>;
  kind: 'federation' | 'graphql' | 'rest';
}

export function createRegistrySource(
  options: {
    store: RegistryStore;
    sources: readonly SubgraphSource[];
    /** Config subgraphs a registry entry may replace (`registry.allowOverride`). @default [] */
    allowOverride?: readonly string[];
  },
  { inService, retry, context, logger, pipeline }: SupergraphSourceContext,
): SupergraphSource & { graph: RegistryGraph } {
  const { store, sources } = options;
  const loads = createSubgraphLoads({ sources, context, logger, pipeline });
  /** The registry subgraphs in service. */
  let served = new Map<string, Registered>();
  /** Per registry subgraph: its state, and the version last tried. */
  const states = new Map<string, SubgraphStatus & { tried?: number }>();
  let compositionProblems: string[] = [];
  let unwatch: (() => void) | undefined;
  let stopped = false;
  /** Config subgraphs the registry may not replace. */
  const owned = new Set(
    sources.map((s) => s.name).filter((name) => !(options.allowOverride ?? []).includes(name)),
  );
  /** What was logged, once each: a version of a config subgraph refused, a store problem. */
  const refused = new Map<string, number>();
  let brokenSeen = new Map<string, string>();

  /** The definitions to compose: the config's (those the registry does not replace), then the registry's. */
  const definitionsWith = (registry: ReadonlyMap<string, Registered>) => [
    ...inOrder(sources, loads.loaded).filter((d) => !registry.has(d.name)),
    ...[...registry.values()]
      .sort((a, b) => a.version.name.localeCompare(b.version.name))
      .map((r) => r.definition),
  ];

  /**
   * Composes the config's loaded subgraphs with `registry`, and serves it; false when it fails.
   * A composition that fails is counted as a failed reload unless `count` is false (a set that is
   * then tried version by version, each version that does not compose counted on its own).
   */
  const put = (registry: ReadonlyMap<string, Registered>, count = true): boolean => {
    const definitions = definitionsWith(registry);
    if (definitions.length === 0) return true;
    const result = composeSubgraphs(definitions);
    if (result.problems) {
      compositionProblems = formatCompositionProblems(result.problems);
      if (count) inService.refused(`composition failed: ${compositionProblems.join('; ')}`, 'registry');
      return false;
    }
    const byName = new Map(definitions.map((d) => [d.name, d]));
    // A new registry version may keep the SDL and URL but change what its executor sends (its
    // `headers`, `timeout`): the same supergraph is built again when a registry entry changed.
    const rebuild =
      registry.size !== served.size || [...registry].some(([name, r]) => served.get(name) !== r);
    const outcome = inService.put(result.supergraphSdl, (s) => byName.get(s.name)!.executor, {
      source: 'registry',
      rebuild,
    });
    if (!outcome.ok) {
      compositionProblems = [outcome.problem];
      return false;
    }
    compositionProblems = [];
    served = new Map(registry);
    for (const state of loads.states.values())
      state.inService = byName.has(state.name) && !registry.has(state.name);
    for (const [name, state] of states) {
      state.inService = registry.has(name);
      // Cleared only when the version last tried is the one served: a newer one kept out keeps
      // its error (`/readyz`, the admin list) while the version before it serves.
      if (state.inService && registry.get(name)!.version.version === state.tried) delete state.error;
    }
    const versions = [...registry.values()].map((r) => `${r.version.name}@v${r.version.version}`);
    logger.info(
      `schema in service: ${definitions.map((d) => d.name).join(', ')}${versions.length ? ` (registry: ${versions.join(', ')})` : ''}`,
    );
    return true;
  };

  /** Loads one entry as it will be served: its executor wrapped in the pipeline. */
  const load = async (config: Parameters<RegistryGraph['load']>[0]) => {
    const definition = await subgraphLoader(config)(context);
    return {
      ...definition,
      executor: pipeline({ name: definition.name, url: definition.url }, definition.executor),
    };
  };

  /** Loads a registry version; undefined (and its state says why) when it cannot be. */
  const loadVersion = async (version: RegistryVersion): Promise<Registered | undefined> => {
    const state = stateOf(version);
    state.attempts++;
    state.tried = version.version;
    try {
      const { config } = parseEntry(version.entry);
      const definition = await load(config);
      state.loaded = true;
      return {
        version,
        definition,
        url: config.url,
        required: config.required,
        headers: config.headers,
        kind: config.kind,
      };
    } catch (error) {
      state.error = `version ${version.version} cannot be loaded: ${(error as Error).message}`;
      logger.error(
        `registry: ${version.name} version ${version.version} cannot be loaded; it is not served`,
        {
          error: state.error,
        },
      );
      return undefined;
    }
  };
  const stateNamed = (name: string) => {
    let state = states.get(name);
    if (state === undefined) {
      state = { name, required: false, loaded: false, inService: false, attempts: 0 };
      states.set(name, state);
    }
    return state;
  };
  const stateOf = (version: RegistryVersion) => {
    const state = stateNamed(version.name);
    state.required = version.entry.required === true;
    return state;
  };

  /** The store's versions, but those of config subgraphs the registry may not replace (logged once). */
  const allowed = (listed: readonly RegistryVersion[]) =>
    listed.filter((version) => {
      if (!owned.has(version.name)) return true;
      if (refused.get(version.name) !== version.version) {
        refused.set(version.name, version.version);
        logger.error(
          `registry: ${version.name} version ${version.version} is not served: ${version.name} is a config subgraph (list it in registry.allowOverride to let the registry replace it)`,
        );
      }
      return false;
    });

  /** Reads the store, serves what changed, and reports the versions it could not read. */
  const apply = async () => {
    const listed = allowed(await store.list());
    await serve(listed);
    const broken = store.broken();
    for (const [name, problem] of brokenSeen)
      if (broken.get(name) !== problem && states.get(name)?.error === problem) delete states.get(name)!.error;
    for (const [name, problem] of broken) {
      if (owned.has(name)) continue;
      if (brokenSeen.get(name) !== problem)
        logger.error(`registry: ${name}: a version cannot be read: ${problem}`);
      stateNamed(name).error = problem;
    }
    brokenSeen = new Map(broken);
  };

  /** Serves `listed`: what changed is loaded, composed and swapped in. */
  const serve = async (listed: readonly RegistryVersion[]) => {
    const next = new Map(served);
    const changed: Registered[] = [];
    const names = new Set(listed.map((v) => v.name));
    for (const name of served.keys()) if (!names.has(name)) next.delete(name);
    for (const name of states.keys()) if (!names.has(name)) states.delete(name);
    for (const version of listed) {
      const state = stateOf(version);
      if (served.get(version.name)?.version.version === version.version || state.tried === version.version)
        continue;
      const registered = await loadVersion(version);
      if (registered) changed.push(registered);
    }
    for (const registered of changed) next.set(registered.version.name, registered);
    if (changed.length === 0 && next.size === served.size) return;
    if (put(next, false)) return;
    // Not all together: each change on top of what is in service, in name order.
    const problems = compositionProblems;
    const accepted = new Map(served);
    for (const name of served.keys()) if (!names.has(name)) accepted.delete(name);
    for (const registered of changed) {
      const trial = new Map(accepted).set(registered.version.name, registered);
      const ok = composeSubgraphs(definitionsWith(trial));
      if (ok.problems) {
        const state = states.get(registered.version.name)!;
        state.error = `version ${registered.version.version} does not compose: ${formatCompositionProblems(ok.problems).join('; ')}`;
        inService.refused(`registry: ${registered.version.name} ${state.error}`, 'registry');
        logger.error(
          `registry: ${registered.version.name} version ${registered.version.version} does not compose; it is not served`,
          {
            problems: formatCompositionProblems(ok.problems),
          },
        );
      } else accepted.set(registered.version.name, registered);
    }
    if (!put(accepted)) logger.error('registry: the new set cannot be served; the schema in service is kept');
    compositionProblems = problems;
  };

  /** One apply at a time; callers during one share the one queued after it. */
  let chain: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (queued) return queued;
    const next = chain.then(() => {
      queued = undefined;
      if (stopped) return;
      return apply().catch((error: unknown) => {
        logger.warn('registry: the store could not be read; tried again soon', { error });
        retry.schedule(retry.initialDelay, () => refresh());
      });
    });
    queued = next;
    chain = next;
    return next;
  };

  const scheduleRetry = (source: SubgraphSource, delay: number) =>
    retryUntilLoaded(
      {
        loads,
        retry,
        logger,
        onLoaded(loaded, after) {
          if (put(served)) {
            // A registry version kept out may compose now that this one is back.
            for (const [name, state] of states)
              if (served.get(name)?.version.version !== state.tried) delete state.tried;
            void refresh();
            return;
          }
          loads.setAside(loaded.name, `cannot join the graph: ${compositionProblems.join('; ')}`);
          scheduleRetry(loaded, retry.next(after));
        },
      },
      source,
      delay,
    );

  const graph: RegistryGraph = {
    store,
    current: () => definitionsWith(served).filter((d) => inService.served?.executors.has(d.name) !== false),
    supergraphSdl: () => inService.supergraphSdl,
    inService: () => new Map([...served].map(([name, r]) => [name, r.version.version])),
    load,
    refresh,
    configOwned: (name) => owned.has(name),
    configSubgraphs: () => sources.map((s) => ({ name: s.name, kind: s.kind ?? 'federation', url: s.url })),
  };

  return {
    graph,
    async start() {
      for (const name of options.allowOverride ?? [])
        if (!sources.some((s) => s.name === name))
          logger.warn(
            `registry.allowOverride names ${name}, which is not a subgraph of the config: it has no effect (a registry subgraph needs no override; remove it, or fix the name)`,
          );
      const outcomes = await Promise.all(sources.map((s) => loads.load(s)));
      throwStartupErrors(outcomes);
      sources.forEach((source, i) => {
        if ('error' in outcomes[i]!) scheduleRetry(source, retry.initialDelay);
      });
      // Watched before the first read, and read once more once the watch has its baseline: a
      // publish before the baseline is read then, one after it is told by the watch.
      unwatch = store.watch(() => void refresh());
      await refresh();
      void store.ready().then(() => refresh());
      if (inService.schema === undefined && !put(served))
        logger.error(`composition failed; no schema is in service:\n  ${compositionProblems.join('\n  ')}`);
    },
    async stop() {
      stopped = true;
      unwatch?.();
      await chain;
    },
    subgraphs: () => [
      ...[...loads.states.values()]
        .filter((s) => !served.has(s.name) && !states.has(s.name))
        .map((s) => ({ ...s })),
      ...[...states.values()].map(({ tried: _, ...s }) => ({ ...s })),
    ],
    compositionProblems: () => compositionProblems,
    probeTargets: (): ProbeTarget[] => [
      ...probeTargetsOf(sources).filter((t) => !served.has(t.name)),
      ...[...served.values()].map((r) => ({
        name: r.version.name,
        required: r.required,
        kind: r.kind === 'rest' ? ('rest' as const) : ('graphql' as const),
        url: r.url,
        headers: r.headers,
      })),
    ],
  };
}

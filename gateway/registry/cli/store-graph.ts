/**
 * The graph a CLI check runs against when it writes to the store itself (`--registry`,
 * `--config`): what a gateway with that config and store would serve. The config's subgraphs
 * (loaded from their services), then each registry subgraph that composes with those before it,
 * oldest publish first, as a gateway serving them in turn would have: a version published with `--force` that
 * does not compose is not served there, so it is not checked against here. The store or a config
 * subgraph that cannot be read is REGISTRY_UNAVAILABLE (exit 3), never a failed check.
 */
import { GatehouseError } from '../../../core/errors.ts';
import { composeSubgraphs, formatCompositionProblems } from '../../../schema/compose.ts';
import type { SubgraphDefinition, SubgraphLoadContext } from '../../../schema/types.ts';
import type { SubgraphConfig } from '../../config/index.ts';
import { subgraphSources } from '../../supergraph/index.ts';
import { parseEntry } from '../entry.ts';
import type { CheckTarget } from '../publish.ts';
import type { RegistryStore } from '../store.ts';

export interface StoreGraphOptions {
  store: RegistryStore;
  /** The config's subgraphs (none with `--registry`). */
  subgraphs: readonly SubgraphConfig[];
  /** Config subgraphs the registry may replace (`registry.allowOverride`). */
  allowOverride: readonly string[];
  context: SubgraphLoadContext;
  load(config: SubgraphConfig): Promise<SubgraphDefinition>;
}

/** A check target read from the store (and the config's services); `refresh` reads them again. */
export async function storeGraph(options: StoreGraphOptions): Promise<Required<CheckTarget>> {
  const { store, load } = options;
  const owned = new Set(
    options.subgraphs.map((s) => s.name).filter((name) => !options.allowOverride.includes(name)),
  );
  let definitions: SubgraphDefinition[] = [];
  let supergraphSdl: string | undefined;

  const read = async () => {
    // Oldest first: a gateway served the versions published before, and kept out the one that
    // did not compose with them.
    const listed = (await unavailableOn('the registry could not be read', () => store.list()))
      .filter((v) => !owned.has(v.name))
      .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.name.localeCompare(b.name));
    // A registry version that cannot be loaded is not served by the gateway either.
    const registry = (
      await Promise.all(listed.map((v) => load(parseEntry(v.entry).config).catch((): undefined => undefined)))
    ).filter((d): d is SubgraphDefinition => d !== undefined);
    const replaced = new Set(registry.map((d) => d.name));
    const configured = await Promise.all(
      subgraphSources(options.subgraphs.filter((s) => !replaced.has(s.name))).map((s) =>
        unavailableOn(`the config subgraph ${s.name} could not be loaded`, () => s.load(options.context)),
      ),
    );
    let accepted: SubgraphDefinition[] = configured;
    let sdl: string | undefined;
    if (configured.length > 0) {
      const composed = composeSubgraphs(configured);
      if (composed.problems !== undefined)
        throw new GatehouseError(
          'REGISTRY_UNAVAILABLE',
          "registry: the config's subgraphs do not compose, so there is no graph to check against",
          formatCompositionProblems(composed.problems),
        );
      sdl = composed.supergraphSdl;
    }
    for (const definition of registry) {
      const composed = composeSubgraphs([...accepted, definition]);
      if (composed.problems !== undefined) continue;
      accepted = [...accepted, definition];
      sdl = composed.supergraphSdl;
    }
    definitions = accepted;
    supergraphSdl = sdl;
  };

  await read();
  return {
    current: () => definitions,
    supergraphSdl: () => supergraphSdl,
    load,
    configOwned: (name) => owned.has(name),
    refresh: read,
  };
}

/** Runs `task`; any failure but a coded one is REGISTRY_UNAVAILABLE, saying `what`. */
async function unavailableOn<T>(what: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (error instanceof GatehouseError && error.code === 'REGISTRY_UNAVAILABLE') throw error;
    throw new GatehouseError('REGISTRY_UNAVAILABLE', `registry: ${what}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
}

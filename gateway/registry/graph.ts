/**
 * What the registry needs of the gateway serving it (the supergraph room's registry source
 * implements it): the subgraphs in service to check a candidate against, a way to load an entry
 * as it would be served, and a refresh that serves what the store holds now.
 */
import type { SubgraphDefinition } from '../../schema/types.ts';
import type { SubgraphConfig } from '../config/index.ts';
import type { RegistryStore } from './store.ts';

export interface RegistryGraph {
  readonly store: RegistryStore;
  /** The subgraphs of the schema in service (config and registry), loaded. */
  current(): SubgraphDefinition[];
  /** The supergraph SDL in service, if one is. */
  supergraphSdl(): string | undefined;
  /** The version of each registry subgraph in service, by name. */
  inService(): ReadonlyMap<string, number>;
  /** Loads an entry's definition as it would be served (an inline schema: no network). */
  load(config: SubgraphConfig): Promise<SubgraphDefinition>;
  /** Reads the store and serves what changed; resolves once done (or kept out, and reported). */
  refresh(): Promise<void>;
  /** Whether `name` is a config subgraph the registry may not replace (`registry.allowOverride`). */
  configOwned(name: string): boolean;
  /** The config's subgraphs (served unless a registry version of theirs is). */
  configSubgraphs(): readonly { name: string; kind: 'federation' | 'graphql' | 'rest'; url?: string }[];
}

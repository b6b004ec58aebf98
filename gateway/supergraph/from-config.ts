/**
 * The supergraph room of a resolved config: its subgraphs, supergraph file, loading retries,
 * health checks, file watching and schema polling, as `createSupergraph` takes them.
 */
import type { GatehouseConfig } from '../config/index.ts';
import { subgraphSources } from './config-source.ts';
import { createSupergraph, type Supergraph, type SupergraphOptions } from './index.ts';

/** What the config does not say: where registered subgraphs and loads come from, and the hooks. */
export type SupergraphWiring = Pick<
  SupergraphOptions,
  'registry' | 'context' | 'pipeline' | 'prepare' | 'logger' | 'env'
>;

export function supergraphFromConfig(config: GatehouseConfig, wiring: SupergraphWiring): Supergraph {
  return createSupergraph({
    ...wiring,
    subgraphs: subgraphSources(config.subgraphs),
    supergraphFile: config.supergraph,
    retryInitialDelay: config.loading.retryInitialDelay,
    retryMaxDelay: config.loading.retryMaxDelay,
    healthCheckInterval: config.loading.healthCheckInterval,
    healthCheckTimeout: config.loading.healthCheckTimeout,
    watch: config.reload.watch ? { pollInterval: config.reload.pollInterval } : undefined,
    pollInterval: config.loading.pollInterval,
    registryAllowOverride: config.registry.allowOverride,
  });
}

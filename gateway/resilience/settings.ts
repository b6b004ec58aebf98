/**
 * The resilience settings of each subgraph: `upstream`'s, with the keys its own entry sets
 * (`subgraphs[].circuitBreaker`, `retry`, `bulkhead`). Subgraphs with no entry (those of a
 * supergraph file) get `upstream`'s.
 */
import type { GatehouseConfig } from '../config/index.ts';
import type { BulkheadConfig, CircuitBreakerConfig, RetryConfig } from '../config/resilience-schema.ts';

export interface SubgraphResilience {
  circuitBreaker: CircuitBreakerConfig;
  retry: RetryConfig;
  bulkhead: BulkheadConfig;
}

/** The settings of a subgraph by name, resolved once per name. */
export type ResilienceSettings = (serviceName: string) => SubgraphResilience;

export function resilienceSettings(
  upstream: GatehouseConfig['upstream'],
  subgraphs: GatehouseConfig['subgraphs'],
): ResilienceSettings {
  const defaults: SubgraphResilience = {
    circuitBreaker: upstream.circuitBreaker,
    retry: upstream.retry,
    bulkhead: upstream.bulkhead,
  };
  const resolved = new Map<string, SubgraphResilience>();
  for (const subgraph of subgraphs) {
    const circuitBreaker = { ...defaults.circuitBreaker, ...subgraph.circuitBreaker };
    // An override of one bound alone must not leave the pair upside down.
    circuitBreaker.maxOpenDuration = Math.max(circuitBreaker.maxOpenDuration, circuitBreaker.openDuration);
    const retry = { ...defaults.retry, ...subgraph.retry };
    retry.maxDelay = Math.max(retry.maxDelay, retry.baseDelay);
    resolved.set(subgraph.name, {
      circuitBreaker,
      retry,
      bulkhead: { ...defaults.bulkhead, ...subgraph.bulkhead },
    });
  }
  return (serviceName) => resolved.get(serviceName) ?? defaults;
}

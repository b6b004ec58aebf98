/**
 * The schema registry room: the store of published subgraphs (`store.ts`, with the directory and
 * Redis adapters), the entries (`entry.ts`), and publishing with its check (`publish.ts`). The
 * supergraph room serves what it holds (`gateway/supergraph/registry-source.ts`); the admin room
 * and the CLI (`cli/`) publish to it. See docs/registry.md.
 */
import { GatehouseError } from '../../core/errors.ts';
import type { RegistryConfig } from '../config/registry-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { RedisConnection } from '../redis/index.ts';
import { createDirectoryStore } from './directory-store.ts';
import { createRedisStore } from './redis-store.ts';
import type { RegistryStore } from './store.ts';

export { parseEntry, type RegistryEntry } from './entry.ts';
export type { PublishMeta, RegistryStore, RegistryVersion } from './store.ts';
export { previousVersion } from './store.ts';

/** The store `config` names; the Redis one needs the gateway's connection. */
export function createRegistryStore(
  config: Pick<RegistryConfig, 'store' | 'directory' | 'pollInterval' | 'maxVersions'>,
  options: { redis?: RedisConnection; logger?: Pick<Logger, 'warn'> } = {},
): RegistryStore {
  if (config.store === 'directory')
    return createDirectoryStore({
      directory: config.directory,
      pollInterval: config.pollInterval,
      maxVersions: config.maxVersions,
    });
  if (options.redis === undefined)
    throw new GatehouseError(
      'CONFIG_INVALID',
      'registry.store is "redis" but no `redis` connection is configured',
      ['add `redis: { url: redis://... }`'],
    );
  return createRedisStore({
    client: options.redis.client,
    keyPrefix: options.redis.keyPrefix,
    pollInterval: config.pollInterval,
    maxVersions: config.maxVersions,
    onError: (error) => options.logger?.warn('registry: the store could not be read', { error }),
  });
}

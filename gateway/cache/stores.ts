/**
 * The cache room's choice of store, from `cache.store`: the memory store (bounded by
 * `cache.maxBytes`), or the Redis one over the gateway's shared connection (keys under its prefix
 * and `cache:`, `storeTimeout` as the deadline of each round trip, bodies above `compressAbove`
 * compressed), guarded so that an outage is "no cache", never an error. The room picks it, so the
 * composition root hands over the connection and never the store adapters.
 */
import type { CacheConfig } from '../config/cache-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { RedisConnection } from '../redis/index.ts';
import { guardCacheStore } from './store/guarded-store.ts';
import { createMemoryCacheStore } from './store/memory-store.ts';
import { createRedisCacheStore } from './store/redis-store.ts';
import type { CacheStore } from './store/types.ts';

/**
 * The store `config` asks for. `store: redis` without a connection is refused by the config
 * check (schema.ts); here it would fall back to the memory store.
 */
export function createCacheStore(
  config: CacheConfig,
  logger: Logger,
  redis: RedisConnection | undefined,
  now: () => number,
): CacheStore {
  if (config.store !== 'redis' || redis === undefined)
    return createMemoryCacheStore({ maxBytes: config.maxBytes, now });
  const store = createRedisCacheStore(redis.client, {
    prefix: `${redis.keyPrefix}cache:`,
    deadlineMs: config.storeTimeout,
    compressAbove: config.compressAbove,
    // Nothing larger is ever kept: a larger value in Redis is not ours to decompress.
    maxBodyBytes: Math.max(config.response.maxEntryBytes, 1),
  });
  return guardCacheStore(store, { logger });
}

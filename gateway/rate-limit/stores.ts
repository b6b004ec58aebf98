/**
 * The rate-limit room's choice of store, from `rateLimit.store`: the memory store, or the Redis one
 * over the gateway's shared connection (keys under its prefix and `rl:`, `storeTimeout` as the
 * deadline) with a memory store to count in while Redis is out. The room picks it, so the
 * composition root hands over the connection and never the store adapters.
 */
import type { RateLimitConfig } from '../config/rate-limit-schema.ts';
import type { RedisConnection } from '../redis/index.ts';
import { createMemoryStore } from './store/memory-store.ts';
import { createRedisStore } from './store/redis-store.ts';
import type { RateLimitStore } from './store/types.ts';

export interface RateLimitStores {
  /** Where the counts are kept. */
  primary: RateLimitStore;
  /** Counts in this process while `primary` is out; undefined when it is the memory store. */
  fallback: RateLimitStore | undefined;
}

/**
 * The stores `config` asks for. `store: redis` without a connection is refused by the config
 * check (schema.ts); here it would fall back to the memory store.
 */
export function createRateLimitStores(config: RateLimitConfig, redis?: RedisConnection): RateLimitStores {
  const memory = () => createMemoryStore({ maxKeys: config.memoryMaxKeys });
  if (config.store !== 'redis' || redis === undefined) return { primary: memory(), fallback: undefined };
  return {
    primary: createRedisStore(redis.client, {
      prefix: `${redis.keyPrefix}rl:`,
      deadlineMs: config.storeTimeout,
    }),
    fallback: memory(),
  };
}

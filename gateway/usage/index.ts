/**
 * Usage (stage: operation): which operations run, and the schema coordinates each uses, counted
 * in memory or in Redis, for `gatehouse check` (which operations a breaking change would break)
 * and the admin API (the most used operations). docs/usage.md.
 *
 * The plugin's one hook is envelop's `onExecute`, so the JSON fast path stays on and every
 * validated operation is counted, whichever path it came by: per request, two WeakMap lookups
 * and a counter increment (recorder.ts); the coordinates of a document are computed once. Counts
 * reach the store in one batch per `flushInterval`, off the request path; a store that fails
 * loses them (logged once), never a request.
 */
import type { UsageConfig } from '../config/usage-schema.ts';
import type { Logger } from '../logger/index.ts';
import type { RedisConnection } from '../redis/index.ts';
import type { Room } from '../room.ts';
import { createReader, type UsageSummaryReader } from './reader.ts';
import { createRecorder } from './recorder.ts';
import { createMemoryUsageStore } from './store/memory-store.ts';
import { createRedisUsageStore } from './store/redis-store.ts';
import { BUCKETS, type UsageStore } from './store/types.ts';

export type { OperationUse, UsageReader } from '../../core/usage.ts';
export type { OperationSummary, UsageSummaryReader } from './reader.ts';

export interface UsageOptions {
  /** The `usage` config key (gateway/config/usage-schema.ts). */
  config: UsageConfig;
  /** The gateway's Redis connection; required with `store: redis`. @default undefined */
  redis?: RedisConnection;
  logger: Logger;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
}

export interface Usage {
  /** The operation-stage room that counts. */
  room: Room;
  /** Reads the counts (all replicas' with Redis), after writing this process's pending ones. */
  reader: UsageSummaryReader;
  /** Writes this process's pending counts now (tests; the room does it every `flushInterval`). */
  flush(): Promise<void>;
}

/** The usage room and its reader; undefined when `usage.enabled` is false (nothing is hooked). */
export function createUsage(options: UsageOptions): Usage | undefined {
  const { config, logger } = options;
  if (!config.enabled) return undefined;
  const now = options.now ?? Date.now;
  // The window is `retention`, in BUCKETS buckets of at least a second.
  const bucketMs = Math.max(1_000, Math.ceil(config.retention / BUCKETS));
  const store = storeOf(options, bucketMs);
  const recorder = createRecorder({ store, flushInterval: config.flushInterval, bucketMs, logger, now });
  const reader = createReader(async () => {
    await recorder.flush();
    return store.read(Math.floor(now() / bucketMs));
  });
  return {
    room: {
      name: 'usage',
      plugin: {
        onExecute({ args }) {
          recorder.record(args.schema, args.document, args.operationName);
        },
      },
      close: () => recorder.close(),
    },
    reader,
    flush: () => recorder.flush(),
  };
}

function storeOf(options: UsageOptions, bucketMs: number): UsageStore {
  const { config } = options;
  if (config.store === 'memory') return createMemoryUsageStore(config.maxOperations);
  // The config's cross-check refuses `store: redis` without a connection; a caller may not.
  if (options.redis === undefined)
    throw new TypeError('usage.store is "redis" but no Redis connection was given');
  return createRedisUsageStore(options.redis.client, {
    prefix: `${options.redis.keyPrefix}usage:`,
    maxOperations: config.maxOperations,
    bucketMs,
  });
}

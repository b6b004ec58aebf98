/**
 * Helpers of the Redis cache store tests (cache-redis-store, cache-redis-fencing): entries and
 * bodies, a logger that keeps its lines, a connection, a client whose steps a test overtakes on
 * purpose, and polling.
 */

import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { COMMANDS } from '../../gateway/cache/store/redis-scripts.ts';
import { createRedisCacheStore } from '../../gateway/cache/store/redis-store.ts';
import type { CacheEntry, CacheStore } from '../../gateway/cache/store/types.ts';
import { createRedisConnection, type RedisConnection } from '../../gateway/redis/index.ts';
import { recordingLogger } from './logger.ts';
import { type RedisServer, startRedis } from './redis-server.ts';

export { recordingLogger } from './logger.ts';

export const RELAXED = 2_000; // deadline of the stores that test contents, not deadlines (a busy CI machine)
export const MINUTE = 60_000;
let unique = 0;
export const keyOf = (name: string) => `${name}:${process.pid}:${++unique}`;
/** A run's start, 2 ms after whatever came before (a purge in the same ms would fence it). */
export const begun = async () => {
  await sleep(2);
  return Date.now();
};

export const entry = (body: string, over: Partial<CacheEntry> = {}): CacheEntry => ({
  body,
  storedAt: 1_712_345_678_901,
  maxAge: 30,
  etag: 'W/"abc-é"',
  ...over,
});

/** A JSON answer of about `bytes` bytes, repetitive as real lists are (compresses well). */
export function bigBody(bytes: number): string {
  const items: unknown[] = [];
  for (let i = 0; JSON.stringify(items).length < bytes; i++)
    items.push({ __typename: 'Product', upc: String(1000 + i), name: `Product ${i} — ☕`, price: i % 97 });
  return JSON.stringify({ data: { products: items } });
}

export async function connect(url: string): Promise<RedisConnection> {
  // A long command timeout: a loaded test machine must not turn a slow answer into a failure.
  const connection = createRedisConnection({ url, logger: recordingLogger(), commandTimeout: 10_000 });
  await connection.ready();
  return connection;
}

/**
 * `client`, but `hook` runs (and is awaited) before the store's write script is sent and before
 * each pipeline is sent (`pipeline` counts them from 1): a step of `set` overtaken on purpose.
 */
export function hooked(
  client: Redis,
  hook: (step: 'write' | 'pipeline', pipeline: number) => Promise<void>,
): Redis {
  let pipelines = 0;
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const call = value as (...args: unknown[]) => unknown;
      if (property === COMMANDS.write)
        return async (...args: unknown[]) => {
          await hook('write', pipelines);
          return call.apply(target, args);
        };
      if (property !== 'pipeline') return call.bind(target);
      return () => {
        const pipeline = target.pipeline();
        const exec = pipeline.exec.bind(pipeline);
        const n = ++pipelines;
        pipeline.exec = (async () => {
          await hook('pipeline', n);
          return exec();
        }) as typeof pipeline.exec;
        return pipeline;
      };
    },
  });
}

/** Until `probe` resolves truthy, every 50 ms, at most `ms`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  for (let waited = 0; waited <= ms; waited += 50) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await sleep(50);
  }
  throw new Error(`not within ${ms} ms`);
}

/**
 * A redis-server of the test's own, a connection to it, an observer client and a store with a
 * relaxed deadline, for one `describe` (started in its `before`, stopped in its `after`).
 */
export function redisStoreCase(): {
  readonly server: RedisServer;
  readonly connection: RedisConnection;
  readonly observer: Redis;
  readonly store: CacheStore;
  readonly prefix: string;
} {
  const state = {} as {
    server: RedisServer;
    connection: RedisConnection;
    observer: Redis;
    store: CacheStore;
  };
  const prefix = `test:${process.pid}:`;
  before(async () => {
    state.server = await startRedis();
    state.connection = await connect(state.server.url);
    state.observer = new Redis(state.server.url);
    state.store = createRedisCacheStore(state.connection.client, { prefix, deadlineMs: RELAXED });
  });
  after(async () => {
    await state.connection?.close();
    state.observer?.disconnect();
    await state.server?.stop();
  });
  return {
    get server() {
      return state.server;
    },
    get connection() {
      return state.connection;
    },
    get observer() {
      return state.observer;
    },
    get store() {
      return state.store;
    },
    prefix,
  };
}

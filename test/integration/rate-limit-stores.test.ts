/**
 * The rate-limit room picks its own store from `rateLimit.store` (stores.ts): the memory store by
 * default (nothing written to Redis even with a connection), and with `redis` the Redis store
 * under the connection's prefix and `rl:`, with `storeTimeout` as its deadline and a memory store
 * to fall back on. Against a real redis-server.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { resolveConfig } from '../../gateway/config/index.ts';
import { createRateLimitStores } from '../../gateway/rate-limit/stores.ts';
import { createRedisConnection, type RedisConnection } from '../../gateway/redis/index.ts';
import { type RedisServer, redisMissing, startRedis } from '../helpers/redis-server.ts';

const subgraphs = [{ name: 'a', kind: 'federation' as const, url: 'http://127.0.0.1:4001/graphql' }];
const rule = { algorithm: 'fixed-window', limit: 5, windowMs: 3_600_000 } as const;

describe('rate-limit stores chosen by the room', { skip: redisMissing }, () => {
  let server: RedisServer;
  let connection: RedisConnection;
  let observer: Redis;
  before(async () => {
    server = await startRedis();
    connection = createRedisConnection({ url: server.url, keyPrefix: `stores:${process.pid}:` });
    await connection.ready();
    observer = new Redis(server.url);
  });
  after(async () => {
    await connection?.close();
    observer?.disconnect();
    await server?.stop();
  });

  const configOf = (rateLimit: Record<string, unknown>) =>
    resolveConfig({ subgraphs, redis: { url: server.url }, rateLimit }, { env: {} }).rateLimit;

  it('counts in Redis under the prefix and rl:, with a memory store to fall back on', async () => {
    const { primary, fallback } = createRateLimitStores(
      configOf({ store: 'redis', storeTimeout: '2s' }),
      connection,
    );
    assert.equal(primary.kind, 'redis');
    assert.equal(fallback?.kind, 'memory');
    const [decision] = await primary.check([{ key: 'k1', rule }]);
    assert.equal(decision?.remaining, 4);
    assert.equal(await observer.hget(`stores:${process.pid}:rl:fw:k1`, 'count'), '1');
  });

  it('keeps the counts in the process by default, even with a connection', async () => {
    const { primary, fallback } = createRateLimitStores(configOf({}), connection);
    assert.equal(primary.kind, 'memory');
    assert.equal(fallback, undefined);
    await primary.check([{ key: 'k2', rule }]);
    assert.deepEqual(await observer.keys(`stores:${process.pid}:*k2*`), []);
  });
});

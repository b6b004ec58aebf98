/**
 * The Redis store on the other topologies `createRedisConnection` builds: a Redis Cluster (one
 * node holding every slot: each check is its own command, so keys on different slots never make
 * a cross-slot error) and a master found through Sentinel (nothing special in the store), with
 * the Sentinel passwords read from the environment (`{ env: NAME }`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { GatehouseError } from '../../core/errors.ts';
import { resolveConfig } from '../../gateway/config/index.ts';
import { createRedisStore } from '../../gateway/rate-limit/store/redis-store.ts';
import type { LimitRule } from '../../gateway/rate-limit/store/types.ts';
import { createRedisConnection, type RedisConnection } from '../../gateway/redis/index.ts';
import {
  type RedisServer,
  redisMissing,
  startRedis,
  startRedisCluster,
  startSentinel,
} from '../helpers/redis-server.ts';

const HOUR = 3_600_000;
const RELAXED = 2_000; // deadline of stores that test counting, not deadlines
let unique = 0;
const keyOf = (name: string) => `${name}:${process.pid}:${++unique}`;

/** Until `probe` resolves truthy, every 50 ms, at most `ms`. */
async function _eventually<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  for (let waited = 0; waited <= ms; waited += 50) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    await sleep(50);
  }
  throw new Error(`not within ${ms} ms`);
}

describe('redis rate-limit store on a Redis Cluster (one node)', { skip: redisMissing }, () => {
  let server: RedisServer;
  let connection: RedisConnection;
  before(async () => {
    server = await startRedisCluster();
    connection = createRedisConnection({ cluster: { nodes: [server.url] } });
    await connection.ready();
  });
  after(async () => {
    await connection?.close();
    await server?.stop();
  });

  it('admits exactly the limit across many keys in one check (one command per key, no cross-slot error)', async () => {
    const store = createRedisStore(connection.client, { prefix: 'c:', deadlineMs: RELAXED });
    const rule: LimitRule = { algorithm: 'gcra', limit: 50, windowMs: HOUR };
    const keys = ['a', 'b', 'c', 'd'].map(keyOf);
    const decisions = await Promise.all(
      Array.from({ length: 60 }, () => store.check(keys.map((key) => ({ key, rule, cost: 1 })))),
    );
    for (let k = 0; k < keys.length; k++) {
      assert.equal(decisions.filter((answers) => answers[k]!.allowed).length, 50);
    }
    const [over] = await store.check([{ key: keys[0]!, rule }]);
    assert.equal(over!.allowed, false);
  });
});

describe('redis rate-limit store through Sentinel', { skip: redisMissing }, () => {
  let master: RedisServer;
  let sentinel: RedisServer;
  let connection: RedisConnection;
  before(async () => {
    master = await startRedis();
    sentinel = await startSentinel(master.port, 'gatehouse');
    connection = createRedisConnection({
      sentinel: { sentinels: [`127.0.0.1:${sentinel.port}`], name: 'gatehouse', tls: false },
    });
    await connection.ready();
  });
  after(async () => {
    await connection?.close();
    await sentinel?.stop();
    await master?.stop();
  });

  it('finds the master and admits exactly the limit', async () => {
    assert.equal(connection.mode, 'sentinel');
    const store = createRedisStore(connection.client, { prefix: 's:', deadlineMs: RELAXED });
    const rule: LimitRule = { algorithm: 'sliding-window', limit: 50, windowMs: HOUR };
    const key = keyOf('sentinel');
    const decisions = await Promise.all(Array.from({ length: 60 }, () => store.check([{ key, rule }])));
    assert.equal(decisions.filter(([d]) => d!.allowed).length, 50);
    const direct = new Redis(master.url);
    try {
      assert.equal(await direct.exists(`s:sw:${key}`), 1, 'the key is on the master');
    } finally {
      direct.disconnect();
    }
  });
});

describe('Sentinel passwords read from the environment', { skip: redisMissing }, () => {
  let master: RedisServer;
  let sentinel: RedisServer;
  before(async () => {
    master = await startRedis(['--requirepass', 'master-secret']);
    sentinel = await startSentinel(master.port, 'guarded', {
      masterPassword: 'master-secret',
      password: 'sentinel-secret',
    });
  });
  after(async () => {
    await sentinel?.stop();
    await master?.stop();
  });

  const sentinelInput = () => ({
    sentinels: [`127.0.0.1:${sentinel.port}`],
    name: 'guarded',
    password: { env: 'GH_REDIS_PASSWORD' },
    sentinelPassword: { env: 'GH_SENTINEL_PASSWORD' },
  });

  it('accepts { env: NAME } for both passwords and connects with them', async () => {
    const config = resolveConfig(
      {
        subgraphs: [{ name: 'a', kind: 'federation', url: 'http://127.0.0.1:4001/graphql' }],
        redis: { sentinel: sentinelInput() },
      },
      { env: {} },
    );
    const connection = createRedisConnection({
      ...config.redis,
      env: { GH_REDIS_PASSWORD: 'master-secret', GH_SENTINEL_PASSWORD: 'sentinel-secret' },
    });
    try {
      await connection.ready();
      const store = createRedisStore(connection.client, { prefix: 'e:', deadlineMs: RELAXED });
      const [decision] = await store.check([
        { key: keyOf('env'), rule: { algorithm: 'gcra', limit: 5, windowMs: HOUR } },
      ]);
      assert.equal(decision?.allowed, true);
    } finally {
      await connection.close();
    }
  });

  it('refuses to start with CONFIG_INVALID naming an unset variable', () => {
    assert.throws(
      () =>
        createRedisConnection({
          sentinel: { ...sentinelInput(), tls: false },
          env: { GH_REDIS_PASSWORD: 'master-secret' },
        }),
      (error: unknown) =>
        error instanceof GatehouseError &&
        error.code === 'CONFIG_INVALID' &&
        error.problems.some((p) => p.includes('GH_SENTINEL_PASSWORD')),
    );
  });
});

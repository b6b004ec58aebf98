/**
 * The Redis cache store against a real redis-server (no mock): entries come back as stored, large
 * ones compressed in Redis, none beyond maxBodyBytes; entries and tag sets expire; a purge drops
 * exactly its tags' entries and counts them (its fencing, batching and paging:
 * cache-redis-fencing.test.ts); a lock is held by one holder until released or expired, and a stale release frees
 * nobody else's; a paused Redis makes calls reject within the deadline. Behind its guard, a
 * stopped Redis turns the cache off (one warning, one 'down') and a restarted one brings it back
 * (one info, one 'up'). On a Cluster (one node: slots are checked all the same), every call works:
 * no command spans two keys.
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatehouseError } from '../../core/errors.ts';
import { CACHE_STORE_CHANNEL, guardCacheStore } from '../../gateway/cache/store/guarded-store.ts';
import { decode, encode, FORMAT } from '../../gateway/cache/store/redis-codec.ts';
import { PURGED } from '../../gateway/cache/store/redis-scripts.ts';
import { createRedisCacheStore } from '../../gateway/cache/store/redis-store.ts';
import { createRedisConnection, type RedisConnection } from '../../gateway/redis/index.ts';
import {
  begun,
  bigBody,
  connect,
  entry,
  eventually,
  keyOf,
  MINUTE,
  RELAXED,
  recordingLogger,
  redisStoreCase,
} from '../helpers/cache-redis.ts';
import { type RedisServer, redisMissing, startRedis, startRedisCluster } from '../helpers/redis-server.ts';

describe('redis cache store', { skip: redisMissing }, () => {
  const redis = redisStoreCase();

  it('gives back a small entry as stored, uncompressed, under <prefix>e:<key>', async () => {
    const key = keyOf('small');
    const stored = entry('{"data":{"me":{"name":"Zoë ☕"}}}');
    await redis.store.set(key, stored, MINUTE, [], Date.now());
    assert.deepEqual(await redis.store.get(key), stored);
    const raw = await redis.observer.getBuffer(`${redis.prefix}e:${key}`);
    assert.ok(raw?.includes(Buffer.from(stored.body)), 'the body is kept as is');
    const ttl = await redis.observer.pttl(`${redis.prefix}e:${key}`);
    assert.ok(ttl > MINUTE - 5_000 && ttl <= MINUTE, String(ttl));
    assert.equal(await redis.store.get(keyOf('absent')), undefined);
  });

  it('compresses a large body in Redis and gives it back whole', async () => {
    const key = keyOf('big');
    const stored = entry(bigBody(100_000));
    assert.ok(Buffer.byteLength(stored.body) >= 100_000);
    await redis.store.set(key, stored, MINUTE, ['type:Product'], Date.now());
    assert.deepEqual(await redis.store.get(key), stored);
    const size = await redis.observer.strlen(`${redis.prefix}e:${key}`);
    assert.ok(size < Buffer.byteLength(stored.body) / 5, `kept in ${size} bytes`);
    // Just above the threshold (in bytes, not characters: ☕ is 3 bytes) is compressed too.
    const edge = createRedisCacheStore(redis.connection.client, {
      prefix: redis.prefix,
      deadlineMs: RELAXED,
      compressAbove: 64,
    });
    const small = entry(`{"data":"${'☕'.repeat(30)}"}`);
    await edge.set(key, small, MINUTE, [], Date.now());
    assert.deepEqual(await edge.get(key), small);
    assert.ok((await redis.observer.strlen(`${redis.prefix}e:${key}`)) < Buffer.byteLength(small.body));
  });

  it('reads a value it cannot decode as a miss', async () => {
    const key = keyOf('foreign');
    await redis.observer.set(`${redis.prefix}e:${key}`, Buffer.from([9, 1, 2, 3]));
    assert.equal(await redis.store.get(key), undefined);
    const damaged = Buffer.alloc(40);
    damaged.writeUInt8(FORMAT.brotli, 0); // said to be compressed
    await redis.observer.set(`${redis.prefix}e:${key}`, damaged);
    assert.equal(await redis.store.get(key), undefined);
  });

  it('forgets an entry once its time to live is over, and its tag set with its last entry', async () => {
    const [key, tag, shared] = [keyOf('short'), keyOf('tag'), keyOf('shared')];
    const [tagKey, sharedKey] = [`${redis.prefix}t:${tag}`, `${redis.prefix}t:${shared}`];
    await redis.store.set(keyOf('long'), entry('{}'), MINUTE, [shared], Date.now());
    await redis.store.set(key, entry('{"data":1}'), 100, [tag, shared], Date.now());
    assert.ok(await redis.store.get(key));
    // Listed a second longer than the entry lives (it is written after its listings).
    const ttl = await redis.observer.pttl(tagKey);
    assert.ok(ttl > 100 && ttl <= 1_100, String(ttl));
    const sharedTtl = await redis.observer.pttl(sharedKey);
    assert.ok(sharedTtl > MINUTE, `not lowered by a shorter entry: ${sharedTtl}`);
    await sleep(200);
    assert.equal(await redis.store.get(key), undefined);
    assert.equal(await redis.observer.exists(`${redis.prefix}e:${key}`), 0);
    await sleep(1_000);
    assert.equal(await redis.observer.exists(tagKey), 0);
    // The next entry listed under the shared tag takes the expired one off.
    await redis.store.set(keyOf('next'), entry('{}'), 1_000, [shared], Date.now());
    assert.equal(await redis.observer.zcard(sharedKey), 2);
  });

  it('purges the entries of the tags named, counting each once, and no others', async () => {
    const [t1, t2] = [keyOf('t1'), keyOf('t2')];
    const [a, b, c] = [keyOf('a'), keyOf('b'), keyOf('c')];
    await redis.store.set(a, entry('{"a":1}'), MINUTE, [t1], Date.now());
    await redis.store.set(b, entry(bigBody(10_000)), MINUTE, [t1, t2], Date.now());
    await redis.store.set(c, entry('{"c":1}'), MINUTE, [t2], Date.now());
    assert.equal(await redis.store.purge([t1]), 2);
    assert.equal(await redis.store.get(a), undefined);
    assert.equal(await redis.store.get(b), undefined);
    assert.ok(await redis.store.get(c));
    assert.equal(await redis.store.purge([t1]), 0);
    // What remains of t1 is its purge time, kept for an hour.
    const [member, score] = await redis.observer.zrange(`${redis.prefix}t:${t1}`, 0, -1, 'WITHSCORES');
    assert.equal(member, PURGED);
    assert.ok(Math.abs(Number(score) - Date.now()) < 1_000, String(score));
    assert.ok((await redis.observer.pttl(`${redis.prefix}t:${t1}`)) > 3_590_000);
    // c is listed under t2 still; b, listed there too, is gone and not counted.
    assert.equal(await redis.store.purge([t2, t1, keyOf('unknown')]), 1);
    assert.equal(await redis.store.get(c), undefined);
    const d = keyOf('d');
    await redis.store.set(d, entry('{}'), MINUTE, [t1, t2], await begun());
    assert.equal(await redis.store.purge([t1, t2]), 1, 'an entry under both tags counts once');
    assert.equal(await redis.store.purge([]), 0);
  });

  it('reads a body beyond maxBodyBytes as a miss, and keeps none', async () => {
    const key = keyOf('large');
    await redis.store.set(key, entry(bigBody(50_000)), MINUTE, [], Date.now());
    const small = createRedisCacheStore(redis.connection.client, {
      prefix: redis.prefix,
      deadlineMs: RELAXED,
      maxBodyBytes: 10_000,
    });
    assert.equal(await small.get(key), undefined, 'compressed, larger once decompressed');
    await small.set(key, entry(bigBody(20_000)), MINUTE, [], Date.now());
    assert.equal(await redis.observer.exists(`${redis.prefix}e:${key}`), 0, 'replaced with none');
    const plain = createRedisCacheStore(redis.connection.client, {
      prefix: redis.prefix,
      deadlineMs: RELAXED,
      compressAbove: 1e9,
    });
    await plain.set(key, entry(bigBody(20_000)), MINUTE, [], Date.now());
    assert.ok(await plain.get(key));
    assert.equal(await small.get(key), undefined, 'kept plain, larger');
  });

  it('holds a lock for one holder until it is released', async () => {
    const name = keyOf('lock');
    const first = await redis.store.lock(name, MINUTE);
    assert.ok(first);
    assert.equal(await redis.store.lock(name, MINUTE), undefined);
    const other = createRedisCacheStore(redis.connection.client, {
      prefix: redis.prefix,
      deadlineMs: RELAXED,
    });
    assert.equal(await other.lock(name, MINUTE), undefined, 'held for every replica');
    await first.release();
    const second = await other.lock(name, MINUTE);
    assert.ok(second);
    await second.release();
  });

  it('lets an expired lock be taken again, and a stale release frees nobody else', async () => {
    const name = keyOf('expiring');
    const stale = await redis.store.lock(name, 100);
    assert.ok(stale);
    await sleep(200);
    const current = await redis.store.lock(name, MINUTE);
    assert.ok(current, 'taken again once expired');
    await stale.release();
    assert.equal(await redis.store.lock(name, MINUTE), undefined, 'still held by the current holder');
    await current.release();
    assert.ok(await redis.store.lock(name, 100));
  });

  it('rejects within its deadline when Redis is paused, then answers again', async () => {
    const quick = createRedisCacheStore(redis.connection.client, { prefix: redis.prefix }); // the default deadline, 100 ms
    const key = keyOf('paused');
    await quick.set(key, entry('{}'), MINUTE, [keyOf('tag')], Date.now()); // scripts loaded
    await redis.observer.client('PAUSE', 3_000, 'ALL');
    try {
      for (const call of [async () => quick.get(key), async () => quick.lock(keyOf('l'), 1_000)]) {
        const started = performance.now();
        await assert.rejects(call(), /within 100 ms/);
        const took = performance.now() - started;
        // Well before the pause ends (a late answer would take 3 s); the margin is for a busy machine.
        assert.ok(took < 2_000, `rejected after ${took} ms`);
      }
    } finally {
      await redis.observer.client('UNPAUSE');
    }
    assert.ok(await eventually(async () => quick.get(key), 5_000));
  });
});

describe('redis cache store on a Redis Cluster (one node)', { skip: redisMissing }, () => {
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

  it('sets, gets, purges and locks without a cross-slot error', async () => {
    const store = createRedisCacheStore(connection.client, { deadlineMs: RELAXED });
    const [t1, t2] = [keyOf('t1'), keyOf('t2')];
    const keys = ['a', 'b', 'c', 'd', 'e'].map(keyOf);
    for (const [i, key] of keys.entries())
      await store.set(key, entry(bigBody(i * 2_000)), MINUTE, [t1, t2], Date.now());
    assert.equal((await store.get(keys[4]!))?.body, bigBody(8_000));
    assert.equal(await store.purge([t1, t2]), keys.length);
    for (const key of keys) assert.equal(await store.get(key), undefined);
    const lock = await store.lock('refresh', MINUTE);
    assert.ok(lock);
    assert.equal(await store.lock('refresh', MINUTE), undefined);
    await lock.release();
    assert.ok(await store.lock('refresh', 100));
  });
});

describe('guarded redis cache store: Redis stopped and back', { skip: redisMissing }, () => {
  let server: RedisServer;
  let connection: RedisConnection;
  const logger = recordingLogger();
  const published: Array<{ kind: string; state: string; error?: unknown }> = [];
  const onMessage = (message: unknown) => void published.push(message as (typeof published)[number]);

  before(async () => {
    server = await startRedis();
    connection = await connect(server.url);
    subscribe(CACHE_STORE_CHANNEL, onMessage);
  });
  after(async () => {
    unsubscribe(CACHE_STORE_CHANNEL, onMessage);
    await connection?.close();
    await server?.stop();
  });

  it('serves without the cache while Redis is away, and with it once Redis is back', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const retryAfterMs = 300;
      const store = guardCacheStore(createRedisCacheStore(connection.client, { deadlineMs: RELAXED }), {
        logger,
        retryAfterMs,
      });
      const key = keyOf('guarded');
      await store.set(key, entry('{"data":1}'), MINUTE, ['type:A'], Date.now());
      assert.equal((await store.get(key))?.body, '{"data":1}');

      await server.stop();
      assert.equal(await store.get(key), undefined);
      await store.set(keyOf('dropped'), entry('{}'), MINUTE, ['type:A'], Date.now());
      assert.equal(await store.lock(keyOf('lock'), MINUTE), undefined);
      const refused = await Promise.resolve()
        .then(() => store.purge(['type:A']))
        .then(
          () => assert.fail('a purge of a store that is out should reject'),
          (error: unknown) => error,
        );
      assert.ok(refused instanceof GatehouseError, String(refused));
      assert.equal(refused.code, 'CACHE_STORE_UNAVAILABLE');
      // Left alone meanwhile: each call answers "no cache" at once.
      const started = performance.now();
      for (let i = 0; i < 50; i++) assert.equal(await store.get(key), undefined);
      assert.ok(performance.now() - started < 100);
      assert.deepEqual(
        logger.lines.map((l) => l.level),
        ['warn'],
      );
      assert.deepEqual(
        published.map((m) => [m.kind, m.state, m.error instanceof Error]),
        [['redis', 'down', true]],
      );

      await server.restart(); // empty: nothing was saved
      await eventually(async () => {
        await store.set(key, entry('{"data":2}'), MINUTE, ['type:A'], Date.now());
        return store.get(key);
      }, 5_000);
      assert.deepEqual(
        logger.lines.map((l) => l.level),
        ['warn', 'info'],
      );
      assert.deepEqual(
        published.map((m) => [m.kind, m.state]),
        [
          ['redis', 'down'],
          ['redis', 'up'],
        ],
      );
      assert.equal(await store.purge(['type:A']), 1);
      await sleep(20);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('redis cache store codec', () => {
  it('stops decompressing at maxBodyBytes (a Brotli bomb reads as a miss)', async () => {
    const bomb = await encode(entry('0'.repeat(32 * 1024 * 1024)), 0);
    assert.ok(bomb.length < 64 * 1024, `32 MiB kept in ${bomb.length} bytes`);
    const started = performance.now();
    assert.equal(await decode(bomb, 16 * 1024 * 1024), undefined);
    console.log(`bomb of ${bomb.length} bytes refused in ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal((await decode(bomb, 32 * 1024 * 1024))?.body.length, 32 * 1024 * 1024);
  });
});

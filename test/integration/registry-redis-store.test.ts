/**
 * The registry's Redis store with a real redis-server: two replicas (two connections, two
 * stores); a publish on one is seen by the other by pub/sub (with a polling backstop too long to
 * matter) and by polling alone (a change that publishes nothing); concurrent publishes each get
 * their number; rollbacks are new records.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedisConnection, type RedisConnection } from '../../gateway/redis/index.ts';
import type { RegistryEntry } from '../../gateway/registry/index.ts';
import { createRedisStore } from '../../gateway/registry/redis-store.ts';
import { type RedisServer, redisMissing, startRedis } from '../helpers/redis-server.ts';

const entry = (name: string, sdl: string): RegistryEntry => ({
  name,
  kind: 'federation',
  url: 'http://127.0.0.1:1/graphql',
  sdl,
  headers: {},
});

/** Waits until `check` holds, for at most `limit` ms. */
async function eventually(check: () => boolean, limit = 5_000): Promise<void> {
  const end = Date.now() + limit;
  while (!check()) {
    if (Date.now() > end) throw new Error('not within the limit');
    await sleep(20);
  }
}

describe('registry redis store', { skip: redisMissing }, () => {
  let server: RedisServer;
  const connections: RedisConnection[] = [];
  const connect = async (keyPrefix: string) => {
    const connection = createRedisConnection({ url: server.url, keyPrefix });
    connections.push(connection);
    await connection.ready();
    return connection;
  };

  before(async () => {
    server = await startRedis();
  });
  after(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await server?.stop();
  });

  it('publishes, lists, keeps history, rolls back as new records', async () => {
    const { client } = await connect('t1:');
    const store = createRedisStore({ client, keyPrefix: 't1:', maxVersions: 3 });
    for (const field of ['a', 'b', 'c', 'd'])
      await store.publish(entry('reviews', `type Query { ${field}: Int }`), { author: 'ann' });
    await store.publish(entry('products', 'type Query { p: Int }'), { author: 'bob' });
    const listed = await store.list();
    assert.deepEqual(
      listed.map((v) => [v.name, v.version]),
      [
        ['products', 1],
        ['reviews', 4],
      ],
    );
    assert.deepEqual(listed[1]?.entry, entry('reviews', 'type Query { d: Int }'));
    assert.deepEqual(
      (await store.versions('reviews')).map((v) => v.version),
      [4, 3, 2],
    );
    const back = await store.rollback('reviews', { author: 'ops' });
    assert.deepEqual(
      [back.version, back.restoredFrom, back.author, back.entry.sdl],
      [5, 3, 'ops', 'type Query { c: Int }'],
    );
    await assert.rejects(store.rollback('reviews', { author: 'ops' }, 1), { code: 'NOT_FOUND' });
    await assert.rejects(store.rollback('nothing', { author: 'ops' }), { code: 'NOT_FOUND' });
    await store.close();
  });

  it('numbers concurrent publishes from two replicas without losing one', async () => {
    const [a, b] = await Promise.all([connect('t2:'), connect('t2:')]);
    const one = createRedisStore({ client: a.client, keyPrefix: 't2:' });
    const two = createRedisStore({ client: b.client, keyPrefix: 't2:' });
    const published = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? one : two).publish(entry('reviews', `type Query { f${i}: Int }`), { author: String(i) }),
      ),
    );
    assert.deepEqual(
      published.map((v) => v.version).sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    await Promise.all([one.close(), two.close()]);
  });

  it('a publish on one replica is seen by the other by pub/sub', async () => {
    const [a, b] = await Promise.all([connect('t3:'), connect('t3:')]);
    const writer = createRedisStore({ client: a.client, keyPrefix: 't3:' });
    // Polling every minute: only the pub/sub message can tell it within the bound.
    const reader = createRedisStore({ client: b.client, keyPrefix: 't3:', pollInterval: 60_000 });
    let changes = 0;
    reader.watch(() => changes++);
    await reader.ready(); // subscribed, and the first revision read
    await writer.publish(entry('reviews', 'type Query { a: Int }'), { author: 'ann' });
    await eventually(() => changes > 0, 2_000);
    assert.equal((await reader.list())[0]?.version, 1);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('a change without a message is seen by polling the revision', async () => {
    const [a, b] = await Promise.all([connect('t4:'), connect('t4:')]);
    const reader = createRedisStore({ client: b.client, keyPrefix: 't4:', pollInterval: 100 });
    let changes = 0;
    reader.watch(() => changes++);
    await reader.ready();
    // As if the message had been lost while the subscriber reconnected.
    await a.client.incr('t4:{registry}:rev');
    await eventually(() => changes > 0, 2_000);
    await reader.close();
  });

  it('refuses names that are not subgraph names', async () => {
    const { client } = await connect('t5:');
    const store = createRedisStore({ client, keyPrefix: 't5:' });
    await assert.rejects(store.versions('../x'), { code: 'BAD_USER_INPUT' });
    await assert.rejects(store.rollback('a:b', { author: 'x' }), { code: 'BAD_USER_INPUT' });
    await assert.rejects(store.publish(entry('a b', 'type Query { a: Int }'), { author: 'x' }), {
      code: 'BAD_USER_INPUT',
    });
    await store.close();
  });

  it('a publish expecting a version is refused when another came first; rollbacks at once walk back', async () => {
    const { client } = await connect('t6:');
    const store = createRedisStore({ client, keyPrefix: 't6:' });
    await store.publish(entry('reviews', 'type Query { a: Int }'), { author: 'ann' }, 0);
    await assert.rejects(store.publish(entry('reviews', 'type Query { b: Int }'), { author: 'bob' }, 0), {
      code: 'REGISTRY_UNAVAILABLE',
    });
    for (const field of ['b', 'c'])
      await store.publish(entry('reviews', `type Query { ${field}: Int }`), { author: 'ann' });
    assert.equal(await store.head('reviews'), 3);
    const both = await Promise.all([
      store.rollback('reviews', { author: 'one' }),
      store.rollback('reviews', { author: 'two' }),
    ]);
    assert.deepEqual(both.map((v) => v.restoredFrom).sort(), [1, 2]);
    await store.close();
  });

  it('an entry that cannot be read is skipped and reported; a rollback does not restore it', async () => {
    const { client } = await connect('t7:');
    const store = createRedisStore({ client, keyPrefix: 't7:' });
    await store.publish(entry('reviews', 'type Query { a: Int }'), { author: 'ann' });
    await store.publish(entry('reviews', 'type Query { b: Int }'), { author: 'ann' });
    await store.publish(entry('products', 'type Query { p: Int }'), { author: 'ann' });
    await client.hset('t7:{registry}:entry:reviews', '2', '{"name":"../x"');
    const listed = await store.list();
    assert.deepEqual(
      listed.map((v) => [v.name, v.version]),
      [
        ['products', 1],
        ['reviews', 1],
      ],
    );
    assert.match(store.broken().get('reviews') ?? '', /version 2 .*version 1 is used/);
    await client.hset(
      't7:{registry}:entry:reviews',
      '1',
      JSON.stringify(entry('products', 'type Query { x: Int }')),
    );
    await assert.rejects(store.rollback('reviews', { author: 'ops' }, 1), { code: 'NOT_FOUND' });
    await store.close();
  });
});

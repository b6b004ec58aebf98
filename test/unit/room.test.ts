/** The rooms' close hooks: every one runs, last room first, even when one fails. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parse } from 'graphql';
import type { Room } from '../../gateway/index.ts';
import { roomsHookingPath, stagesOf } from '../../gateway/room.ts';
import { createPipeline } from '../../gateway/upstream/index.ts';

it('runs every close hook in reverse order when one throws, then throws what failed', async () => {
  const closed: string[] = [];
  const rooms: Room[] = [
    { name: 'pool', close: () => void closed.push('pool') },
    {
      name: 'broken',
      close: () => {
        closed.push('broken');
        throw new Error('broken close');
      },
    },
    { name: 'last', close: async () => void closed.push('last') },
  ];
  await assert.rejects(stagesOf(rooms).close(), /broken close/);
  assert.deepEqual(closed, ['last', 'broken', 'pool']);
});

it("builds a room's subgraph steps once per subgraph, however many executors are wrapped", async () => {
  const built: string[] = [];
  const pipeline = createPipeline((info) => {
    built.push(info.name);
    return [(next) => next];
  });
  const bare = async () => ({ data: {} });
  const info = { name: 'reviews', url: 'http://127.0.0.1:9/graphql' };
  pipeline(info, bare); // a schema load
  pipeline(info, bare); // its retry
  const executor = pipeline(info, bare); // the executor put in service
  pipeline({ name: 'accounts', url: 'http://127.0.0.1:9/other' }, bare);
  assert.deepEqual(built, ['reviews', 'accounts']);
  assert.deepEqual(await executor({ document: parse('{ __typename }') }), { data: {} });
});

it('a room whose request hooks pass JSON POSTs through leaves the fast path on', () => {
  const onRequest = () => {};
  const rooms: Room[] = [
    { name: 'csrf', plugin: { onRequest }, passesJsonPosts: true },
    { name: 'health', plugin: { onRequest }, requestPaths: ['/healthz'] },
  ];
  assert.deepEqual(roomsHookingPath(rooms, '/graphql'), []);
  assert.deepEqual(roomsHookingPath([...rooms, { name: 'auth', plugin: { onRequest } }], '/graphql'), [
    'auth',
  ]);
});

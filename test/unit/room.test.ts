/** The rooms' close hooks: every one runs, last room first, even when one fails. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Room } from '../../gateway/index.ts';
import { stagesOf } from '../../gateway/room.ts';

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

/**
 * Purges a mutation could not make are tried again every second until the store takes them, and
 * at most 10,000 tags wait (the oldest go first, with one error logged).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createPurgeRetry } from '../../gateway/cache/purge-retry.ts';
import { createMemoryCacheStore } from '../../gateway/cache/store/memory-store.ts';
import type { CacheStore } from '../../gateway/cache/store/types.ts';
import { createLogger } from '../../gateway/logger/index.ts';

describe('purge retry', () => {
  it('tries again until the store takes the purge, then stops', async () => {
    const memory = createMemoryCacheStore({ maxBytes: 1_000_000 });
    memory.set(
      'a',
      { body: '{}', storedAt: Date.now(), maxAge: 60, etag: '' },
      60_000,
      ['key:P:1'],
      Date.now() - 10,
    );
    let out = true;
    const asked: string[][] = [];
    const store: CacheStore = {
      ...memory,
      purge(tags) {
        asked.push([...tags]);
        if (out) throw new Error('store out');
        return memory.purge(tags);
      },
    };
    const lines: string[] = [];
    const retry = createPurgeRetry(store, createLogger({ level: 'info', write: (l) => lines.push(l) }));
    try {
      retry.add(['key:P:1']);
      await sleep(1_100);
      assert.equal(asked.length, 1, 'tried once a second');
      assert.ok(memory.get('a'), 'still kept while the store is out');
      out = false;
      await sleep(1_100);
      assert.equal(memory.get('a'), undefined, 'purged once the store is back');
      const tries = asked.length;
      await sleep(1_100);
      assert.equal(asked.length, tries, 'nothing left to try');
      assert.ok(lines.some((l) => /purges a mutation could not make are made/.test(l)));
    } finally {
      retry.close();
    }
  });

  it('keeps at most 10,000 tags waiting, the newest', async () => {
    const asked: string[][] = [];
    const store = {
      ...createMemoryCacheStore({ maxBytes: 1_000 }),
      purge(tags: readonly string[]): number {
        asked.push([...tags]);
        throw new Error('store out');
      },
    } as CacheStore;
    const lines: string[] = [];
    const retry = createPurgeRetry(store, createLogger({ level: 'info', write: (l) => lines.push(l) }));
    try {
      retry.add(Array.from({ length: 10_005 }, (_, i) => `t${i}`));
      await sleep(1_100);
      assert.equal(asked[0]?.length, 10_000);
      assert.equal(asked[0]?.[0], 't5');
      assert.equal(lines.filter((l) => /too many purges wait/.test(l)).length, 1);
    } finally {
      retry.close();
    }
  });
});

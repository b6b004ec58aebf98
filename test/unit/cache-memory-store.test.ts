/**
 * The memory cache store: entries expire with their time to live, the store never holds more than
 * `maxBytes` (the least recently used go first, a read counting as a use), and an entry larger
 * than the whole store is not kept. Purges are fenced: an entry from a run begun at or before a
 * purge of one of its tags is refused, also once that purge is forgotten (past 100,000 or an hour).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createMemoryCacheStore,
  MAX_PURGES,
  PURGES_REMEMBERED_MS,
} from '../../gateway/cache/store/memory-store.ts';
import type { CacheEntry } from '../../gateway/cache/store/types.ts';

const entry = (body: string): CacheEntry => ({ body, storedAt: 0, maxAge: 60, etag: '"e"' });

describe('memory cache store', () => {
  it('forgets an entry once its time to live is over', () => {
    let now = 1_000;
    const store = createMemoryCacheStore({ maxBytes: 1_000_000, now: () => now });
    store.set('a', entry('{"data":1}'), 5_000);
    assert.equal(store.get('a')?.body, '{"data":1}');
    now += 5_000;
    assert.equal(store.get('a'), undefined);
    assert.equal(store.size, 0);
    assert.equal(store.bytes, 0);
  });

  it('stays within maxBytes, dropping the least recently used first', () => {
    const store = createMemoryCacheStore({ maxBytes: 3_000, now: () => 0 });
    const body = 'x'.repeat(300); // about 800 bytes an entry, with its key and overhead
    for (const key of ['a', 'b', 'c']) store.set(key, entry(body), 60_000);
    assert.ok(store.get('a')); // a is now the most recently used
    store.set('d', entry(body), 60_000);
    assert.ok(store.bytes <= 3_000);
    assert.equal(store.get('b'), undefined, 'b was the least recently used');
    assert.ok(store.get('a') && store.get('c') && store.get('d'));
    for (let i = 0; i < 10_000; i++) store.set(`k${i}`, entry(body), 60_000);
    assert.ok(store.bytes <= 3_000);
    assert.ok(store.get('k9999'));
  });

  it('does not keep an entry larger than the store, nor one with no time to live', () => {
    const store = createMemoryCacheStore({ maxBytes: 1_000, now: () => 0 });
    store.set('big', entry('x'.repeat(2_000)), 60_000);
    store.set('none', entry('{}'), 0);
    assert.equal(store.size, 0);
    assert.throws(() => createMemoryCacheStore({ maxBytes: 0 }), TypeError);
  });

  it('keeps a bounded heap when the same entries are read over and over', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const store = createMemoryCacheStore({ maxBytes: 64 * 1024 * 1024, now: () => 0 });
    for (let i = 0; i < 1_000; i++) store.set(`k${i}`, entry('{"data":{}}'), 60_000);
    const before = heap();
    for (let round = 0; round < 2_000; round++) for (let i = 0; i < 1_000; i++) store.get(`k${i}`);
    assert.ok(heap() - before < 16 * 1024 * 1024, `heap grew by ${heap() - before} bytes`);
  });

  it('refuses an entry from a run begun at or before a purge of one of its tags', () => {
    let now = 1_000;
    const store = createMemoryCacheStore({ maxBytes: 1_000_000, now: () => now });
    store.set('kept', entry('{"v":1}'), 60_000, ['t'], now);
    const startedAt = now; // a run begins, reads what the purge will remove...
    now += 10;
    assert.equal(store.purge(['t', 'never-used']), 1); // ...the purge runs meanwhile...
    now += 10;
    store.set('late', entry('{"v":1}'), 60_000, ['other', 't'], startedAt); // ...and it ends
    assert.equal(store.get('late'), undefined, 'begun before the purge: refused');
    store.set('same', entry('{}'), 60_000, ['t'], now - 10);
    assert.equal(store.get('same'), undefined, 'begun in the same ms as the purge: refused');
    store.set('fresh', entry('{"v":2}'), 60_000, ['t'], now - 9);
    assert.equal(store.get('fresh')?.body, '{"v":2}', 'begun after the purge: kept');
    store.set('untagged', entry('{}'), 60_000, [], startedAt);
    assert.ok(store.get('untagged'), 'no tag of it was purged');
    store.set('never', entry('{}'), 60_000, ['never-used'], startedAt);
    assert.equal(store.get('never'), undefined, 'a tag purged with no entries is fenced too');
    // A refused set leaves what the key held.
    store.set('fresh', entry('{"v":0}'), 60_000, ['t'], startedAt);
    assert.equal(store.get('fresh')?.body, '{"v":2}');
  });

  it('forgets purges past MAX_PURGES or an hour, refusing every run begun before one it forgot', () => {
    let now = 1_000_000;
    const store = createMemoryCacheStore({ maxBytes: 1_000_000, now: () => now });
    const beforeAll = now;
    now += 1;
    store.purge(['first']);
    const afterFirst = ++now;
    for (let i = 0; i < MAX_PURGES; i++) store.purge([`tag${i}`]); // 'first' is forgotten
    assert.equal(store.purges, MAX_PURGES);
    now += 1;
    store.set('a', entry('{}'), 60_000, ['unrelated'], beforeAll);
    assert.equal(store.get('a'), undefined, 'begun before a forgotten purge: refused, whatever its tags');
    store.set('b', entry('{}'), 60_000, ['first'], afterFirst);
    assert.ok(store.get('b'), 'begun after it: kept');
    store.set('c', entry('{}'), 60_000, [`tag${MAX_PURGES - 1}`], afterFirst);
    assert.equal(store.get('c'), undefined, 'a purge still remembered fences as before');

    now += PURGES_REMEMBERED_MS;
    store.set('d', entry('{}'), 60_000, ['unrelated'], now - PURGES_REMEMBERED_MS);
    assert.equal(store.get('d'), undefined, 'begun an hour ago: refused');
    store.purge(['x']);
    assert.equal(store.purges, 1, 'the purges older than an hour are forgotten');
    const afterX = ++now;
    store.set('e', entry('{}'), 60_000, [`tag${MAX_PURGES - 1}`], afterX - 1_000);
    assert.ok(store.get('e'), 'begun since the purge forgotten: kept');
    store.set('f', entry('{}'), 60_000, ['x', 'tag0'], afterX - 1);
    assert.equal(store.get('f'), undefined);
  });
});

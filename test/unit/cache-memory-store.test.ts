/**
 * The memory cache store: entries expire with their time to live, the store never holds more than
 * `maxBytes` (the least recently used go first, a read counting as a use), and an entry larger
 * than the whole store is not kept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMemoryCacheStore } from '../../gateway/cache/store/memory-store.ts';
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
});

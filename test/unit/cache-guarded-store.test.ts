/**
 * The cache store's outage mode: a store that throws turns the cache off (a miss, a dropped set,
 * no lock) and is left alone for `retryAfterMs`, then tried by one call at a time; each change is
 * logged and published once. A purge is always tried, rejects with a catalogue code when it fails,
 * and its failure leaves the store in service.
 */
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { GatehouseError } from '../../core/errors.ts';
import { CACHE_STORE_CHANNEL, guardCacheStore } from '../../gateway/cache/store/guarded-store.ts';
import { createMemoryCacheStore } from '../../gateway/cache/store/memory-store.ts';
import type { CacheEntry, CacheStore } from '../../gateway/cache/store/types.ts';

const entry = (body: string): CacheEntry => ({ body, storedAt: 0, maxAge: 60, etag: '"e"' });

function recordingLogger() {
  const lines: Array<{ level: string; message: string }> = [];
  const log = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, logger: { info: log('info'), warn: log('warn') } };
}

/** A shared store that works or throws, as the test says, counting its calls. */
function switchable() {
  const inner = createMemoryCacheStore({ maxBytes: 1_000_000 });
  const state = { up: true, calls: 0, failedReleases: 0 };
  const call = async <T>(work: () => T): Promise<T> => {
    state.calls++;
    if (!state.up) throw new Error('connection refused');
    return work();
  };
  const store: CacheStore = {
    kind: 'redis',
    get: (key) => call(() => inner.get(key)),
    set: (key, value, ttlMs, tags, startedAt) => call(() => inner.set(key, value, ttlMs, tags, startedAt)),
    purge: (tags) => call(() => inner.purge(tags)),
    lock: (name, ttlMs) =>
      call(() => {
        const lock = inner.lock(name, ttlMs);
        return (
          lock && {
            async release() {
              if (!state.up) {
                state.failedReleases++;
                throw new Error('connection refused');
              }
              lock.release();
            },
          }
        );
      }),
    close: () => inner.close(),
  };
  return { store, state, inner };
}

describe('guarded cache store', () => {
  let published: Array<{ kind: string; state: string; error?: unknown }>;
  const onMessage = (message: unknown) => void published.push(message as (typeof published)[number]);
  beforeEach(() => {
    published = [];
    subscribe(CACHE_STORE_CHANNEL, onMessage);
  });
  afterEach(() => unsubscribe(CACHE_STORE_CHANNEL, onMessage));

  it('passes calls through while the store answers', async () => {
    const { store } = switchable();
    const { lines, logger } = recordingLogger();
    const guarded = guardCacheStore(store, { logger });
    assert.equal(guarded.kind, 'redis');
    await guarded.set('a', entry('{"a":1}'), 60_000, ['t'], Date.now());
    assert.equal((await guarded.get('a'))?.body, '{"a":1}');
    const lock = await guarded.lock('l', 1_000);
    assert.ok(lock);
    assert.equal(await guarded.lock('l', 1_000), undefined);
    await lock.release();
    assert.ok(await guarded.lock('l', 1_000));
    assert.equal(await guarded.purge(['t']), 1);
    assert.deepEqual(lines, []);
    assert.deepEqual(published, []);
  });

  it('serves without the cache while the store fails, leaves it alone, then puts it back', async () => {
    let now = 0;
    const { store, state, inner } = switchable();
    const { lines, logger } = recordingLogger();
    const guarded = guardCacheStore(store, { logger, retryAfterMs: 1_000, now: () => now });
    await guarded.set('kept', entry('{"kept":1}'), 60_000, ['t'], Date.now());
    state.up = false;
    state.calls = 0;

    assert.equal(await guarded.get('kept'), undefined);
    assert.equal(state.calls, 1);
    // Within retryAfterMs: nothing reaches the store, everything answers "no cache".
    await guarded.set('dropped', entry('{}'), 60_000, ['t'], Date.now());
    assert.equal(await guarded.lock('l', 1_000), undefined);
    assert.equal(await guarded.get('kept'), undefined);
    assert.equal(state.calls, 1);
    assert.equal(inner.get('dropped'), undefined);
    assert.deepEqual(
      lines.map((l) => l.level),
      ['warn'],
    );
    assert.deepEqual(
      published.map((m) => [m.kind, m.state, (m.error as Error).message]),
      [['redis', 'down', 'connection refused']],
    );

    now += 1_000;
    assert.equal(await guarded.get('kept'), undefined, 'tried once more, still out');
    assert.equal(state.calls, 2);
    now += 999;
    assert.equal(await guarded.get('kept'), undefined);
    assert.equal(state.calls, 2, 'the failed try started another wait');

    state.up = true;
    now += 1;
    assert.equal((await guarded.get('kept'))?.body, '{"kept":1}');
    assert.equal((await guarded.get('kept'))?.body, '{"kept":1}');
    assert.deepEqual(
      lines.map((l) => l.level),
      ['warn', 'info'],
    );
    assert.deepEqual(
      published.map((m) => [m.state, 'error' in m]),
      [
        ['down', true],
        ['up', false],
      ],
    );
  });

  it('lets one call at a time try a store that is out', async () => {
    let now = 0;
    let calls = 0;
    let answer: (value: CacheEntry | undefined) => void = () => {};
    const store: CacheStore = {
      kind: 'redis',
      get() {
        calls++;
        if (calls === 1) return Promise.reject(new Error('timeout'));
        return new Promise((resolve) => {
          answer = resolve;
        });
      },
      set() {},
      purge: () => 0,
      lock: () => undefined,
      close: async () => {},
    };
    const guarded = guardCacheStore(store, { logger: recordingLogger().logger, now: () => now });
    assert.equal(await guarded.get('k'), undefined);
    now += 1_000;
    const probe = guarded.get('k');
    assert.equal(await guarded.get('k'), undefined, 'answered at once while the probe runs');
    assert.equal(calls, 2);
    answer(entry('{}'));
    assert.equal((await probe)?.body, '{}');
    assert.deepEqual(
      published.map((m) => m.state),
      ['down', 'up'],
    );
  });

  it('always tries a purge: rejects with a catalogue code, and leaves the store in service', async () => {
    let now = 0;
    const { store, state } = switchable();
    const { lines, logger } = recordingLogger();
    const guarded = guardCacheStore(store, { logger, now: () => now });
    await guarded.set('a', entry('{}'), 60_000, ['t'], Date.now());
    state.up = false;
    state.calls = 0;
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        Promise.resolve().then(() => guarded.purge(['t'])),
        (error: unknown) => {
          assert.ok(error instanceof GatehouseError);
          assert.equal(error.code, 'CACHE_STORE_UNAVAILABLE');
          assert.equal((error.cause as Error).message, 'connection refused');
          return true;
        },
      );
    }
    assert.equal(state.calls, 2, 'each purge reached the store');
    assert.equal(lines.length, 0, 'a failed purge does not turn the cache off');
    assert.equal(published.length, 0);
    state.up = true;
    assert.ok(await guarded.get('a'), 'reads still reach the store');
    assert.equal(state.calls, 3);
    assert.equal(await guarded.purge(['t']), 1);

    // A store out for reads is put back by a purge that answers.
    state.up = false;
    assert.equal(await guarded.get('a'), undefined);
    state.up = true;
    assert.equal(await guarded.purge(['t']), 0);
    now += 1; // within retryAfterMs: only the purge's answer can have put it back
    await guarded.set('b', entry('{}'), 60_000, ['u'], Date.now());
    assert.ok(await guarded.get('b'));
    assert.deepEqual(
      published.map((m) => m.state),
      ['down', 'up'],
    );
  });

  it('drops a release that fails (the lock expires by itself) and counts it as an outage', async () => {
    const { store, state } = switchable();
    const { lines, logger } = recordingLogger();
    const guarded = guardCacheStore(store, { logger, now: () => 0 });
    const lock = await guarded.lock('l', 1_000);
    assert.ok(lock);
    state.up = false;
    await lock.release();
    assert.equal(state.failedReleases, 1);
    assert.deepEqual(
      lines.map((l) => l.level),
      ['warn'],
    );
  });
});

/**
 * The store's fail modes: a store that throws switches each limit to its `onStoreError` (open:
 * counted in the process against its fallback; closed: refused) for a second, then is tried
 * again; a check no store could answer (a cost that is not a whole number) is refused and
 * logged, and never taken for an outage.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGuardedStore, type GuardedCheck } from '../../gateway/rate-limit/guarded-store.ts';
import { createMemoryStore } from '../../gateway/rate-limit/store/memory-store.ts';
import type { RateLimitCheck, RateLimitStore } from '../../gateway/rate-limit/store/types.ts';

const rule = { algorithm: 'fixed-window', limit: 2, windowMs: 3_600_000 } as const;
const check = (key: string, over: Partial<GuardedCheck> = {}): GuardedCheck => ({
  key,
  rule,
  cost: 1,
  onStoreError: 'open',
  fallback: { ...rule, limit: 1 },
  ...over,
});

function recordingLogger() {
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);
  return { lines, logger: { debug: log, info: log, warn: log, error: log } };
}

/** A shared store that works or throws, as the test says, counting its calls. */
function switchable() {
  const inner = createMemoryStore();
  const state = { up: true, calls: 0 };
  const store: RateLimitStore = {
    kind: 'redis',
    async check(checks: readonly RateLimitCheck[]) {
      state.calls++;
      if (!state.up) throw new Error('connection refused');
      return inner.check(checks);
    },
    close: () => inner.close(),
  };
  return { store, state };
}

describe('guarded store', () => {
  it('fails open to the local count and closed to refusals, then tries the store again', async () => {
    let now = 0;
    const { store, state } = switchable();
    const { lines, logger } = recordingLogger();
    const guarded = createGuardedStore({
      primary: store,
      fallback: createMemoryStore(),
      logger,
      now: () => now,
    });
    state.up = false;
    const [open, closed] = await guarded.check([check('a'), check('b', { onStoreError: 'closed' })]);
    assert.equal(open?.allowed, true);
    assert.equal(closed?.allowed, false);
    // The local fallback holds 1: the next open check is refused, without asking the store.
    assert.equal((await guarded.check([check('a')]))[0]?.allowed, false);
    assert.equal(state.calls, 1);
    assert.equal(lines.filter((l) => l.includes('not answering')).length, 1);
    state.up = true;
    now += 1_001;
    assert.equal((await guarded.check([check('c')]))[0]?.allowed, true);
    assert.equal(state.calls, 2);
    assert.ok(lines.some((l) => l.includes('answers again')));
  });

  it('lets one request at a time try a store that is out', async () => {
    let now = 0;
    let release: () => void = () => {};
    let calls = 0;
    const store: RateLimitStore = {
      kind: 'redis',
      check: () => {
        calls++;
        return new Promise((_, reject) => {
          release = () => reject(new Error('timeout'));
        });
      },
      close: async () => {},
    };
    const guarded = createGuardedStore({
      primary: store,
      fallback: createMemoryStore(),
      logger: recordingLogger().logger,
      now: () => now,
    });
    const first = guarded.check([check('a')]);
    release();
    await first;
    now += 1_001;
    const probe = guarded.check([check('a')]);
    // While the probe waits, the others are answered from the local count at once.
    const others = await Promise.all([guarded.check([check('b')]), guarded.check([check('c')])]);
    assert.equal(calls, 2);
    assert.deepEqual(
      others.map(([d]) => d?.allowed),
      [true, true],
    );
    release();
    await probe;
  });

  it('refuses a check with a cost that is not a whole number, and keeps the store in service', async () => {
    const { store, state } = switchable();
    const { lines, logger } = recordingLogger();
    const guarded = createGuardedStore({ primary: store, fallback: createMemoryStore(), logger });
    const [bad, good] = await guarded.check([check('x', { cost: Number.NaN }), check('y')]);
    assert.equal(bad?.allowed, false);
    assert.equal(good?.allowed, true);
    assert.ok(lines.some((l) => l.includes('a check was refused')));
    assert.ok(!lines.some((l) => l.includes('not answering')));
    // Still in service: the next check asks the store.
    await guarded.check([check('y')]);
    assert.equal(state.calls, 2);
  });

  it('answers without a promise when the store is in this process, and leaves the rest to check', async () => {
    const { logger } = recordingLogger();
    const local = createGuardedStore({ primary: createMemoryStore(), fallback: undefined, logger });
    const now = local.checkNow([check('a'), check('a')]);
    assert.deepEqual(
      now?.map((d) => [d.allowed, d.remaining]),
      [
        [true, 1],
        [true, 0],
      ],
    );
    // The same counter through the promise: spent by the synchronous checks.
    assert.equal((await local.check([check('a')]))[0]?.allowed, false);
    // A check no store could answer goes the way that logs and refuses it.
    assert.equal(local.checkNow([check('b', { cost: 1.5 })]), undefined);
    // A shared store (no checkNow) is always asked through its promise.
    const { store } = switchable();
    const shared = createGuardedStore({ primary: store, fallback: createMemoryStore(), logger });
    assert.equal(shared.checkNow([check('a')]), undefined);
  });
});

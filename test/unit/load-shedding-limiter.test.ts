/**
 * The adaptive concurrency limit (AIMD driven by latency: up by one, down by `backoff`, within its
 * bounds) and the admission gate (shares per class, slots released once).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClasses } from '../../gateway/load-shedding/classes.ts';
import { createGate } from '../../gateway/load-shedding/gate.ts';
import { createAimdLimiter, type LimiterOptions } from '../../gateway/load-shedding/limiter.ts';
import { createShedLog } from '../../gateway/load-shedding/shed-log.ts';
import { type Logger, silentLogger } from '../../gateway/logger/index.ts';

const TARGET = 100; // ms

function limiter(over: Partial<LimiterOptions> = {}) {
  let clock = 0;
  const changes: Array<[number, number, string]> = [];
  const l = createAimdLimiter({
    initial: 10,
    min: 4,
    max: 20,
    latencyTarget: TARGET,
    backoff: 0.5,
    now: () => clock,
    onChange: (limit, previous, reason) => changes.push([previous, limit, reason]),
    ...over,
  });
  return { l, changes, tick: (ms: number) => (clock += ms) };
}

const fast = (inFlight: number) => ({ latencyMs: TARGET / 2, inFlight });
const slow = (inFlight: number) => ({ latencyMs: TARGET * 2, inFlight });

describe('AIMD limiter', () => {
  it('grows by one per fast request while the limit is in use, up to max', () => {
    const { l, changes } = limiter();
    l.sample(fast(5));
    assert.equal(l.limit, 11);
    assert.deepEqual(changes, [[10, 11, 'increase']]);
    for (let i = 0; i < 50; i++) l.sample(fast(l.limit));
    assert.equal(l.limit, 20);
  });

  it('does not grow while mostly idle (fewer than half the limit in flight)', () => {
    const { l, changes } = limiter();
    for (let i = 0; i < 10; i++) l.sample(fast(1));
    assert.equal(l.limit, 10);
    assert.deepEqual(changes, []);
  });

  it('shrinks by backoff when a request is slower than the target, down to min', () => {
    const { l, tick } = limiter();
    l.sample(slow(10));
    assert.equal(l.limit, 5);
    tick(TARGET);
    l.sample(slow(5));
    assert.equal(l.limit, 4, 'never below min');
    tick(TARGET);
    l.sample(slow(4));
    assert.equal(l.limit, 4);
  });

  it('shrinks at most once per latency target (a slow batch is one signal)', () => {
    const { l, tick } = limiter({ backoff: 0.9 });
    for (let i = 0; i < 10; i++) l.sample(slow(10));
    assert.equal(l.limit, 9);
    tick(TARGET - 1);
    l.sample(slow(9));
    assert.equal(l.limit, 9);
    tick(1);
    l.sample(slow(9));
    assert.equal(l.limit, 8);
  });

  it('a small limit still shrinks (floor) and the initial limit is clamped to its bounds', () => {
    const { l } = limiter({ initial: 5, min: 1, backoff: 0.9 });
    l.sample(slow(5));
    assert.equal(l.limit, 4);
    assert.equal(limiter({ initial: 100 }).l.limit, 20);
    assert.equal(limiter({ initial: 1 }).l.limit, 4);
  });

  it('is fixed when min equals max', () => {
    const { l, changes } = limiter({ initial: 8, min: 8, max: 8 });
    l.sample(slow(8));
    l.sample(fast(8));
    assert.equal(l.limit, 8);
    assert.deepEqual(changes, []);
  });
});

describe('admission gate', () => {
  const fixed = (limit: number) =>
    createAimdLimiter({ initial: limit, min: limit, max: limit, latencyTarget: TARGET, backoff: 0.5 });
  const classes = createClasses({
    classes: ['critical', 'high', 'normal', 'low'],
    defaultClass: 'normal',
    lowestShare: 0.5,
    rules: [],
  });
  const [critical, high, normal, low] = classes.all as [
    (typeof classes.all)[0],
    (typeof classes.all)[0],
    (typeof classes.all)[0],
    (typeof classes.all)[0],
  ];

  it('admits each class up to its share of the limit, lowest first to stop; critical always', () => {
    const gate = createGate(fixed(8));
    const admitted = (c: typeof low) => {
      let n = 0;
      while (gate.admit(c) !== undefined) n++;
      return n;
    };
    assert.equal(admitted(low), 4, 'low: 50% of 8');
    assert.equal(admitted(normal), 2, 'normal: 75% of 8, 4 already in flight');
    assert.equal(admitted(high), 2, 'high: 100% of 8');
    assert.equal(gate.inFlight, 8);
    for (let i = 0; i < 5; i++) assert.ok(gate.admit(critical), 'critical is never shed');
    assert.equal(gate.inFlight, 13, 'critical requests count in flight');
    assert.equal(gate.admit(high), undefined);
  });

  it('releases a slot once, however many times release is called', () => {
    const gate = createGate(fixed(2));
    const a = gate.admit(high)!;
    const b = gate.admit(high)!;
    assert.equal(gate.admit(high), undefined);
    a.release();
    a.release();
    a.release({ abandoned: true });
    assert.equal(gate.inFlight, 1, 'a second release frees nothing more');
    assert.ok(a.released);
    const c = gate.admit(high)!;
    assert.equal(gate.admit(high), undefined);
    b.release();
    c.release();
    assert.equal(gate.inFlight, 0);
  });

  it('reports latency to the limiter, except for abandoned requests', () => {
    const samples: unknown[] = [];
    let clock = 0;
    const gate = createGate({ limit: 4, sample: (s) => samples.push(s) }, () => clock);
    const a = gate.admit(normal)!;
    const b = gate.admit(normal)!;
    clock = 30;
    a.release();
    b.release({ abandoned: true });
    assert.deepEqual(samples, [{ latencyMs: 30, inFlight: 2 }]);
    assert.equal(gate.inFlight, 0);
  });
});

describe('shed log', () => {
  it('warns at once, then once per interval with the count by class', async () => {
    const lines: Array<Record<string, unknown> | undefined> = [];
    const logger: Logger = {
      ...silentLogger,
      warn: (_message, details) => void lines.push(details),
    };
    const log = createShedLog(logger, 20);
    const state = { inFlight: 8, limit: 8 };
    for (let i = 0; i < 50; i++) log.shed(i % 2 === 0 ? 'low' : 'normal', state);
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]?.byClass, { low: 1 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(lines.length, 2, 'the rest of the burst, once the interval is over');
    assert.deepEqual(lines[1]?.byClass, { low: 24, normal: 25 });
    log.close();
    assert.equal(lines.length, 2);
  });
});

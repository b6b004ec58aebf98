/**
 * The load-balancing room with a fake clock and a fake pooled client: outlier ejection and its
 * growth, the circuit-open answer, pinning, breakers (`isOpen`), schema loads, pass-through.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import { gatewayError, isGatewayError } from '../../core/errors.ts';
import type { SendRequest, UpstreamRequest } from '../../core/http-client.ts';
import { loadBalancingSchema } from '../../gateway/config/load-balancing-schema.ts';
import { createLoadBalancing, type IsOpen } from '../../gateway/load-balancing/index.ts';
import { ejectionTime } from '../../gateway/load-balancing/outlier.ts';
import { silentLogger } from '../../gateway/logger/index.ts';

const A = 'http://127.0.0.1:4101/graphql';
const B = 'http://127.0.0.1:4102/graphql';
const SUBGRAPH = 'http://products.internal/graphql';

/** A room over one subgraph `products` with targets A (v1) and B (v2), a settable clock. */
function setup(lb: Record<string, unknown> = {}, isOpen?: IsOpen) {
  let time = 1_000;
  const config = loadBalancingSchema.parse({
    targets: [
      { url: A, version: 'v1' },
      { url: B, version: 'v2' },
    ],
    outlierDetection: {
      consecutiveFailures: 2,
      baseEjectionTime: 1_000,
      maxEjectionTime: 2_500,
      maxEjectionPercent: 100,
    },
    ...lb,
  });
  const room = createLoadBalancing({
    subgraphs: [
      { name: 'products', url: SUBGRAPH, loadBalancing: config },
      { name: 'plain', url: 'http://plain.internal/graphql' },
    ],
    logger: silentLogger,
    isOpen,
    now: () => time,
  });
  assert.ok(room);
  const down = new Set<string>();
  const sent: string[] = [];
  const send: SendRequest = async (request) => {
    const url = String(request.url);
    sent.push(url);
    if (down.has(url)) {
      throw gatewayError('SUBGRAPH_UNAVAILABLE', 'refused', { serviceName: request.serviceName });
    }
    return { status: 200, headers: {}, body: '{"data":{}}' };
  };
  const request = room.http(send);
  const call = (more: Partial<UpstreamRequest> = {}) =>
    request({ serviceName: 'products', url: SUBGRAPH, method: 'POST', ...more });
  /** Sends `n` calls; the codes of those that failed, '' for the others. */
  const calls = async (n: number, more: Partial<UpstreamRequest> = {}) => {
    const codes: string[] = [];
    for (let i = 0; i < n; i++) {
      codes.push(
        await call(more).then(
          () => '',
          (error: unknown) => (isGatewayError(error) ? String(error.extensions.code) : 'other'),
        ),
      );
    }
    return codes;
  };
  return {
    room,
    down,
    sent,
    call,
    calls,
    request,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe('load-balancing room', () => {
  it('is not made when no subgraph has loadBalancing; passes other subgraphs and URLs through', async () => {
    assert.equal(
      createLoadBalancing({ subgraphs: [{ name: 'a', url: A }], logger: silentLogger }),
      undefined,
    );
    const { request, sent } = setup();
    await request({ serviceName: 'plain', url: 'http://plain.internal/graphql' });
    await request({ serviceName: 'products', url: 'http://elsewhere/graphql' });
    assert.deepEqual(sent, ['http://plain.internal/graphql', 'http://elsewhere/graphql']);
  });

  it('ejects a target after consecutive failures; no call fails while it is out; it rejoins', async () => {
    const { down, calls, sent, advance, room } = setup();
    down.add(A);
    // Round robin: A fails twice (calls 1 and 3), then is ejected.
    assert.deepEqual(await calls(4), ['SUBGRAPH_UNAVAILABLE', '', 'SUBGRAPH_UNAVAILABLE', '']);
    assert.equal(room.status().products?.[0]?.ejected, true);
    sent.length = 0;
    assert.deepEqual(await calls(10), Array(10).fill(''));
    assert.deepEqual(new Set(sent), new Set([B]));
    // Back after baseEjectionTime (1 s), and up again.
    down.delete(A);
    advance(1_000);
    sent.length = 0;
    assert.deepEqual(await calls(4), ['', '', '', '']);
    assert.deepEqual(new Set(sent), new Set([A, B]));
  });

  it('ejects for longer each time in a row, capped, and starts over after staying in', async () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((n) =>
        ejectionTime(
          {
            enabled: true,
            consecutiveFailures: 1,
            baseEjectionTime: 1_000,
            maxEjectionTime: 2_500,
            maxEjectionPercent: 100,
          },
          n,
        ),
      ),
      [1_000, 2_000, 2_500, 2_500],
    );
    const { down, call, advance, room } = setup({ targets: [{ url: A }] });
    down.add(A);
    const ejectedFor = async () => {
      // Two failures eject it; then count how long it stays out, in 100 ms steps.
      await call().catch(() => undefined);
      await call().catch(() => undefined);
      let waited = 0;
      while (room.status().products?.[0]?.ejected && waited < 10_000) {
        advance(100);
        waited += 100;
      }
      return waited;
    };
    assert.equal(await ejectedFor(), 1_000);
    assert.equal(await ejectedFor(), 2_000);
    assert.equal(await ejectedFor(), 2_500);
    // Stays in for maxEjectionTime (it is up), then fails again: back to the base time.
    down.delete(A);
    await call();
    advance(2_500);
    down.add(A);
    assert.equal(await ejectedFor(), 1_000);
  });

  it('ejects at most maxEjectionPercent of the targets (50 by default: one of two)', async () => {
    const { down, calls } = setup({
      outlierDetection: { consecutiveFailures: 2, baseEjectionTime: 1_000, maxEjectionTime: 2_500 },
    });
    down.add(A);
    down.add(B);
    const codes = await calls(10);
    assert.ok(
      codes.every((code) => code === 'SUBGRAPH_UNAVAILABLE'),
      `one target stays in, and its calls say what is wrong: ${codes.join(',')}`,
    );
  });

  it('answers SUBGRAPH_CIRCUIT_OPEN with retryAfter when no target can take the call', async () => {
    const { down, call, calls, sent, advance } = setup();
    down.add(A);
    down.add(B);
    await calls(4);
    sent.length = 0;
    const error = await call().then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(isGatewayError(error));
    assert.equal(error.extensions.code, 'SUBGRAPH_CIRCUIT_OPEN');
    assert.equal(error.extensions.serviceName, 'products');
    assert.equal(error.extensions.retryAfter, 1);
    assert.deepEqual(sent, [], 'nothing is sent');
    advance(400);
    // Schema loads still go to a target.
    await call({ kind: 'schema-load' }).catch(() => undefined);
    assert.equal(sent.length, 1);
  });

  it('says in retryAfter when the soonest target comes back', async () => {
    const { down, call, calls, advance } = setup({
      outlierDetection: {
        consecutiveFailures: 1,
        baseEjectionTime: 5_000,
        maxEjectionTime: 10_000,
        maxEjectionPercent: 100,
      },
    });
    down.add(A);
    down.add(B);
    await calls(2);
    const retryAfter = () =>
      call().then(
        () => assert.fail('should fail'),
        (error: unknown) => (isGatewayError(error) ? error.extensions.retryAfter : error),
      );
    assert.equal(await retryAfter(), 5);
    advance(2_500);
    assert.equal(await retryAfter(), 3);
  });

  it('counts HTTP 502/503/504 as failures, not other statuses nor a caller going away', async () => {
    let status = 503;
    const room = createLoadBalancing({
      subgraphs: [
        {
          name: 'products',
          url: SUBGRAPH,
          loadBalancing: loadBalancingSchema.parse({
            targets: [{ url: A }],
            outlierDetection: { consecutiveFailures: 2, maxEjectionPercent: 100 },
          }),
        },
      ],
      logger: silentLogger,
    })!;
    const aborted = new AbortController();
    aborted.abort();
    const request = room.http(async (r) => {
      if (r.signal?.aborted) throw gatewayError('SUBGRAPH_UNAVAILABLE', 'gone', { serviceName: 'products' });
      return { status, headers: {}, body: '' };
    });
    const call = (signal?: AbortSignal) => request({ serviceName: 'products', url: SUBGRAPH, signal });
    await call();
    status = 500;
    await call(); // a success: resets the count
    status = 503;
    await call();
    await call(aborted.signal).catch(() => undefined); // the caller went away: says nothing
    assert.equal(room.status().products?.[0]?.ejected, false);
    await call();
    assert.equal(room.status().products?.[0]?.ejected, true);
  });

  it('skips a target whose breaker is open', async () => {
    const open = new Set<string>(['http://127.0.0.1:4101']);
    const { calls, sent } = setup({}, (name, origin) => name === 'products' && open.has(origin));
    assert.deepEqual(await calls(3), ['', '', '']);
    assert.deepEqual(new Set(sent), new Set([B]));
    open.add('http://127.0.0.1:4102');
    assert.deepEqual(await calls(1), ['SUBGRAPH_CIRCUIT_OPEN']);
  });
});

describe('pinning', () => {
  it('sends a call pinned to a version to that target only; refuses while it is out', async () => {
    const { calls, sent, down } = setup({ pinHeader: 'X-Subgraph-Version' });
    const v2 = { headers: { 'x-subgraph-version': 'v2' } };
    assert.deepEqual(await calls(5, v2), ['', '', '', '', '']);
    assert.deepEqual(new Set(sent), new Set([B]));
    // A version that no target has: balanced as usual.
    sent.length = 0;
    await calls(2, { headers: { 'x-subgraph-version': 'v9' } });
    assert.deepEqual(new Set(sent), new Set([A, B]));
    // Pinned to a target that is out: no fallback to another version.
    down.add(B);
    assert.deepEqual(await calls(3, v2), [
      'SUBGRAPH_UNAVAILABLE',
      'SUBGRAPH_UNAVAILABLE',
      'SUBGRAPH_CIRCUIT_OPEN',
    ]);
    assert.deepEqual(await calls(2), ['', '']);
  });

  it("copies the client's pin header onto the call when it names a version", () => {
    const { room } = setup({ pinHeader: 'x-subgraph-version' });
    assert.ok(room.headers);
    const rule = room.headers({ name: 'products', url: SUBGRAPH });
    const call = (value?: string) =>
      rule({
        document: parse('{ __typename }'),
        context: {
          request: new Request('http://gateway/graphql', {
            headers: value === undefined ? {} : { 'x-subgraph-version': value },
          }),
        },
      });
    assert.deepEqual(call('v2'), { 'x-subgraph-version': 'v2' });
    assert.equal(call('v3'), undefined);
    assert.equal(call(), undefined);
    assert.equal(rule({ document: parse('{ __typename }') }), undefined, 'a schema load');
    assert.equal(
      room.headers({ name: 'plain', url: 'http://plain.internal/graphql' })({ document: parse('{ a }') }),
      undefined,
    );
    // No pinHeader anywhere: no headers hook at all.
    assert.equal(setup().room.headers, undefined);
  });
});

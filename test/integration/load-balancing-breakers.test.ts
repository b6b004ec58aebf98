/**
 * Load balancing and circuit breakers together: a target whose breaker is open is skipped (a 500
 * is not an outlier, so only the breaker takes it out), and it takes calls again once it has
 * recovered and a probe has closed its breaker.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startTestGateway } from '../helpers/gateway.ts';
import { type SwitchServer, startSwitchServer } from '../helpers/switch-server.ts';

describe('load balancing with circuit breakers', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  after(async () => {
    for (const thing of opened.reverse()) await thing.close();
  });

  it('/readyz shows each target, and says degraded while one is ejected', { timeout: 30_000 }, async () => {
    const [a, b] = (await Promise.all([startSwitchServer(), startSwitchServer()])) as [
      SwitchServer,
      SwitchServer,
    ];
    opened.push(a, b);
    const gateway = await startTestGateway({
      server: { readyDetails: 'always' },
      upstream: { circuitBreaker: { enabled: false } },
      subgraphs: [
        {
          name: 'flaky',
          kind: 'federation',
          url: a.url,
          schemaFile: a.schemaFile,
          dedup: 'off',
          retry: { enabled: false },
          loadBalancing: {
            targets: [{ url: a.url }, { url: b.url }],
            outlierDetection: { consecutiveFailures: 2 },
          },
        },
      ],
    });
    opened.push(gateway);
    const readiness = async () => {
      const response = await gateway.yoga.fetch('http://gateway/readyz');
      assert.equal(response.status, 200);
      return (await response.json()) as {
        status: string;
        loadBalancing: Record<string, Array<{ url: string; ejected: boolean; healthy: boolean }>>;
      };
    };
    assert.equal((await readiness()).status, 'ready');
    a.set({ kind: 'status', status: 503 });
    for (let i = 0; i < 6; i++) await gateway.query('{ flaky }');
    const ready = await readiness();
    assert.equal(ready.status, 'degraded');
    assert.deepEqual(
      ready.loadBalancing.flaky?.map((t) => [t.url, t.ejected, t.healthy]),
      [
        [a.url, true, true],
        [b.url, false, true],
      ],
    );
  });

  it('skips a target whose breaker is open, and takes it back once it closes', {
    timeout: 30_000,
  }, async () => {
    const [a, b] = (await Promise.all([startSwitchServer(), startSwitchServer()])) as [
      SwitchServer,
      SwitchServer,
    ];
    opened.push(a, b);
    const gateway = await startTestGateway({
      upstream: {
        circuitBreaker: { minimumCalls: 4, failureRate: 0.5, openDuration: 1_000, halfOpenCalls: 1 },
      },
      subgraphs: [
        {
          name: 'flaky',
          kind: 'federation',
          url: a.url,
          schemaFile: a.schemaFile,
          dedup: 'off',
          loadBalancing: { targets: [{ url: a.url }, { url: b.url }] },
        },
      ],
    });
    opened.push(gateway);
    a.set({ kind: 'status', status: 500 });
    let failed = 0;
    for (let i = 0; i < 8; i++) if ((await gateway.query('{ flaky }')).body.errors) failed++;
    assert.equal(failed, 4, 'half the calls went to the failing target, until its breaker opened');
    const sentToA = a.requests();
    for (let i = 0; i < 20; i++)
      assert.deepEqual((await gateway.query('{ flaky }')).body, { data: { flaky: 'fine' } });
    assert.equal(a.requests(), sentToA, 'no call went to the target whose breaker is open');

    a.set({ kind: 'ok' });
    const started = performance.now();
    while (a.requests() === sentToA && performance.now() - started < 10_000) {
      assert.deepEqual((await gateway.query('{ flaky }')).body, { data: { flaky: 'fine' } });
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.ok(a.requests() > sentToA, 'a probe went to the recovered target');
    const before = a.requests();
    for (let i = 0; i < 10; i++) await gateway.query('{ flaky }');
    assert.equal(a.requests() - before, 5, 'its breaker closed: calls are balanced again');
  });
});

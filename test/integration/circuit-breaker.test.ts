/**
 * Circuit breakers, with a real gateway and a subgraph that hangs, fails or recovers on command:
 * a hung backend opens its breaker before its calls time out; then calls that need it fail at once
 * with SUBGRAPH_CIRCUIT_OPEN while the rest of the answer comes at its normal pace; after the
 * backend recovers the breaker closes within its open time. On both engines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { type HealthySubgraph, startHealthySubgraph, waitFor } from '../helpers/fault-graph.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { startSwitchServer } from '../helpers/switch-server.ts';

const TEST = { timeout: 30_000 };

type Breaker = NonNullable<GatehouseConfigInput['upstream']>['circuitBreaker'];

for (const engine of ['plan', 'stitching'] as const) {
  describe(`circuit breaker (${engine} engine)`, () => {
    let healthy: HealthySubgraph;
    const opened: Array<{ close(): Promise<void> }> = [];
    before(async () => {
      healthy = await startHealthySubgraph();
    });
    after(async () => {
      for (const thing of opened.reverse()) await thing.close();
      await healthy?.close();
    });

    const setup = async (
      breaker: Breaker,
      requestTimeout = 20_000,
      extra: Omit<GatehouseConfigInput, 'subgraphs'> = {},
    ) => {
      const flaky = await startSwitchServer();
      opened.push(flaky);
      const logger = recordingLogger();
      const { lines } = logger;
      const gateway: TestGateway = await startTestGateway(
        {
          ...extra,
          engine,
          server: { readyDetails: 'always' },
          upstream: { requestTimeout, circuitBreaker: breaker },
          subgraphs: [
            { name: 'healthy', kind: 'federation', url: healthy.url },
            {
              name: 'flaky',
              kind: 'federation',
              url: flaky.url,
              schemaFile: flaky.schemaFile,
              dedup: 'off',
              ...(extra.cache && { cacheControl: { 'Query.flaky': { maxAge: 1 } } }),
            },
          ],
        },
        { logger },
      );
      opened.push(gateway);
      return { flaky, gateway, lines };
    };

    it(
      'opens on a hung backend before its calls time out, fails fast, and closes once it recovers',
      TEST,
      async () => {
        const { flaky, gateway, lines } = await setup({
          minimumCalls: 5,
          slowCallThreshold: 200,
          // One call answered fast before the hang: eight of nine are slow.
          slowCallRate: 0.5,
          openDuration: 3_000,
          halfOpenCalls: 1,
        });
        assert.deepEqual((await gateway.query('{ hello flaky }')).body.data, {
          hello: 'world',
          flaky: 'fine',
        });

        flaky.set({ kind: 'hang' });
        // Bounded: eight operations that will hang until the test ends (or the 20 s timeout).
        const hung = Array.from({ length: 8 }, () => gateway.query('{ hello flaky }'));
        await waitFor(() => flaky.inFlight() >= 8, 'the hung calls to arrive');
        await new Promise((resolve) => setTimeout(resolve, 250));

        // Past the slow threshold: the next call opens the breaker and fails at once.
        const started = performance.now();
        const { body } = await gateway.query('{ hello flaky }');
        const failFast = performance.now() - started;
        assert.deepEqual(body.data, { hello: 'world', flaky: null });
        assert.equal(body.errors?.[0]?.extensions?.code, 'SUBGRAPH_CIRCUIT_OPEN');
        assert.equal(body.errors?.[0]?.extensions?.serviceName, 'flaky');
        assert.ok(Number(body.errors?.[0]?.extensions?.retryAfter) >= 1);
        assert.ok(failFast < 2_000, `an open breaker answers at once (took ${failFast.toFixed(0)} ms)`);
        const sent = flaky.requests();

        // While open (for the first half of its 3 s): nothing reaches the backend; fields of
        // other subgraphs are served.
        for (let i = 0; i < 20 && performance.now() - started < 1_500; i++) {
          const open = await gateway.query('{ hello flaky }');
          assert.equal(open.body.errors?.[0]?.extensions?.code, 'SUBGRAPH_CIRCUIT_OPEN');
          assert.deepEqual((await gateway.query('{ hello }')).body, { data: { hello: 'world' } });
        }
        assert.equal(flaky.requests(), sent, 'no call was sent while the breaker was open');
        const ready = await gateway.yoga.fetch('http://gateway/readyz');
        assert.equal(ready.status, 200, 'an open breaker does not take the replica out of rotation');
        const readiness = (await ready.json()) as { status: string; circuitBreakers: unknown[] };
        assert.equal(readiness.status, 'degraded');
        const byName = (a: { serviceName: string }, b: { serviceName: string }) =>
          a.serviceName.localeCompare(b.serviceName);
        assert.deepEqual((readiness.circuitBreakers as Array<{ serviceName: string }>).sort(byName), [
          { serviceName: 'flaky', origin: new URL(flaky.url).origin, state: 'open', opened: 1 },
          { serviceName: 'healthy', origin: new URL(healthy.url).origin, state: 'closed', opened: 0 },
        ]);
        assert.ok(
          lines.some((l) => l.level === 'warn' && /circuit breaker of flaky .* opened/.test(l.message)),
        );

        // Recovery: within the open time a probe passes and closes it.
        flaky.set({ kind: 'ok' });
        const recovering = performance.now();
        let answer: unknown;
        // Polled every 25 ms, 200 times at most.
        for (let i = 0; i < 200 && answer === undefined; i++) {
          const { body: polled } = await gateway.query('{ flaky }');
          if ((polled.data as { flaky?: string } | null)?.flaky === 'fine') answer = polled.data;
          else await new Promise((resolve) => setTimeout(resolve, 25));
        }
        const recovered = performance.now() - recovering;
        assert.deepEqual(answer, { flaky: 'fine' });
        assert.ok(recovered < 8_000, `closed ${recovered.toFixed(0)} ms after the backend recovered`);
        assert.ok(lines.some((l) => /circuit breaker of flaky .* closed/.test(l.message)));
        await gateway.close();
        await Promise.allSettled(hung);
      },
    );

    it(
      'opens on a failure rate of 5xx answers, and the wait grows while probes keep failing',
      TEST,
      async () => {
        const { flaky, gateway, lines } = await setup({
          minimumCalls: 4,
          failureRate: 0.5,
          openDuration: 200,
          maxOpenDuration: 800,
          halfOpenCalls: 1,
        });
        flaky.set({ kind: 'status', status: 500 });
        for (let i = 0; i < 4; i++) {
          const { body } = await gateway.query('{ flaky }');
          assert.equal(body.errors?.[0]?.extensions?.code, 'SUBGRAPH_BAD_RESPONSE');
        }
        const { body } = await gateway.query('{ flaky }');
        assert.equal(body.errors?.[0]?.extensions?.code, 'SUBGRAPH_CIRCUIT_OPEN');
        // Probes fail: it opens again for 400 ms, then 800 ms (capped).
        await waitFor(() => lines.filter((l) => /opened/.test(l.message)).length >= 1, 'the first opening');
        for (let i = 0; i < 200 && lines.filter((l) => /a probe failed/.test(l.message)).length < 2; i++) {
          await gateway.query('{ flaky }');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const reopened = lines.filter((l) => /a probe failed/.test(l.message)).map((l) => l.message);
        assert.match(reopened[0] ?? '', /for 400 ms/);
        assert.match(reopened[1] ?? '', /for 800 ms/);
        await gateway.close();
      },
    );

    it('while open, a kept answer stands in for the calls it refuses (staleIfError)', TEST, async () => {
      const { flaky, gateway, lines } = await setup({ minimumCalls: 2, openDuration: 10_000 }, 20_000, {
        cache: { staleIfError: 60 },
      });
      assert.deepEqual((await gateway.query('{ flaky }')).body, { data: { flaky: 'fine' } });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      flaky.set({ kind: 'status', status: 500 });
      // Two failed calls (mutations, never kept) open the breaker.
      for (let i = 0; i < 2; i++) await gateway.query('mutation { poke }');
      await waitFor(
        () => lines.some((l) => /circuit breaker of flaky .* opened/.test(l.message)),
        'the breaker to open',
      );
      const sent = flaky.requests();
      for (let i = 0; i < 4; i++) {
        const { status, body } = await gateway.query('{ flaky }');
        assert.equal(status, 200);
        assert.deepEqual(body.data, { flaky: 'fine' });
        const warnings = (body as { extensions?: { warnings?: Array<{ code: string }> } }).extensions
          ?.warnings;
        assert.equal(warnings?.[0]?.code, 'STALE_IF_ERROR');
      }
      assert.equal(flaky.requests(), sent, 'the queries were not sent: the breaker refused them');
      await gateway.close();
    });

    it('below the minimum of calls, or with the breaker off, every call is sent', TEST, async () => {
      const { flaky, gateway } = await setup({ enabled: false });
      flaky.set({ kind: 'status', status: 500 });
      for (let i = 0; i < 30; i++) await gateway.query('{ flaky }');
      assert.equal(flaky.requests(), 30);
      await gateway.close();
    });
  });
}

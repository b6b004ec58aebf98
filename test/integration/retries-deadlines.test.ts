/**
 * Retries, deadlines and bulkheads with a real gateway and a subgraph switched between faults:
 * queries are retried within the budget and never more, mutations never; `Retry-After` is waited
 * for; the request's deadline (config or client header) bounds every call and stops sending calls
 * once it has passed; a full bulkhead fails fast with SUBGRAPH_OVERLOADED.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { type HealthySubgraph, startHealthySubgraph, waitFor } from '../helpers/fault-graph.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { type SwitchServer, startSwitchServer } from '../helpers/switch-server.ts';

const TEST = { timeout: 30_000 };
type Flaky = Partial<Extract<NonNullable<GatehouseConfigInput['subgraphs']>[number], { kind: 'federation' }>>;

describe('retries, deadlines and bulkheads', () => {
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
    flakyEntry: Flaky,
    rest: Omit<GatehouseConfigInput, 'subgraphs'> = {},
  ): Promise<{ flaky: SwitchServer; gateway: TestGateway }> => {
    const flaky = await startSwitchServer();
    opened.push(flaky);
    const gateway = await startTestGateway({
      ...rest,
      subgraphs: [
        { name: 'healthy', kind: 'federation', url: healthy.url },
        {
          name: 'flaky',
          kind: 'federation',
          url: flaky.url,
          schemaFile: flaky.schemaFile,
          dedup: 'off',
          circuitBreaker: { enabled: false },
          ...flakyEntry,
        },
      ],
    });
    opened.push(gateway);
    return { flaky, gateway };
  };

  it('retries a query on 503, within a budget of a tenth of the calls', TEST, async () => {
    const { flaky, gateway } = await setup({
      retry: { attempts: 3, baseDelay: 1, maxDelay: 2, budget: 0.1, minRetries: 1, budgetWindow: 60_000 },
    });
    flaky.set({ kind: 'status', status: 503 });
    for (let i = 0; i < 100; i++) {
      const { body } = await gateway.query('{ flaky }');
      assert.equal(body.errors?.[0]?.extensions?.code, 'SUBGRAPH_BAD_RESPONSE');
    }
    const retries = flaky.requests() - 100;
    assert.ok(retries > 0, 'some calls were retried');
    assert.ok(retries <= 10, `retries stay within 10% of 100 calls (${retries})`);
  });

  it('a retry that succeeds gives the answer; a mutation is never retried', TEST, async () => {
    const { flaky, gateway } = await setup({ retry: { baseDelay: 1, maxDelay: 2 } });
    flaky.set({ kind: 'status', status: 503 });
    const pending = gateway.query('{ flaky }');
    await waitFor(() => flaky.requests() >= 1, 'the first attempt');
    flaky.set({ kind: 'ok' });
    // The first attempt got 503; whether the retry sees 503 or the recovery, it was sent.
    const { body } = await pending;
    assert.equal(flaky.requests(), 2);
    assert.ok(body.data?.flaky === 'fine' || body.errors?.[0]?.extensions?.code === 'SUBGRAPH_BAD_RESPONSE');

    flaky.set({ kind: 'status', status: 503 });
    const before = flaky.requests();
    const mutation = await gateway.query('mutation { poke }');
    assert.equal(mutation.body.errors?.[0]?.extensions?.code, 'SUBGRAPH_BAD_RESPONSE');
    assert.equal(flaky.requests() - before, 1, 'the mutation was sent once');
    assert.equal(flaky.mutations(), 1);
  });

  it('honours Retry-After, and does not retry past the deadline', TEST, async () => {
    const { flaky, gateway } = await setup(
      { retry: { baseDelay: 1, maxDelay: 2 } },
      { deadline: { timeout: 5_000 } },
    );
    flaky.set({ kind: 'status', status: 503, retryAfter: '1' });
    const started = performance.now();
    await gateway.query('{ flaky }');
    assert.equal(flaky.requests(), 2);
    assert.ok(performance.now() - started >= 950, 'the retry waited the second Retry-After asked for');

    flaky.set({ kind: 'status', status: 503, retryAfter: '30' });
    await gateway.query('{ flaky }');
    assert.equal(flaky.requests(), 3, 'a Retry-After past the deadline: no retry');
  });

  it('the client header shortens the deadline: calls get what is left of it', TEST, async () => {
    const { flaky, gateway } = await setup({}, { deadline: { timeout: 20_000 } });
    flaky.set({ kind: 'slow', ms: 5_000 });
    const started = performance.now();
    const { body } = await gateway.query('{ hello flaky }', undefined, { 'x-request-timeout': '300ms' });
    const took = performance.now() - started;
    assert.deepEqual(body.data, { hello: 'world', flaky: null });
    assert.equal(body.errors?.[0]?.extensions?.code, 'GATEWAY_TIMEOUT');
    assert.ok(took < 4_000, `answered by its deadline, not the backend (${took.toFixed(0)} ms)`);

    const bad = await gateway.query('{ hello }', undefined, { 'x-request-timeout': 'soon' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BAD_REQUEST');

    // A header asking for more than `deadline.timeout` gets `deadline.timeout`.
    const { body: capped } = await gateway.query('{ hello }', undefined, { 'x-request-timeout': '999999' });
    assert.deepEqual(capped.data, { hello: 'world' });
  });

  it('with calls shared by dedup (the default), each caller leaves at its own deadline', TEST, async () => {
    const { flaky, gateway } = await setup({ dedup: 'shared' }, { deadline: { timeout: 20_000 } });
    flaky.set({ kind: 'slow', ms: 1_500 });
    const started = performance.now();
    const [short, long] = await Promise.all([
      gateway.query('{ hello flaky }', undefined, { 'x-request-timeout': '200' }),
      (async () => {
        // Joins the call the first request leads.
        await waitFor(() => flaky.requests() >= 1, 'the shared call');
        return gateway.query('{ hello flaky }');
      })(),
    ]);
    assert.equal(short.body.errors?.[0]?.extensions?.code, 'GATEWAY_TIMEOUT');
    assert.deepEqual(short.body.data, { hello: 'world', flaky: null });
    assert.deepEqual(
      long.body,
      { data: { hello: 'world', flaky: 'fine' } },
      'a short deadline never cuts a shared call',
    );
    assert.equal(flaky.requests(), 1, 'one call, shared');
    assert.ok(performance.now() - started >= 1_400);
  });

  it('a hung call shared by dedup takes no newcomers after a second: a recovery is seen', TEST, async () => {
    const { flaky, gateway } = await setup({ dedup: 'shared' }, { deadline: { timeout: 800 } });
    flaky.set({ kind: 'hang' });
    const pending: Array<Promise<unknown>> = [];
    for (let i = 0; i < 6; i++) {
      pending.push(gateway.query('{ flaky }'));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(flaky.requests() >= 2, `newcomers sent their own call (${flaky.requests()})`);
    flaky.set({ kind: 'ok' });
    let answer: unknown;
    const recovered = performance.now();
    while (answer === undefined && performance.now() - recovered < 5_000) {
      const { body } = await gateway.query('{ flaky }');
      if ((body.data as { flaky?: string } | null)?.flaky === 'fine') answer = body.data;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(answer, { flaky: 'fine' });
    assert.ok(performance.now() - recovered < 3_000, 'seen within about a second');
    await Promise.allSettled(pending);
  });

  it('a timeout of a client deadline opens no breaker', TEST, async () => {
    const { flaky, gateway } = await setup(
      { circuitBreaker: { minimumCalls: 2, slowCallThreshold: 5_000 } },
      { deadline: { timeout: 20_000 } },
    );
    flaky.set({ kind: 'slow', ms: 300 });
    for (let i = 0; i < 6; i++) {
      const { body } = await gateway.query('{ flaky }', undefined, { 'x-request-timeout': '30' });
      assert.equal(body.errors?.[0]?.extensions?.code, 'GATEWAY_TIMEOUT');
    }
    assert.deepEqual((await gateway.query('{ flaky }')).body, { data: { flaky: 'fine' } });
  });

  for (const engine of ['plan', 'stitching'] as const) {
    it(`the deadline holds over HTTP, on the JSON fast path (${engine} engine)`, TEST, async () => {
      const { flaky, gateway } = await setup({}, { engine, deadline: { timeout: 400 } });
      flaky.set({ kind: 'slow', ms: 5_000 });
      const { url } = await gateway.listen();
      const started = performance.now();
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ hello flaky }' }),
      });
      const body = (await response.json()) as {
        data: unknown;
        errors: Array<{ extensions: { code: string } }>;
      };
      assert.ok(performance.now() - started < 4_000);
      assert.deepEqual(body.data, { hello: 'world', flaky: null });
      assert.equal(body.errors[0]?.extensions.code, 'GATEWAY_TIMEOUT');
    });
  }

  it('a full bulkhead fails fast with SUBGRAPH_OVERLOADED; the queue waits its turn', TEST, async () => {
    const { flaky, gateway } = await setup({ bulkhead: { maxConcurrent: 2, maxQueue: 1 } });
    flaky.set({ kind: 'slow', ms: 600 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => gateway.query('{ hello flaky }')));
    const codes = answers.map((a) => a.body.errors?.[0]?.extensions?.code ?? 'ok').sort();
    assert.deepEqual(codes, ['SUBGRAPH_OVERLOADED', 'SUBGRAPH_OVERLOADED', 'ok', 'ok', 'ok']);
    for (const answer of answers) assert.equal((answer.body.data as { hello: string }).hello, 'world');
    assert.equal(flaky.requests(), 3);
  });
});

/**
 * The budget of bytes for upstream bodies being read (`upstream.maxBodyBytesInFlight`), against
 * real loopback servers sending large answers at once: the answers that fit are read, the others
 * fail with UPSTREAM_MEMORY_EXHAUSTED and their connections are dropped, the bytes in flight never
 * pass the budget, every byte comes back, and the gateway keeps answering.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isGatewayError } from '../../core/errors.ts';
import {
  createUpstreamClient,
  type PooledUpstreamClient,
  type UpstreamClientOptions,
} from '../../gateway/http/index.ts';
import {
  type HealthySubgraph,
  startHealthySubgraph,
  waitFor,
  writeBrokenSdl,
} from '../helpers/fault-graph.ts';
import { type FaultServer, startFaultServer } from '../helpers/fault-servers.ts';
import { startTestGateway } from '../helpers/gateway.ts';

const MiB = 1024 * 1024;

const OPTIONS: UpstreamClientOptions = {
  connections: 128,
  pipelining: 1,
  connectTimeout: 5_000,
  headersTimeout: 30_000,
  bodyTimeout: 30_000,
  keepAliveTimeout: 4_000,
  requestTimeout: 30_000,
  maxResponseSize: 64 * MiB,
  maxBodyBytesInFlight: 8 * MiB,
};

const QUERY = JSON.stringify({ query: '{ broken }' });

/**
 * Sends `count` requests at once; each settles to its body or UPSTREAM_MEMORY_EXHAUSTED. With
 * `server` (holding its answers half way), lets the answers end once the budget refused one.
 */
async function burst(client: PooledUpstreamClient, url: string, count: number, server?: FaultServer) {
  const settled = Promise.allSettled(
    Array.from({ length: count }, () =>
      client.request({
        serviceName: 'huge',
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: QUERY,
      }),
    ),
  );
  if (server) {
    await waitFor(() => client.bodyBudget.refused > 0, 'an answer refused');
    server.resume();
  }
  const results = await settled;
  const read: string[] = [];
  const refused: string[] = [];
  for (const result of results) {
    if (result.status === 'fulfilled') read.push(result.value.body);
    else {
      assert.ok(isGatewayError(result.reason), String(result.reason));
      assert.equal(result.reason.extensions.code, 'UPSTREAM_MEMORY_EXHAUSTED');
      assert.equal(result.reason.extensions.serviceName, 'huge');
      refused.push(result.reason.extensions.code);
    }
  }
  return { read, refused };
}

describe('the budget of bytes for upstream bodies in flight', () => {
  for (const contentLength of [true, false]) {
    it(`20 answers of 2 MiB at once within 8 MiB (${contentLength ? 'with' : 'without'} content-length)`, async () => {
      const server = await startFaultServer('huge', { bytes: 2 * MiB, contentLength, holdHalfway: true });
      const client = createUpstreamClient(OPTIONS);
      try {
        const { read, refused } = await burst(client, server.url, 20, server);
        assert.ok(refused.length > 0, 'some answers did not fit');
        assert.ok(read.length > 0, 'the answers that fit were read');
        for (const body of read) {
          assert.equal(body.length, 2 * MiB);
          assert.equal((JSON.parse(body) as { data: { broken: string } }).data.broken.length > 0, true);
        }
        assert.ok(client.bodyBudget.peak <= 8 * MiB, `peak ${client.bodyBudget.peak}`);
        assert.equal(client.bodyBudget.inUse, 0);
        // Once the burst is over, an answer of the same size is read in full.
        const { read: again } = await burst(client, server.url, 1);
        assert.equal(again[0]?.length, 2 * MiB);
      } finally {
        await client.close();
        await server.close();
      }
    });
  }

  it('drops the connection of an answer that does not fit, so that no more of it is buffered', async () => {
    const server = await startFaultServer('huge', { bytes: 32 * MiB, contentLength: false });
    const client = createUpstreamClient({ ...OPTIONS, maxBodyBytesInFlight: MiB });
    try {
      const { read, refused } = await burst(client, server.url, 3);
      assert.deepEqual([read.length, refused.length], [0, 3]);
      // The server sees each request's connection closed before it sent the whole answer.
      await waitFor(() => server.aborted() === 3, 'the server to see three dropped answers');
      assert.ok(client.bodyBudget.peak <= MiB);
      assert.equal(client.bodyBudget.inUse, 0);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('gives every byte back after refusals, deadlines, callers gone and resets', async () => {
    const huge = await startFaultServer('huge', { bytes: 4 * MiB, contentLength: false });
    const stall = await startFaultServer('stall-body');
    const reset = await startFaultServer('reset');
    const client = createUpstreamClient({ ...OPTIONS, maxBodyBytesInFlight: 2 * MiB });
    const send = (url: string, extra: { timeout?: number; signal?: AbortSignal } = {}) =>
      client.request({ serviceName: 'huge', url, method: 'POST', body: QUERY, ...extra });
    try {
      for (let round = 0; round < 5; round++) {
        const caller = new AbortController();
        const calls = [
          send(huge.url), // refused once past 2 MiB
          send(stall.url, { timeout: 100 }), // 1000 bytes reserved up front, then the deadline
          send(reset.url), // reset half way
          send(huge.url, { signal: caller.signal }), // the caller goes away while it is read
        ];
        setTimeout(() => caller.abort(), 5);
        const results = await Promise.allSettled(calls);
        assert.ok(results.every((r) => r.status === 'rejected'));
        assert.equal(client.bodyBudget.inUse, 0, `round ${round}`);
      }
      assert.ok(client.bodyBudget.peak <= 2 * MiB);
    } finally {
      await client.close();
      await Promise.all([huge.close(), stall.close(), reset.close()]);
    }
  });
});

describe('a gateway whose subgraph sends large answers at once', () => {
  let healthy: HealthySubgraph;
  let sdl: Awaited<ReturnType<typeof writeBrokenSdl>>;
  before(async () => {
    healthy = await startHealthySubgraph();
    sdl = await writeBrokenSdl();
  });
  after(async () => {
    await healthy?.close();
    await sdl?.remove();
  });

  it('answers the ones that fit, refuses the others with UPSTREAM_MEMORY_EXHAUSTED, and keeps serving', async () => {
    // Without a length, and held half way until the budget refused one: the twenty are in flight
    // together however fast the gateway reads.
    const broken = await startFaultServer('huge', {
      bytes: 2 * MiB,
      contentLength: false,
      holdHalfway: true,
    });
    const gateway = await startTestGateway({
      upstream: { maxBodyBytesInFlight: 8 * MiB, maxResponseSize: 4 * MiB },
      subgraphs: [
        { name: 'healthy', kind: 'federation', url: healthy.url },
        // dedup off: twenty identical queries make twenty calls.
        { name: 'broken', kind: 'federation', url: broken.url, schemaFile: sdl.file, dedup: 'off' },
      ],
    });
    const budget = (gateway.client as PooledUpstreamClient).bodyBudget;
    const rssBefore = process.memoryUsage().rss;
    try {
      await waitFor(
        () => gateway.supergraph.status().subgraphs.some((s) => s.name === 'healthy' && s.inService),
        'the healthy subgraph in service',
      );
      const answering = Promise.all(Array.from({ length: 20 }, () => gateway.query('{ broken }')));
      await waitFor(() => budget.refused > 0, 'an answer refused');
      broken.resume();
      const answers = await answering;
      let refused = 0;
      for (const { status, body } of answers) {
        assert.equal(status, 200);
        const error = body.errors?.[0];
        if (error === undefined) {
          assert.equal((body.data as { broken: string }).broken.length > MiB, true);
          continue;
        }
        assert.deepEqual(body.data, { broken: null });
        assert.equal(error.extensions?.code, 'UPSTREAM_MEMORY_EXHAUSTED');
        assert.equal(error.extensions?.serviceName, 'broken');
        refused++;
      }
      assert.ok(
        refused > 0 && refused < 20,
        `${refused} of 20 refused, peak ${budget.peak}, ${broken.requests()} requests`,
      );
      assert.ok(budget.peak <= 8 * MiB, `peak ${budget.peak}`);
      assert.equal(budget.inUse, 0);
      // Generous: the machine is shared; twenty answers read at once would be 40 MiB of bytes
      // alone, with their strings and parsed copies several times that.
      const grown = process.memoryUsage().rss - rssBefore;
      assert.ok(grown < 512 * MiB, `rss grew by ${Math.round(grown / MiB)} MiB`);
      const { body } = await gateway.query('{ hello }');
      assert.deepEqual(body, { data: { hello: 'world' } });
    } finally {
      await gateway.close();
      await broken.close();
    }
  });
});

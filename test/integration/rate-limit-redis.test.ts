/**
 * Rate limits shared through a real Redis (a `redis-server` of the test's own on a loopback
 * port): two gateway processes sharing it admit exactly the limit between them, for each
 * algorithm; when Redis is killed under load, `onStoreError: open` keeps serving from the
 * process's own count and `closed` refuses, nothing crashes, and sharing resumes by itself when
 * Redis is back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { type GatehouseProcess, spawnGatehouse } from '../helpers/cli.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { type RedisServer, redisMissing, startRedis } from '../helpers/redis-server.ts';

const ALGORITHMS = ['sliding-window', 'fixed-window', 'token-bucket', 'gcra'] as const;

let hello: RunningServer;
let redis: RedisServer;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-rl-redis-'));
  redis = await startRedis();
  hello = await serveGraphQL({
    schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
      Query: { hello: () => 'world' },
    }),
  });
});
after(async () => {
  await hello?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const post = async (url: string) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ hello }' }),
  });
  await response.arrayBuffer();
  return response.status;
};

const tally = (statuses: readonly number[]) => {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
};

describe('rate limits in Redis: two gateway processes', { skip: redisMissing }, () => {
  const processes: GatehouseProcess[] = [];
  const urls: string[] = [];
  before(async () => {
    const configFile = join(dir, 'two.yaml');
    writeFileSync(
      configFile,
      stringify({
        server: { host: '127.0.0.1', port: 0 },
        subgraphs: [{ name: 'hello', kind: 'federation', url: hello.url }],
        redis: { url: redis.url, keyPrefix: 'two:' },
        rateLimit: {
          store: 'redis',
          // Generous: two processes under test load on a shared machine; a slow answer is not the subject.
          storeTimeout: '2s',
          // One limit per algorithm, each on its own header: a run counts on exactly one of them.
          limits: ALGORITHMS.map((algorithm) => ({
            name: algorithm,
            by: `header:x-${algorithm}`,
            whenMissing: 'skip',
            limit: 50,
            window: '1h',
            algorithm,
          })),
        },
      }),
    );
    for (let i = 0; i < 2; i++) processes.push(spawnGatehouse(['start', '--config', configFile]));
    for (const p of processes) urls.push(`${await p.listening()}`);
  });
  after(() => {
    for (const p of processes) p.kill();
  });

  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: 200 concurrent requests split between them admit exactly 50`, async () => {
      const statuses = await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const response = await fetch(urls[i % 2]!, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [`x-${algorithm}`]: 'run' },
            body: JSON.stringify({ query: '{ hello }' }),
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      assert.deepEqual(tally(statuses), { 200: 50, 429: 150 });
    });
  }
});

describe('rate limits in Redis: Redis killed during load', { skip: redisMissing }, () => {
  it('open serves from the local count, closed refuses, and both resume when Redis is back', async () => {
    const gateway = await startTestGateway({
      subgraphs: [{ name: 'hello', kind: 'federation', url: hello.url }],
      redis: { url: redis.url, keyPrefix: 'kill:' },
      rateLimit: {
        store: 'redis',
        storeTimeout: '200ms',
        limits: [
          { name: 'open', by: 'global', limit: 1000, window: '1h', fallbackLimit: 5 },
          {
            name: 'closed-one',
            by: 'header:x-closed',
            whenMissing: 'skip',
            limit: 1000,
            window: '1h',
            onStoreError: 'closed',
          },
        ],
      },
    });
    const url = (await gateway.listen()).url;
    try {
      assert.equal(await post(url), 200);
      await redis.kill();
      // Down: the open limit counts 5 in this process; requests never crash the gateway.
      const whileDown = [];
      for (let i = 0; i < 8; i++) whileDown.push(await post(url));
      assert.deepEqual(tally(whileDown), { 200: 5, 429: 3 });
      const closed = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-closed': 'yes' },
        body: JSON.stringify({ query: '{ hello }' }),
      });
      assert.equal(closed.status, 429);
      // Refused by the closed limit (and by the open one's local count, spent above).
      const refusal = (await closed.json()) as { errors: { extensions: { limits: string[] } }[] };
      assert.ok(refusal.errors[0]?.extensions.limits.includes('closed-one'));
      await redis.restart();
      // Back: within a few seconds (reconnect, then the next try), requests are counted in Redis again.
      const deadline = Date.now() + 15_000;
      let status = 0;
      while (Date.now() < deadline && status !== 200) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        status = await post(url);
      }
      assert.equal(status, 200);
    } finally {
      await gateway.close();
    }
  });
});

/**
 * Limits on whole requests and on subgraph calls, black box through a gateway listening on
 * loopback with the memory store: HTTP 429 with `Retry-After` and RATE_LIMITED past the limit,
 * `RateLimit-Policy` and `RateLimit` on every response, counters per address / API key / header,
 * plans, trusted proxies, exactness under concurrency for each algorithm, and a subgraph limit
 * that nulls only the fields of the calls it stops.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashApiKey } from '../../gateway/auth/index.ts';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const ALGORITHMS = ['sliding-window', 'fixed-window', 'token-bucket', 'gcra'] as const;
const PRO_KEY = 'pro-key-0123456789';
const FREE_KEY = 'free-key-0123456789';

let hello: RunningServer;
let stock: RunningServer;
before(async () => {
  hello = await serveGraphQL({
    schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
      Query: { hello: () => 'world' },
    }),
  });
  stock = await serveGraphQL({
    schema: apolloSubgraph(`${fed2('@key')} type Query { stock: Int }`, { Query: { stock: () => 7 } }),
  });
});
after(async () => {
  await hello?.close();
  await stock?.close();
});

const subgraphs = () => [
  { name: 'hello', kind: 'federation' as const, url: hello.url },
  { name: 'stock', kind: 'federation' as const, url: stock.url },
];

interface Answer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { path?: unknown[]; extensions?: Record<string, unknown> }[];
  };
}

async function post(url: string, query: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

async function listening(config: Omit<GatehouseConfigInput, 'subgraphs'>, fastPath = true) {
  const gateway = await startTestGateway({ ...config, subgraphs: subgraphs(), server: { fastPath } });
  return { gateway, url: (await gateway.listen()).url };
}

describe('rate limits on requests', () => {
  for (const fastPath of [true, false]) {
    describe(fastPath ? 'JSON fast path' : "Yoga's path", () => {
      let gateway: TestGateway;
      let url: string;
      before(async () => {
        ({ gateway, url } = await listening(
          { rateLimit: { limits: [{ name: 'per-client', by: 'ip', limit: 3, window: '1h' }] } },
          fastPath,
        ));
      });
      after(() => gateway?.close());

      it('serves the limit, then answers 429 with Retry-After and RATE_LIMITED', async () => {
        for (let i = 0; i < 3; i++) {
          const ok = await post(url, '{ hello }');
          assert.equal(ok.status, 200);
          assert.deepEqual(ok.body.data, { hello: 'world' });
          assert.equal(ok.headers.get('ratelimit-policy'), '"per-client";q=3;w=3600');
          assert.match(ok.headers.get('ratelimit') ?? '', new RegExp(`^"per-client";r=${2 - i};t=\\d+$`));
        }
        const refused = await post(url, '{ hello }');
        assert.equal(refused.status, 429);
        assert.equal(refused.body.data, undefined);
        assert.equal(refused.body.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
        assert.equal(refused.body.errors?.[0]?.extensions?.limit, 'per-client');
        const retryAfter = Number(refused.headers.get('retry-after'));
        // A sliding window may need its current window and part of the next: up to 1⅓ h here.
        assert.ok(retryAfter >= 1 && retryAfter <= 2 * 3600, `Retry-After ${retryAfter}`);
        assert.equal(refused.body.errors?.[0]?.extensions?.retryAfter, retryAfter);
        assert.match(refused.headers.get('ratelimit') ?? '', /^"per-client";r=0;t=\d+$/);
      });
    });
  }

  it("counts API keys apart and gives each caller its plan's limit", async () => {
    const { gateway, url } = await listening({
      auth: {
        apiKeys: {
          keys: [
            { id: 'pro-app', sha256: hashApiKey(PRO_KEY), tenant: 'a', plan: 'pro' },
            { id: 'free-app', sha256: hashApiKey(FREE_KEY), tenant: 'b', plan: 'free' },
          ],
        },
      },
      rateLimit: {
        limits: [{ name: 'per-key', by: 'apiKey', limit: 1, window: '1h', plans: { pro: { limit: 3 } } }],
      },
    });
    try {
      const statuses = async (key: string) => {
        const out: number[] = [];
        for (let i = 0; i < 4; i++) out.push((await post(url, '{ hello }', { 'x-api-key': key })).status);
        return out;
      };
      assert.deepEqual(await statuses(PRO_KEY), [200, 200, 200, 429]);
      assert.deepEqual(await statuses(FREE_KEY), [200, 429, 429, 429]);
      // Anonymous callers are counted by address, not in the keys' counters.
      assert.equal((await post(url, '{ hello }')).status, 200);
    } finally {
      await gateway.close();
    }
  });

  it('counts by header, and by X-Forwarded-For only behind a trusted proxy', async () => {
    const { gateway, url } = await listening({
      rateLimit: {
        trustedProxies: ['127.0.0.1', '::1'],
        limits: [
          { name: 'per-team', by: 'header:x-team', limit: 1, window: '1h' },
          { name: 'per-ip', by: 'ip', limit: 2, window: '1h' },
        ],
      },
    });
    try {
      const as = (team: string, client: string) =>
        post(url, '{ hello }', { 'x-team': team, 'x-forwarded-for': client });
      assert.equal((await as('red', '203.0.113.1')).status, 200);
      const refused = await as('red', '203.0.113.2');
      assert.equal(refused.status, 429);
      assert.equal(refused.body.errors?.[0]?.extensions?.limit, 'per-team');
      // The refusal by per-team spent nothing of per-ip: 203.0.113.2 has its 2.
      assert.equal((await as('blue', '203.0.113.2')).status, 200);
      assert.equal((await as('green', '203.0.113.2')).status, 200);
      const byIp = await as('white', '203.0.113.2');
      assert.equal(byIp.status, 429);
      assert.deepEqual(byIp.body.errors?.[0]?.extensions?.limits, ['per-ip']);
    } finally {
      await gateway.close();
    }
  });

  for (const algorithm of ALGORITHMS) {
    it(`${algorithm}: 200 concurrent requests against a limit of 50 admit exactly 50`, async () => {
      const { gateway, url } = await listening({
        rateLimit: { limits: [{ name: 'exact', by: 'global', limit: 50, window: '1h', algorithm }] },
      });
      try {
        const answers = await Promise.all(Array.from({ length: 200 }, () => post(url, '{ hello }')));
        const counts = { 200: 0, 429: 0 } as Record<number, number>;
        for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
        assert.deepEqual(counts, { 200: 50, 429: 150 });
      } finally {
        await gateway.close();
      }
    });
  }
});

describe('rate limits on subgraph calls', () => {
  it("answers the limited subgraph's fields null with RATE_LIMITED and serves the rest", async () => {
    const { gateway, url } = await listening({
      rateLimit: { subgraphs: { stock: { limit: 2, window: '1h' } } },
    });
    try {
      for (let i = 0; i < 2; i++)
        assert.deepEqual((await post(url, '{ hello stock }')).body.data, { hello: 'world', stock: 7 });
      const limited = await post(url, '{ hello stock }');
      assert.equal(limited.status, 200);
      assert.deepEqual(limited.body.data, { hello: 'world', stock: null });
      assert.equal(limited.body.errors?.length, 1);
      assert.deepEqual(limited.body.errors?.[0]?.path, ['stock']);
      assert.equal(limited.body.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
      assert.equal(limited.body.errors?.[0]?.extensions?.serviceName, 'stock');
      // The other subgraph is not limited.
      assert.deepEqual((await post(url, '{ hello }')).body.data, { hello: 'world' });
    } finally {
      await gateway.close();
    }
  });
});

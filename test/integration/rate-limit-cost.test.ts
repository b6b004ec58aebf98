/**
 * Limits with `cost: operation`: a budget of demand-control cost points, spent at the operation
 * stage by the operation's estimated cost (`@cost`, `@listSize` of a composed federation
 * subgraph), on the JSON fast path and Yoga's path. Slicing variables far past a GraphQL Int
 * are refused as bad input (demand-control's unit tests hold the cost itself finite for them).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph } from '../federation/harness.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])
  type Query {
    books(first: Int): [Book!]! @listSize(slicingArguments: ["first"], assumedSize: 20)
    report: String @cost(weight: 30)
  }
  type Book @key(fields: "id") { id: ID! related(first: Int): [Book!]! @listSize(slicingArguments: ["first"]) }
`;
const book = (id: string) => ({ id, related: [] });
const resolvers = {
  Query: {
    books: (_: unknown, args: { first?: number }) => [book('b1'), book('b2')].slice(0, args.first ?? 2),
    report: () => 'ok',
  },
};

let catalog: RunningServer;
before(async () => {
  catalog = await serveGraphQL({ schema: apolloSubgraph(sdl, resolvers as never) });
});
after(() => catalog?.close());

async function post(url: string, query: string, variables?: Record<string, unknown>, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { extensions?: Record<string, unknown> }[];
  };
  return { status: response.status, headers: response.headers, body };
}

for (const fastPath of [true, false]) {
  describe(`cost budgets (${fastPath ? 'JSON fast path' : "Yoga's path"})`, () => {
    let gateway: TestGateway;
    let url: string;
    before(async () => {
      gateway = await startTestGateway({
        server: { fastPath },
        subgraphs: [{ name: 'catalog', kind: 'federation', url: catalog.url }],
        rateLimit: {
          limits: [
            {
              name: 'budget',
              by: 'header:x-tenant',
              whenMissing: 'skip',
              limit: 100,
              window: '1h',
              cost: 'operation',
            },
            { name: 'requests', by: 'header:x-other', whenMissing: 'skip', limit: 1000, window: '1h' },
          ],
        },
      });
      url = (await gateway.listen()).url;
    });
    after(() => gateway?.close());

    it('spends each operation its cost, and refuses the one that does not fit what is left', async () => {
      const tenant = { 'x-tenant': `t-${fastPath}` };
      // report: 30 points.
      for (let i = 0; i < 3; i++) {
        const ok = await post(url, '{ report }', undefined, tenant);
        assert.equal(ok.status, 200);
        assert.match(ok.headers.get('ratelimit') ?? '', new RegExp(`^"budget";r=${100 - 30 * (i + 1)};`));
      }
      // 10 left: 30 more does not fit, 5 books of weight 1 do.
      const refused = await post(url, '{ report }', undefined, tenant);
      assert.equal(refused.status, 429);
      assert.equal(refused.body.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
      assert.equal(refused.body.errors?.[0]?.extensions?.limit, 'budget');
      assert.equal((await post(url, '{ books(first: 5) { id } }', undefined, tenant)).status, 200);
    });

    it('says in RateLimit-Policy that a budget counts cost units, and a request limit does not', async () => {
      const both = await post(url, '{ report }', undefined, {
        'x-tenant': `qu-${fastPath}`,
        'x-other': `qu-${fastPath}`,
      });
      assert.equal(both.status, 200);
      assert.equal(
        both.headers.get('ratelimit-policy'),
        '"requests";q=1000;w=3600, "budget";q=100;w=3600;gatehouse-qu="cost"',
      );
    });

    it('refuses an operation that costs more than the whole limit, with t not below Retry-After', async () => {
      // 200 books: 200 points, more than the 100 of the limit, on a counter nothing has spent.
      const refused = await post(url, '{ books(first: 200) { id } }', undefined, {
        'x-tenant': `big-${fastPath}`,
      });
      assert.equal(refused.status, 429);
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.equal(retryAfter, 3600);
      const t = Number(/"budget";r=0;t=(\d+)/.exec(refused.headers.get('ratelimit') ?? '')?.[1]);
      assert.ok(t >= retryAfter, `t=${t} is below Retry-After ${retryAfter}`);
    });

    it('huge slicing variables are refused as bad input, having spent their finite estimate', async () => {
      const tenant = { 'x-tenant': `nan-${fastPath}`, 'x-other': `o-${fastPath}` };
      const query =
        'query($z: Int, $n: Int) { books(first: $z) { related(first: $n) { related(first: $n) { id } } } }';
      const huge = await post(url, query, { z: 0, n: 1e200 }, tenant);
      assert.equal(huge.status, 400);
      assert.equal(huge.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      const next = await post(url, '{ books(first: 1) { id } }', undefined, tenant);
      assert.equal(next.status, 200);
      // The refused operation was estimated (first: 0 → 0 points, spent as 1) before execution
      // checked its variables; then 1 book.
      assert.match(next.headers.get('ratelimit') ?? '', /"budget";r=98;/);
    });
  });
}

/**
 * Demand control through the whole gateway, over a federation subgraph declaring `@cost` and
 * `@listSize` (composed) and a REST API whose costs the config declares (`subgraphs[].cost`), all
 * on loopback: an operation over `maxCost` is refused before any upstream call with
 * COST_LIMIT_EXCEEDED (HTTP 400) and its cost; one under it is served; `extensions.cost` when the
 * request asks; `operationCostOf(request)` for later rooms; `mode: measure`; a config coordinate
 * the schema does not have stops the start.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requestOf } from '../../core/identity.ts';
import { operationCostOf } from '../../core/operation-cost.ts';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import type { Room } from '../../gateway/room.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph } from '../federation/harness.ts';
import { type RestServer, startRestServer } from '../fixtures/rest/rest-server.ts';
import { shopApi } from '../fixtures/rest/shop-api.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const shopSchemaFile = fileURLToPath(new URL('../fixtures/rest/shop.graphql', import.meta.url));

const catalogSdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@cost", "@listSize"])
  type Query {
    books(first: Int): [Book!]! @listSize(slicingArguments: ["first"], assumedSize: 20)
    report: String @cost(weight: 30)
  }
  type Book @key(fields: "id") { id: ID! title: String author: Author }
  type Author @cost(weight: 2) { name: String }
`;
const books = Array.from({ length: 5 }, (_, i) => ({
  id: `b${i}`,
  title: `Book ${i}`,
  author: { name: 'Ada' },
}));
const catalogResolvers = {
  Query: {
    books: (_: unknown, args: { first?: number }) => books.slice(0, args.first ?? books.length),
    report: () => 'ok',
  },
};

type Body = {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
};

async function post(
  gateway: TestGateway,
  query: string,
  options: { variables?: Record<string, unknown>; extensions?: Record<string, unknown> } = {},
): Promise<{ status: number; body: Body }> {
  const response = await gateway.yoga.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, ...options }),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

/** A room after demand control, as the rate-limit room will be: reads each operation's cost. */
const seen: Array<number | undefined> = [];
const costReader: Room = {
  name: 'cost-reader',
  plugin: {
    onExecute({ args }) {
      seen.push(operationCostOf(requestOf(args.contextValue)));
    },
  },
};

let catalog: RunningServer;
let shop: RestServer;
before(async () => {
  catalog = await serveGraphQL({ schema: apolloSubgraph(catalogSdl, catalogResolvers as never) });
  shop = await startRestServer(shopApi());
});
after(async () => {
  await catalog?.close();
  await shop?.close();
});

const subgraphs = (cost: Record<string, unknown> = {}): GatehouseConfigInput['subgraphs'] => [
  { kind: 'federation', name: 'catalog', url: catalog.url },
  {
    kind: 'rest',
    name: 'shop',
    url: shop.url,
    schemaFile: shopSchemaFile,
    cost: {
      'Query.products': { weight: 2, listSize: { slicingArguments: ['first'], assumedSize: 50 } },
      'Query.productCount': { weight: 7 },
      ...cost,
    },
  },
];

describe('demand control through the gateway', () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway(
      { subgraphs: subgraphs(), demandControl: { maxCost: 100 } },
      { rooms: [costReader] },
    );
  });
  after(() => gateway?.close());

  it('serves an operation under maxCost, with no extensions.cost unless asked', async () => {
    seen.length = 0;
    // 3 × (1 + 2): each book an object, each author @cost(weight: 2).
    const { status, body } = await post(gateway, '{ books(first: 3) { title author { name } } }');
    assert.equal(status, 200);
    assert.equal((body.data?.books as unknown[] | undefined)?.length, 3);
    assert.equal(body.extensions?.cost, undefined);
    assert.deepEqual(seen, [9]);
  });

  it('shows extensions.cost when the request asks for it', async () => {
    const { body } = await post(gateway, '{ books(first: 3) { title } report }', {
      extensions: { cost: true },
    });
    assert.deepEqual(body.extensions?.cost, { estimated: 3 + 30, max: 100 });
    assert.ok(body.data);
  });

  it('refuses an operation over maxCost before planning: COST_LIMIT_EXCEEDED, HTTP 400, its cost', async () => {
    const before = catalog.requests();
    seen.length = 0;
    const { status, body } = await post(gateway, 'query ($n: Int) { books(first: $n) { author { name } } }', {
      variables: { n: 40 },
    });
    assert.equal(status, 400);
    assert.equal(body.data, undefined);
    assert.equal(body.errors?.length, 1);
    assert.deepEqual(
      { ...body.errors?.[0]?.extensions, http: undefined },
      { code: 'COST_LIMIT_EXCEEDED', cost: 120, maxCost: 100, http: undefined },
    );
    assert.equal(catalog.requests(), before, 'no upstream call');
    assert.deepEqual(seen, [], 'later rooms never see a refused operation');
    // The same document with other variables: its cost is not kept across them.
    const small = await post(gateway, 'query ($n: Int) { books(first: $n) { author { name } } }', {
      variables: { n: 2 },
    });
    assert.equal(small.status, 200);
  });

  it('a REST API costs what the config declares', async () => {
    const before = shop.requests.length;
    const under = await post(gateway, '{ products(first: 4) { name } productCount }', {
      extensions: { cost: true },
    });
    assert.deepEqual(under.body.extensions?.cost, { estimated: 4 * (2 + 0) + 7, max: 100 });
    assert.equal((under.body.data?.products as unknown[] | undefined)?.length, 4);
    const shopCalls = shop.requests.length;
    assert.ok(shopCalls > before);
    // No slicing argument: assumedSize 50 × (2 + 1 for the seller object).
    const over = await post(gateway, '{ products { name seller { id } } }');
    assert.equal(over.status, 400);
    assert.equal(over.body.errors?.[0]?.extensions?.code, 'COST_LIMIT_EXCEEDED');
    assert.equal(over.body.errors?.[0]?.extensions?.cost, 150);
    assert.equal(shop.requests.length, shopCalls, 'no upstream call');
  });
});

describe('demand control: measure mode, defaults, the JSON fast path, startup errors', () => {
  it('with no demandControl config, nothing is refused and later rooms still read the cost', async () => {
    const gateway = await startTestGateway({ subgraphs: subgraphs() }, { rooms: [costReader] });
    try {
      seen.length = 0;
      const { status, body } = await post(gateway, '{ books { author { name } } }');
      assert.equal(status, 200);
      assert.equal(body.extensions?.cost, undefined);
      assert.deepEqual(seen, [20 * 3]);
      const asked = await post(gateway, '{ books { id } }', { extensions: { cost: true } });
      assert.deepEqual(asked.body.extensions?.cost, { estimated: 20, max: null });
    } finally {
      await gateway.close();
    }
  });

  it('over a socket, on the JSON fast path: refused with 400, and extensions.cost when asked', async () => {
    const gateway = await startTestGateway({ subgraphs: subgraphs(), demandControl: { maxCost: 50 } });
    try {
      const { url } = await gateway.listen();
      const send = async (body: Record<string, unknown>) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
          body: JSON.stringify(body),
        });
        return { status: response.status, body: (await response.json()) as Body };
      };
      const over = await send({ query: '{ books { author { name } } }' });
      assert.equal(over.status, 400);
      assert.equal(over.body.errors?.[0]?.extensions?.code, 'COST_LIMIT_EXCEEDED');
      const asked = await send({ query: '{ books(first: 2) { id } }', extensions: { cost: true } });
      assert.equal(asked.status, 200);
      assert.deepEqual(asked.body.extensions?.cost, { estimated: 2, max: 50 });
    } finally {
      await gateway.close();
    }
  });

  it('mode measure serves operations over maxCost and shows their cost (exposeCost: always)', async () => {
    const gateway = await startTestGateway({
      subgraphs: subgraphs(),
      demandControl: { maxCost: 10, mode: 'measure', exposeCost: 'always' },
    });
    try {
      const { status, body } = await post(gateway, '{ books { id } report }');
      assert.equal(status, 200);
      assert.deepEqual(body.extensions?.cost, { estimated: 20 + 30, max: 10 });
      assert.equal((body.data?.books as unknown[] | undefined)?.length, 5);
    } finally {
      await gateway.close();
    }
  });

  it('a config coordinate the schema does not have stops the start with CONFIG_INVALID', async () => {
    await assert.rejects(
      startTestGateway({ subgraphs: subgraphs({ 'Query.nope': { weight: 1 } }) }),
      (error: Error & { code?: string; problems?: string[] }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.deepEqual(error.problems, [
          'subgraphs[shop].cost["Query.nope"]: type Query has no field nope; use a coordinate of the schema',
        ]);
        return true;
      },
    );
  });
});

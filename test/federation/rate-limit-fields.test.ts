/**
 * Field rate limits declared by the subgraphs (`@rateLimit` shared with `@composeDirective`), on
 * both engines: over a limit, only that field is null with RATE_LIMITED at its path and the rest
 * is served; each selection counts once per operation (per estimated list item when asked);
 * fields a policy refuses, or `@skip` leaves out, spend nothing.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { as, type PolicyCase, startPolicyCase } from '../helpers/policies.ts';
import { type ApolloResolvers, apolloSubgraph, ENGINES } from './harness.ts';

const header = (...imports: string[]) => `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: [${imports.map((i) => `"${i}"`).join(', ')}])
  @link(url: "https://gatehouse.dev/rateLimit/v0.1", import: ["@rateLimit"])
  @composeDirective(name: "@rateLimit")
directive @rateLimit(limit: Int!, window: String!, by: [String!], cost: Int) on FIELD_DEFINITION
`;

const catalogSdl = `${header('@key', '@composeDirective', '@authenticated', '@listSize')}
  type Query {
    hello: String
    expensive: String @rateLimit(limit: 2, window: "1m", by: ["global"])
    perCaller: String @rateLimit(limit: 1, window: "1m", by: ["sub"])
    guarded: String @authenticated @rateLimit(limit: 1, window: "1m", by: ["global"])
    products: [Product!]! @listSize(assumedSize: 3)
    items: [Item!]!
    nodes: [Node!]!
    motd: String
  }
  interface Node { id: ID! child: Leaf }
  type NA implements Node { id: ID! child: Leaf @authenticated }
  type NB implements Node { id: ID! child: Leaf }
  type Leaf { x: String @rateLimit(limit: 1, window: "1m", by: ["global"]) }
  type Product @key(fields: "id") {
    id: ID!
    price: Int @rateLimit(limit: 2, window: "1m", by: ["global"])
    stock: Int @rateLimit(limit: 5, window: "1m", by: ["global"])
  }
  interface Item { id: ID! detail: String @rateLimit(limit: 2, window: "1m", by: ["global"]) }
  type A implements Item { id: ID! detail: String }
  type B implements Item { id: ID! detail: String }
`;

const products = [
  { id: 'p1', price: 10, stock: 1 },
  { id: 'p2', price: 20, stock: 2 },
];
const resolvers = {
  Query: {
    hello: () => 'hi',
    expensive: () => 'costly',
    perCaller: () => 'mine',
    guarded: () => 'secret',
    products: () => products,
    items: () => [
      { __typename: 'A', id: 'a1', detail: 'da' },
      { __typename: 'B', id: 'b1', detail: 'db' },
    ],
    nodes: () => [{ __typename: 'NB', id: 'n1', child: { x: 'X' } }],
    motd: () => 'welcome',
  },
  Item: { __resolveType: (item: { __typename: string }) => item.__typename },
  Node: { __resolveType: (node: { __typename: string }) => node.__typename },
  Product: { __resolveReference: (ref: { id: string }) => products.find((p) => p.id === ref.id) },
} as unknown as ApolloResolvers;

type Body = Awaited<ReturnType<PolicyCase['gateway']['query']>>['body'];
const errorsOf = (body: Body) =>
  (body.errors ?? [])
    .flatMap((e) =>
      ((e.extensions?.paths as Array<Array<string | number>> | undefined) ?? [e.path]).map((path) => ({
        path,
        code: e.extensions?.code,
        limit: e.extensions?.limit,
      })),
    )
    .sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));

for (const engine of ENGINES) {
  describe(`field rate limits from subgraph SDL (engine: ${engine})`, () => {
    const cases: Array<Promise<PolicyCase>> = [];
    /** A gateway of its own per test: counters start empty. */
    const start = (config: Parameters<typeof startPolicyCase>[1] = {}) => {
      const running = startPolicyCase(
        { catalog: apolloSubgraph(catalogSdl, resolvers) },
        { engine, ...config },
      );
      cases.push(running);
      return running;
    };
    after(async () => {
      for (const running of cases) await (await running)[Symbol.asyncDispose]();
    });

    it('over the limit, only that field is null with RATE_LIMITED at its path', async () => {
      const { gateway } = await start();
      for (let i = 0; i < 2; i++) {
        const { body, headers } = await gateway.query('{ hello expensive }');
        assert.deepEqual(body, { data: { hello: 'hi', expensive: 'costly' } });
        assert.match(headers.get('ratelimit-policy') ?? '', /"Query\.expensive";q=2;w=60/);
        assert.match(headers.get('ratelimit') ?? '', new RegExp(`"Query\\.expensive";r=${1 - i};`));
      }
      const { status, body } = await gateway.query('{ hello expensive }');
      assert.equal(status, 200);
      assert.deepEqual(body.data, { hello: 'hi', expensive: null });
      assert.deepEqual(errorsOf(body), [
        { path: ['expensive'], code: 'RATE_LIMITED', limit: 'Query.expensive' },
      ]);
      const retryAfter = body.errors?.[0]?.extensions?.retryAfter as number;
      // A sliding window frees a unit once the previous window has decayed enough: within 2 windows.
      assert.ok(retryAfter >= 1 && retryAfter <= 120, `retryAfter ${retryAfter}`);
      // An operation without the field is not counted, and not touched.
      assert.deepEqual((await gateway.query('{ hello }')).body, { data: { hello: 'hi' } });
    });

    it('aliases count apart; the same key in several fragments once; @skip spends nothing', async () => {
      const { gateway } = await start();
      const skipped = await gateway.query('query ($s: Boolean!) { hello expensive @skip(if: $s) }', {
        s: true,
      });
      assert.deepEqual(skipped.body, { data: { hello: 'hi' } });
      const once = await gateway.query(
        '{ expensive ... on Query { expensive } ...F } fragment F on Query { expensive }',
      );
      assert.deepEqual(once.body, { data: { expensive: 'costly' } });
      // One unit left: two aliases need two; the first admitted field keeps the counter exact.
      const twice = await gateway.query('{ a: expensive b: expensive }');
      assert.deepEqual(twice.body.data, { a: null, b: null });
      assert.deepEqual(
        errorsOf(twice.body).map((e) => e.path),
        [['a'], ['b']],
      );
      const last = await gateway.query('{ expensive }');
      assert.deepEqual(last.body, { data: { expensive: 'costly' } });
    });

    it('a field in a list counts once per operation: every item null once it is spent', async () => {
      const { gateway } = await start();
      for (let i = 0; i < 2; i++) {
        const { body } = await gateway.query('{ products { id price } }');
        assert.deepEqual(body, {
          data: {
            products: [
              { id: 'p1', price: 10 },
              { id: 'p2', price: 20 },
            ],
          },
        });
      }
      const { body } = await gateway.query('{ products { id price stock } }');
      assert.deepEqual(body.data, {
        products: [
          { id: 'p1', price: null, stock: 1 },
          { id: 'p2', price: null, stock: 2 },
        ],
      });
      assert.deepEqual(errorsOf(body), [
        { path: ['products', 0, 'price'], code: 'RATE_LIMITED', limit: 'Product.price' },
        { path: ['products', 1, 'price'], code: 'RATE_LIMITED', limit: 'Product.price' },
      ]);
    });

    it('countListItems: once per estimated item (@listSize)', async () => {
      const { gateway } = await start({ rateLimit: { fields: { countListItems: true } } });
      // Three items assumed: the first operation spends 3 of 5, the second needs 3 of the 2 left.
      const first = await gateway.query('{ products { stock } }');
      assert.equal(first.body.errors, undefined);
      // Counted in estimated items, not selections: the policy says its unit.
      assert.match(
        first.headers.get('ratelimit-policy') ?? '',
        /"Product\.stock";q=5;w=60;gatehouse-qu="cost"/,
      );
      const second = await gateway.query('{ products { stock } }');
      assert.deepEqual(errorsOf(second.body).length, 2);
      assert.equal(second.body.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    });

    it("an interface's limit is one counter for every implementation", async () => {
      const { gateway } = await start();
      const { body, headers } = await gateway.query('{ items { id detail } }');
      assert.deepEqual(body, {
        data: {
          items: [
            { id: 'a1', detail: 'da' },
            { id: 'b1', detail: 'db' },
          ],
        },
      });
      // One path spends once, however many implementations share the interface's limit.
      assert.match(headers.get('ratelimit') ?? '', /"Item\.detail";r=1;/);
      const second = await gateway.query('{ items { id ... on A { detail } } }');
      assert.deepEqual(second.body, { data: { items: [{ id: 'a1', detail: 'da' }, { id: 'b1' }] } });
      // Spent: refused for every implementation, each item's field null at its path.
      const spent = await gateway.query('{ items { id detail } }');
      assert.deepEqual(spent.body.data, {
        items: [
          { id: 'a1', detail: null },
          { id: 'b1', detail: null },
        ],
      });
      assert.deepEqual(errorsOf(spent.body), [
        { path: ['items', 0, 'detail'], code: 'RATE_LIMITED', limit: 'Item.detail' },
        { path: ['items', 1, 'detail'], code: 'RATE_LIMITED', limit: 'Item.detail' },
      ]);
    });

    it('by: ["sub"] counts each caller apart; a field a policy refuses spends nothing', async () => {
      const { gateway } = await start();
      const ada = await gateway.query('{ perCaller }', undefined, as({ sub: 'ada' }));
      assert.deepEqual(ada.body, { data: { perCaller: 'mine' } });
      const bob = await gateway.query('{ perCaller }', undefined, as({ sub: 'bob' }));
      assert.deepEqual(bob.body, { data: { perCaller: 'mine' } });
      const again = await gateway.query('{ perCaller }', undefined, as({ sub: 'ada' }));
      assert.deepEqual(errorsOf(again.body), [
        { path: ['perCaller'], code: 'RATE_LIMITED', limit: 'Query.perCaller' },
      ]);
      // Anonymous: UNAUTHENTICATED, and the limit of 1 is left whole for a caller who may see it.
      for (let i = 0; i < 3; i++) {
        const anonymous = await gateway.query('{ guarded }');
        assert.deepEqual(errorsOf(anonymous.body), [
          { path: ['guarded'], code: 'UNAUTHENTICATED', limit: undefined },
        ]);
      }
      const signedIn = await gateway.query('{ guarded }', undefined, as({ sub: 'ada' }));
      assert.deepEqual(signedIn.body, { data: { guarded: 'secret' } });
    });

    it('a policy on one implementation does not hide a limited field under the others', async () => {
      const { gateway } = await start();
      // Anonymous: NA.child is refused, NB.child is not; the node is an NB, so x runs and counts.
      const first = await gateway.query('{ nodes { id child { x } } }');
      assert.deepEqual(first.body, { data: { nodes: [{ id: 'n1', child: { x: 'X' } }] } });
      const second = await gateway.query('{ nodes { id child { x } } }');
      assert.deepEqual(errorsOf(second.body), [
        { path: ['nodes', 0, 'child', 'x'], code: 'RATE_LIMITED', limit: 'Leaf.x' },
      ]);
    });

    it('nothing is spent for an operation a policy rejects, or whose variables do not coerce', async () => {
      const { gateway } = await start({ policies: { onDenied: 'reject' } });
      for (let i = 0; i < 3; i++) {
        const rejected = await gateway.query('{ expensive guarded }');
        assert.equal(rejected.status, 401);
        const invalid = await gateway.query('query ($s: Boolean!) { expensive @skip(if: $s) }', { s: 'no' });
        assert.equal(invalid.body.data, undefined);
      }
      const { body, headers } = await gateway.query('{ expensive }');
      assert.deepEqual(body, { data: { expensive: 'costly' } });
      assert.match(headers.get('ratelimit') ?? '', /"Query\.expensive";r=1;/);
    });

    it('onExceeded: reject refuses the operation with 429 and spends no other limit', async () => {
      const { gateway } = await start({ rateLimit: { fields: { onExceeded: 'reject' } } });
      await gateway.query('{ expensive }');
      await gateway.query('{ expensive }');
      const refused = await gateway.query('{ hello expensive products { stock } }');
      assert.equal(refused.status, 429);
      assert.equal(refused.body.data, undefined);
      assert.equal(refused.body.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      // Product.stock spent nothing: its 5 are whole.
      const stock = await gateway.query('{ products { stock } }');
      assert.match(stock.headers.get('ratelimit') ?? '', /"Product\.stock";r=4;/);
    });
  });
}

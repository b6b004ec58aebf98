/**
 * The response cache with `@cacheControl` declared by a federation subgraph (shared with
 * `@composeDirective`) and in the config for a plain GraphQL service: a cacheable query is
 * answered from the cache (the subgraph is not asked again) with `Cache-Control`, `Age` and
 * `ETag`, and a 304 for `If-None-Match`; what is not cacheable says `no-store` and always runs;
 * a `PRIVATE` answer is only ever served to the caller it was made for, never to an anonymous one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { parse } from 'graphql';
import { composeSubgraphs } from '../../schema/compose.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { as, type PolicyCase, startPolicyCase } from '../helpers/policies.ts';

/** A GET through the gateway's whole pipeline (status, headers, text). */
async function get(running: PolicyCase, query: string, headers: Record<string, string> = {}) {
  const response = await running.gateway.yoga.fetch(
    `http://gateway/graphql?query=${encodeURIComponent(query)}`,
    { headers: { accept: 'application/json', ...headers } },
  );
  return { status: response.status, headers: response.headers, text: await response.text() };
}

import { type ApolloResolvers, apolloSubgraph } from './harness.ts';

const catalogSdl = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@composeDirective", "@authenticated"])
  @link(url: "https://gatehouse.dev/cacheControl/v0.1", import: ["@cacheControl"])
  @composeDirective(name: "@cacheControl")
enum CacheControlScope { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
type Query {
  products: [Product!]! @cacheControl(maxAge: 60)
  short: [Product!]! @cacheControl(maxAge: 5)
  me: Account @cacheControl(maxAge: 30, scope: PRIVATE)
  uncached: [Product!]!
  now: String
}
type Product @key(fields: "id") @cacheControl(maxAge: 120) {
  id: ID!
  name: String
  secret: String @authenticated
  related: [Product!]!
}
type Account @cacheControl(maxAge: 30) { id: ID! name: String }
type Mutation { rename(id: ID!, name: String!): Product }
`;

const products = [
  { id: 'p1', name: 'Table', secret: 's1', related: [] as unknown[] },
  { id: 'p2', name: 'Chair', secret: 's2', related: [] as unknown[] },
];
let clock = 0;
const resolvers = {
  Query: {
    products: () => products,
    short: () => products,
    me: (_: unknown, __: unknown, context: { headers?: Record<string, string | undefined> }) => {
      const sub =
        (JSON.parse(context.headers?.['x-test-identity'] ?? '{}') as { sub?: string }).sub ?? 'nobody';
      return { id: sub, name: `name of ${sub}` };
    },
    uncached: () => products,
    now: () => String(++clock),
  },
  Mutation: {
    rename: (_: unknown, args: { id: string; name: string }) => {
      const product = products.find((p) => p.id === args.id)!;
      product.name = args.name;
      return product;
    },
  },
  Product: { __resolveReference: (ref: { id: string }) => products.find((p) => p.id === ref.id) },
} as unknown as ApolloResolvers;

/** A POST through the gateway's whole pipeline, as `fetch` would send it (status, headers, text). */
async function post(
  running: PolicyCase,
  query: string,
  headers: Record<string, string>,
  extensions?: Record<string, unknown>,
) {
  const response = await running.gateway.yoga.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, extensions }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('response cache', () => {
  let catalog: RunningServer;
  let running: PolicyCase;
  before(async () => {
    catalog = await serveGraphQL({
      schema: apolloSubgraph(catalogSdl, resolvers),
      context: (request) => ({ headers: request.headers }),
    });
    running = await startPolicyCase(
      {},
      {
        subgraphs: [{ kind: 'federation', name: 'catalog', url: catalog.url }],
        headers: { all: { request: [{ propagate: { named: 'x-test-identity' } }] } },
      },
    );
  });
  after(async () => {
    await running?.[Symbol.asyncDispose]();
    await catalog?.close();
  });
  const asked = () => catalog.requests();

  it('serves a cacheable query from the cache, with its policy, age and validator', async () => {
    const { gateway } = running;
    const first = await gateway.query('{ products { id name } }');
    assert.deepEqual(first.body, {
      data: {
        products: [
          { id: 'p1', name: 'Table' },
          { id: 'p2', name: 'Chair' },
        ],
      },
    });
    assert.equal(first.headers.get('cache-control'), 'max-age=60, public');
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^W\/"[\w-]+"$/);
    assert.equal(first.headers.get('age'), null);
    const before = asked();
    const second = await gateway.query('{ products { id name } }');
    assert.deepEqual(second.body, first.body);
    assert.equal(asked(), before, 'the subgraph was not asked again');
    assert.equal(second.headers.get('cache-control'), 'max-age=60, public');
    assert.equal(second.headers.get('age'), '0');
    assert.equal(second.headers.get('etag'), etag);
    // Variables and the operation name are part of the key; the same values in another order
    // share it.
    const third = await gateway.query('query Q { products { id name } }');
    assert.equal(asked(), before + 1);
    assert.equal(third.headers.get('cache-control'), 'max-age=60, public');
  });

  it('an answer from the cache is sent as kept, with what later rooms add (the cost asked for)', async () => {
    const query = '{ products { id name } }';
    await running.gateway.query(query);
    const hit = await post(running, query, {}, { cost: true });
    assert.equal(hit.headers.get('age'), '0');
    const body = JSON.parse(hit.text) as { data: unknown; extensions?: { cost?: unknown } };
    assert.deepEqual(body.data, {
      products: [
        { id: 'p1', name: 'Table' },
        { id: 'p2', name: 'Chair' },
      ],
    });
    assert.ok(body.extensions?.cost, 'the cost is spliced after the kept data');
  });

  it('a client header the header rules forward to a subgraph is part of the key', async () => {
    const { gateway } = running;
    // The rules forward `x-test-identity`: the subgraph could answer differently for each value.
    const before = asked();
    await gateway.query('{ products { name } }', undefined, as({ sub: 'carol' }));
    await gateway.query('{ products { name } }', undefined, as({ sub: 'dave' }));
    assert.equal(asked(), before + 2, 'one entry per forwarded value');
    await gateway.query('{ products { name } }', undefined, as({ sub: 'carol' }));
    assert.equal(asked(), before + 2);
  });

  it('answers a GET 304 without a body when If-None-Match names the kept answer; a POST gets it', async () => {
    const first = await get(running, '{ short { id } }');
    const etag = first.headers.get('etag')!;
    const response = await get(running, '{ short { id } }', { 'if-none-match': `W/"other", ${etag}` });
    assert.equal(response.status, 304);
    assert.equal(response.text, '');
    assert.equal(response.headers.get('etag'), etag);
    assert.equal(response.headers.get('cache-control'), 'max-age=5, public');
    // `*` is not honoured: nobody learns whether someone else's answer is kept.
    assert.equal((await get(running, '{ short { id } }', { 'if-none-match': '*' })).status, 200);
    // A POST is answered in full (304 is for GET and HEAD).
    const posted = await post(running, '{ short { id } }', { 'if-none-match': etag });
    assert.equal(posted.status, 200);
    assert.deepEqual(JSON.parse(posted.text), { data: { short: [{ id: 'p1' }, { id: 'p2' }] } });
  });

  it('over HTTP: a JSON POST (the fast path) from the cache, a GET (Yoga) 304 with no content', async () => {
    const { url } = await running.gateway.listen();
    const post = (headers: Record<string, string> = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ products { id } }' }),
      });
    const first = await post();
    const etag = first.headers.get('etag')!;
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'max-age=60, public');
    const again = await post({ 'if-none-match': etag });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), await first.json());
    assert.equal(again.headers.get('age'), '0');
    const get = (headers: Record<string, string> = {}) =>
      fetch(`${url}?query=${encodeURIComponent('{ products { id } }')}`, {
        headers: { accept: 'application/json', ...headers },
      });
    const viaGet = await get();
    assert.equal(viaGet.status, 200);
    assert.equal(viaGet.headers.get('etag'), etag, 'the same answer, the same validator');
    const getNotModified = await get({ 'if-none-match': etag });
    assert.equal(getNotModified.status, 304);
    assert.equal(await getNotModified.text(), '');
    assert.equal(getNotModified.headers.get('content-length'), null);
    assert.equal(getNotModified.headers.get('content-type'), null);
  });

  it('an operation a field policy took fields out of is never kept nor served from the cache', async () => {
    const { gateway } = running;
    const ada = await gateway.query('{ products { id secret } }', undefined, as({ sub: 'ada' }));
    assert.deepEqual(ada.body.data, {
      products: [
        { id: 'p1', secret: 's1' },
        { id: 'p2', secret: 's2' },
      ],
    });
    // Ada's request carried a caller: a shared HTTP cache must not keep it.
    assert.equal(ada.headers.get('cache-control'), 'max-age=60, private');
    const anonymous = await gateway.query('{ products { id secret } }');
    assert.deepEqual(anonymous.body.data, {
      products: [
        { id: 'p1', secret: null },
        { id: 'p2', secret: null },
      ],
    });
    assert.equal(anonymous.body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.equal(anonymous.headers.get('cache-control'), 'no-store');
  });

  it('a field without a policy, a mutation and an answer with errors are not kept', async () => {
    const { gateway } = running;
    // `Query.now` is a root field without a policy: defaultMaxAge 0.
    const a = await gateway.query('{ now products { id } }');
    const b = await gateway.query('{ now products { id } }');
    assert.notDeepEqual(a.body, b.body, 'ran twice');
    assert.equal(b.headers.get('cache-control'), 'no-store');
    // `Product.related` returns objects and has no field policy: the type's maxAge 120 applies.
    const related = await gateway.query('{ products { related { id } } }');
    assert.equal(related.headers.get('cache-control'), 'max-age=60, public');
    const mutation = await gateway.query('mutation { rename(id: "p2", name: "Chair") { id } }');
    assert.equal(mutation.headers.get('cache-control'), 'no-store');
    const failing = await gateway.query('{ products { id } unknownField }');
    assert.equal(failing.status, 400);
  });

  it('a PRIVATE answer is served to its caller only, and never cached without one', async () => {
    const { gateway } = running;
    const before = asked();
    const ada = await gateway.query('{ me { id name } }', undefined, as({ sub: 'ada' }));
    assert.deepEqual(ada.body, { data: { me: { id: 'ada', name: 'name of ada' } } });
    assert.equal(ada.headers.get('cache-control'), 'max-age=30, private');
    const bob = await gateway.query('{ me { id name } }', undefined, as({ sub: 'bob' }));
    assert.deepEqual(bob.body, { data: { me: { id: 'bob', name: 'name of bob' } } });
    assert.equal(asked(), before + 2, 'each caller asked the subgraph once');
    const adaAgain = await gateway.query('{ me { id name } }', undefined, as({ sub: 'ada' }));
    assert.deepEqual(adaAgain.body, ada.body);
    assert.equal(adaAgain.headers.get('age'), '0');
    assert.equal(asked(), before + 2, 'served from the cache');
    // Bob's validator does not get Ada's answer: a 304 is only for the caller's own entry.
    const bobWithAdasTag = await post(running, '{ me { id name } }', {
      'if-none-match': ada.headers.get('etag')!,
      ...as({ sub: 'bob' }),
    });
    assert.equal(bobWithAdasTag.status, 200);
    assert.deepEqual(JSON.parse(bobWithAdasTag.text), bob.body);
    // Anonymous: runs each time, never kept.
    const anonymous = await gateway.query('{ me { id } }');
    await gateway.query('{ me { id } }');
    assert.equal(anonymous.headers.get('cache-control'), 'no-store');
    assert.equal(asked(), before + 4);
  });
});

describe('response cache: policies from the config (a plain GraphQL service)', () => {
  let hr: RunningServer;
  let running: PolicyCase;
  before(async () => {
    hr = await serveGraphQL({
      schema: makeExecutableSchema({
        typeDefs: 'type Query { motd: String staff: [Person!] } type Person { id: ID! name: String }',
        resolvers: { Query: { motd: () => 'welcome', staff: () => [{ id: '1', name: 'Ada' }] } },
      }),
    });
    running = await startPolicyCase(
      {},
      {
        subgraphs: [
          {
            kind: 'graphql',
            name: 'hr',
            url: hr.url,
            cacheControl: {
              'Query.motd': { maxAge: 10 },
              Person: { maxAge: 20 },
              'Query.staff': { maxAge: 40 },
            },
          },
        ],
      },
    );
  });
  after(async () => {
    await running?.[Symbol.asyncDispose]();
    await hr?.close();
  });

  it('takes the smallest maxAge of the fields selected; a field policy overrides its type', async () => {
    const { gateway } = running;
    const both = await gateway.query('{ motd staff { id name } }');
    assert.equal(both.headers.get('cache-control'), 'max-age=10, public');
    const staff = await gateway.query('{ staff { id name } }');
    assert.equal(staff.headers.get('cache-control'), 'max-age=40, public');
    const before = hr.requests();
    await gateway.query('{ staff { id name } }');
    assert.equal(hr.requests(), before);
  });
});

describe('response cache: header rules that send the caller to subgraphs', () => {
  it('keys every answer by its caller; anonymous callers share theirs', async () => {
    const hr = await serveGraphQL({
      schema: makeExecutableSchema({
        typeDefs: 'type Query { motd: String }',
        resolvers: { Query: { motd: () => 'welcome' } },
      }),
    });
    try {
      await using running = await startPolicyCase(
        {},
        {
          subgraphs: [
            { kind: 'graphql', name: 'hr', url: hr.url, cacheControl: { 'Query.motd': { maxAge: 60 } } },
          ],
          headers: { all: { request: [{ insert: { name: 'x-user', identity: 'subject' } }] } },
        },
      );
      const { gateway } = running;
      const before = hr.requests();
      const ada = await gateway.query('{ motd }', undefined, as({ sub: 'ada' }));
      assert.equal(ada.headers.get('cache-control'), 'max-age=60, private');
      await gateway.query('{ motd }', undefined, as({ sub: 'bob' }));
      await gateway.query('{ motd }', undefined, as({ sub: 'ada' }));
      assert.equal(hr.requests(), before + 2, 'one entry per caller');
      // Another token of Ada's with another tenant claim: the rules may send it, so it is apart.
      await gateway.query('{ motd }', undefined, as({ sub: 'ada', claims: { tenant: 't2' } }));
      assert.equal(hr.requests(), before + 3);
      await gateway.query('{ motd }');
      await gateway.query('{ motd }');
      assert.equal(hr.requests(), before + 4, 'one entry for anonymous callers');
    } finally {
      await hr.close();
    }
  });
});

describe('response cache: stale-if-error', () => {
  it('serves the last good answer with a warning while a backend is down, within the window only', async () => {
    let motd = 'welcome';
    const hr = await serveGraphQL({
      schema: makeExecutableSchema({
        typeDefs: 'type Query { motd: String }',
        resolvers: { Query: { motd: () => motd } },
      }),
    });
    await using running = await startPolicyCase(
      {},
      {
        subgraphs: [
          { kind: 'graphql', name: 'hr', url: hr.url, cacheControl: { 'Query.motd': { maxAge: 1 } } },
        ],
        cache: { staleIfError: 2 },
      },
    );
    const { gateway } = running;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    assert.deepEqual((await gateway.query('{ motd }')).body, { data: { motd: 'welcome' } });
    await sleep(1_100);
    // Past its maxAge, with the backend up: run again, and the new answer is kept.
    motd = 'hello';
    assert.deepEqual((await gateway.query('{ motd }')).body, { data: { motd: 'hello' } });
    await sleep(1_100);
    await hr.close();
    const stale = await gateway.query('{ motd }');
    assert.equal(stale.status, 200);
    assert.deepEqual(stale.body.data, { motd: 'hello' });
    assert.equal(stale.body.errors, undefined);
    const extensions = (stale.body as { extensions?: { warnings?: { code: string; age: number }[] } })
      .extensions;
    const warnings = extensions?.warnings;
    assert.equal(warnings?.[0]?.code, 'STALE_IF_ERROR');
    assert.ok((warnings?.[0]?.age ?? 0) >= 1);
    assert.equal(stale.headers.get('cache-control'), 'max-age=0, public');
    await sleep(2_000);
    // Past maxAge + staleIfError: the entry is gone, and the failure is the answer.
    const failed = await gateway.query('{ motd }');
    assert.equal(failed.body.errors?.[0]?.extensions?.code, 'SUBGRAPH_UNAVAILABLE');
    assert.equal(failed.headers.get('cache-control'), 'no-store');
  });
});

describe('response cache: policies the gateway cannot read keep the schema out of service', () => {
  it('a config coordinate that is not the subgraph’s, and a @cacheControl with a bad argument', async () => {
    const hr = await serveGraphQL({
      schema: makeExecutableSchema({ typeDefs: 'type Query { motd: String }', resolvers: {} }),
    });
    try {
      await assert.rejects(
        startPolicyCase(
          {},
          {
            subgraphs: [
              { kind: 'graphql', name: 'hr', url: hr.url, cacheControl: { 'Query.nope': { maxAge: 5 } } },
            ],
          },
        ),
        (error: Error & { code?: string; problems?: string[] }) => {
          assert.equal(error.code, 'CONFIG_INVALID');
          assert.match(
            (error.problems ?? [error.message]).join('\n'),
            /subgraphs\[hr\]\.cacheControl\["Query\.nope"\]/,
          );
          return true;
        },
      );
    } finally {
      await hr.close();
    }
    const sdl = catalogSdl.replace('@cacheControl(maxAge: 60)', '@cacheControl(maxAge: -1)');
    await assert.rejects(
      startPolicyCase({ catalog: apolloSubgraph(sdl, resolvers) }, {}),
      (error: Error & { code?: string; problems?: string[] }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(
          (error.problems ?? [error.message]).join('\n'),
          /Query\.products: @cacheControl\(maxAge:\)/,
        );
        return true;
      },
    );
  });

  it('a subgraph that links the cacheControl spec without composing it does not compose', () => {
    const sdl = catalogSdl.replace('  @composeDirective(name: "@cacheControl")\n', '');
    const result = composeSubgraphs([
      { name: 'catalog', typeDefs: parse(sdl), url: 'http://127.0.0.1:9/graphql' },
    ]);
    assert.equal(result.supergraphSdl, undefined);
    assert.equal(result.problems?.[0]?.code, 'GATEWAY_DIRECTIVE_NOT_COMPOSED');
    assert.match(result.problems?.[0]?.message ?? '', /@composeDirective\(name: "@cacheControl"\)/);
  });
});

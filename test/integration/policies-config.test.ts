/**
 * Field policies declared in the config (`subgraphs[].policies`) for backends whose SDL cannot
 * carry them: a plain GraphQL service and a REST API, on both engines; named policies as claim
 * rules and as (async) functions; `onDenied: reject`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GatehouseConfigInput } from '../../gateway/config/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { ENGINES } from '../federation/harness.ts';
import { type RestServer, startRestServer } from '../fixtures/rest/rest-server.ts';
import { shopApi } from '../fixtures/rest/shop-api.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { as, startPolicyCase } from '../helpers/policies.ts';

const shopSchemaFile = fileURLToPath(new URL('../fixtures/rest/shop.graphql', import.meta.url));

const hrSchema = makeExecutableSchema({
  typeDefs: /* GraphQL */ `
    type Query { motd: String staff: [Person!] person(id: ID!): Person node(id: ID!): Node badge: Badge }
    type Mutation { raise(id: ID!, by: Int!): Int }
    type Person { id: ID! name: String salary: Int ssn: String! }
    interface Node { id: ID! }
    type Badge implements Node { id: ID! label: String }
  `,
  resolvers: {
    Node: { __resolveType: () => 'Badge' },
    Mutation: { raise: (_: unknown, args: { by: number }) => 10 + args.by },
    Query: {
      person: (_: unknown, args: { id: string }) => ({ id: args.id, name: 'Ada', salary: 10, ssn: '111' }),
      motd: () => 'welcome',
      node: (_: unknown, args: { id: string }) => ({ id: args.id, label: 'gold' }),
      badge: () => ({ id: 'b1', label: 'gold' }),
      staff: () => [
        { id: '1', name: 'Ada', salary: 10, ssn: '111' },
        { id: '2', name: 'Bob', salary: 20, ssn: '222' },
      ],
    },
  },
});

type Body = Awaited<ReturnType<TestGateway['query']>>['body'];
const errorsOf = (body: Body) =>
  (body.errors ?? []).flatMap((e) =>
    ((e.extensions?.paths as Array<Array<string | number>> | undefined) ?? [e.path]).map((path) => ({
      path,
      code: e.extensions?.code,
    })),
  );

const asked: string[] = [];
const configFor = (hr: RunningServer, shop: RestServer): GatehouseConfigInput['subgraphs'] => [
  {
    kind: 'graphql',
    name: 'hr',
    url: hr.url,
    policies: {
      'Query.staff': { authenticated: true },
      'Query.person': { authenticated: true },
      'Mutation.raise': { requiresScopes: [['hr:write']] },
      'Person.salary': { requiresScopes: [['hr:read']] },
      'Person.ssn': { policy: [['isAdmin']] },
      // An interface: every field returning it, and every field of its implementations.
      Node: { authenticated: true },
    },
  },
  {
    kind: 'rest',
    name: 'shop',
    url: shop.url,
    schemaFile: shopSchemaFile,
    policies: {
      'Product.priceCents': { requiresScopes: [['pricing'], ['admin']] },
      // A type: every field returning it.
      Status: { authenticated: true },
    },
  },
];
const named = {
  // A function of the caller and the coordinate, possibly async (TypeScript config).
  isAdmin: async (
    identity: { claims: Readonly<Record<string, unknown>> } | undefined,
    coordinate: string,
  ) => {
    asked.push(coordinate);
    await new Promise((resolve) => setImmediate(resolve));
    return identity?.claims.admin === true;
  },
};

let hr: RunningServer;
let shop: RestServer;
before(async () => {
  hr = await serveGraphQL({ schema: hrSchema });
  shop = await startRestServer(shopApi());
});
after(async () => {
  await hr?.close();
  await shop?.close();
});

for (const engine of ENGINES) {
  describe(`field policies from the config (engine: ${engine})`, () => {
    let running: ReturnType<typeof startPolicyCase> | undefined;
    const on = async () => {
      running ??= startPolicyCase({}, { engine, subgraphs: configFor(hr, shop), policies: { named } });
      return (await running).gateway;
    };
    after(async () => {
      await (await running)?.[Symbol.asyncDispose]();
    });

    it('plain GraphQL service: authenticated and requiresScopes by coordinate', async () => {
      const gateway = await on();
      const anonymous = await gateway.query('{ motd staff { name } }');
      assert.deepEqual(anonymous.body.data, { motd: 'welcome', staff: null });
      assert.deepEqual(errorsOf(anonymous.body), [{ path: ['staff'], code: 'UNAUTHENTICATED' }]);
      const noScope = await gateway.query('{ staff { name pay: salary } }', undefined, as({}));
      assert.deepEqual(noScope.body.data, {
        staff: [
          { name: 'Ada', pay: null },
          { name: 'Bob', pay: null },
        ],
      });
      assert.deepEqual(errorsOf(noScope.body), [
        { path: ['staff', 0, 'pay'], code: 'FORBIDDEN' },
        { path: ['staff', 1, 'pay'], code: 'FORBIDDEN' },
      ]);
      const granted = await gateway.query('{ staff { salary } }', undefined, as({ scopes: ['hr:read'] }));
      assert.deepEqual(granted.body, { data: { staff: [{ salary: 10 }, { salary: 20 }] } });
    });

    it('plain GraphQL service: a policy function, given the coordinate; non-null propagation', async () => {
      const gateway = await on();
      asked.length = 0;
      const refused = await gateway.query(
        '{ motd staff { ssn } }',
        undefined,
        as({ claims: { admin: false } }),
      );
      // ssn is String!: each Person is null, and Person! items null the (nullable) list.
      assert.deepEqual(refused.body.data, { motd: 'welcome', staff: null });
      assert.deepEqual(errorsOf(refused.body), [
        { path: ['staff', 0, 'ssn'], code: 'FORBIDDEN' },
        { path: ['staff', 1, 'ssn'], code: 'FORBIDDEN' },
      ]);
      assert.deepEqual(asked, ['Person.ssn']);
      const admin = await gateway.query('{ staff { ssn } }', undefined, as({ claims: { admin: true } }));
      assert.deepEqual(admin.body, { data: { staff: [{ ssn: '111' }, { ssn: '222' }] } });
    });

    it('a variable only a refused field used, and a refused mutation that is not run', async () => {
      const gateway = await on();
      const anonymous = await gateway.query('query($id: ID!) { motd person(id: $id) { name } }', { id: '1' });
      assert.deepEqual(anonymous.body.data, { motd: 'welcome', person: null });
      assert.deepEqual(errorsOf(anonymous.body), [{ path: ['person'], code: 'UNAUTHENTICATED' }]);
      const mutation = 'mutation($by: Int!) { raise(id: "1", by: $by) }';
      const refused = await gateway.query(mutation, { by: 5 }, as({}));
      assert.deepEqual(refused.body.data, { raise: null });
      assert.deepEqual(errorsOf(refused.body), [{ path: ['raise'], code: 'FORBIDDEN' }]);
      const granted = await gateway.query(mutation, { by: 5 }, as({ scopes: ['hr:write'] }));
      assert.deepEqual(granted.body, { data: { raise: 15 } });
    });

    it('an interface by coordinate protects its implementations, however they are reached', async () => {
      const gateway = await on();
      const anonymous = await gateway.query('{ motd node(id: "b1") { id } badge { id label } }');
      assert.deepEqual(anonymous.body.data, { motd: 'welcome', node: null, badge: null });
      assert.deepEqual(errorsOf(anonymous.body), [
        { path: ['node'], code: 'UNAUTHENTICATED' },
        { path: ['badge'], code: 'UNAUTHENTICATED' },
      ]);
      const signedIn = await gateway.query('{ badge { id label } }', undefined, as({}));
      assert.deepEqual(signedIn.body, { data: { badge: { id: 'b1', label: 'gold' } } });
    });

    it('REST API: a field and a type (every field returning it) by coordinate', async () => {
      const gateway = await on();
      const anonymous = await gateway.query('{ product(id: "p2") { name status } }');
      assert.deepEqual(anonymous.body.data, { product: null });
      assert.deepEqual(errorsOf(anonymous.body), [{ path: ['product', 'status'], code: 'UNAUTHENTICATED' }]);
      const signedIn = await gateway.query(
        '{ product(id: "p2") { name status price: priceCents } }',
        undefined,
        as({}),
      );
      assert.deepEqual(signedIn.body.data, { product: null });
      assert.deepEqual(errorsOf(signedIn.body), [{ path: ['product', 'price'], code: 'FORBIDDEN' }]);
      const granted = await gateway.query(
        '{ product(id: "p2") { name status priceCents } }',
        undefined,
        as({ scopes: ['pricing'] }),
      );
      assert.deepEqual(granted.body, {
        data: { product: { name: 'Lamp', status: 'SOLD_OUT', priceCents: 1900 } },
      });
    });
  });
}

describe('field policies: onDenied reject', () => {
  let running: ReturnType<typeof startPolicyCase> | undefined;
  const on = async () => {
    running ??= startPolicyCase(
      {},
      { subgraphs: configFor(hr, shop), policies: { named, onDenied: 'reject' }, auth: { realm: 'staff' } },
    );
    return (await running).gateway;
  };
  after(async () => {
    await (await running)?.[Symbol.asyncDispose]();
  });

  it('refuses the whole operation, with the status of its errors, and runs nothing', async () => {
    const gateway = await on();
    hr.resetRequests();
    const anonymous = await gateway.query('{ motd staff { name } }');
    assert.equal(anonymous.status, 401);
    // RFC 7235: a 401 says how to authenticate.
    assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="staff"');
    assert.equal(anonymous.body.data, undefined);
    assert.equal((anonymous.body as Record<string, unknown>).extensions, undefined);
    assert.deepEqual(errorsOf(anonymous.body), [{ path: ['staff'], code: 'UNAUTHENTICATED' }]);
    const forbidden = await gateway.query('{ motd staff { salary } }', undefined, as({}));
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers.get('www-authenticate'), null);
    assert.deepEqual(errorsOf(forbidden.body), [{ path: ['staff', 'salary'], code: 'FORBIDDEN' }]);
    assert.equal(hr.requests(), 0);
    // A field its condition leaves out refuses nothing.
    const skipped = await gateway.query('query($s: Boolean!) { motd staff @include(if: $s) { name } }', {
      s: false,
    });
    assert.deepEqual(skipped.body, { data: { motd: 'welcome' } });
    const allowed = await gateway.query('{ motd staff { name } }', undefined, as({}));
    assert.equal(allowed.body.errors, undefined);
  });
});

describe('field policies that cannot be enforced stop the start', () => {
  it('a config coordinate the schema does not have', async () => {
    await assert.rejects(
      startPolicyCase(
        {},
        {
          subgraphs: [
            {
              kind: 'graphql',
              name: 'hr',
              url: hr.url,
              policies: { 'Person.nope': { authenticated: true } },
            },
          ],
        },
      ),
      { code: 'CONFIG_INVALID' },
    );
  });

  it('a policy name no named policy defines', async () => {
    await assert.rejects(
      startPolicyCase(
        {},
        {
          subgraphs: [
            { kind: 'graphql', name: 'hr', url: hr.url, policies: { 'Person.ssn': { policy: [['ghost']] } } },
          ],
        },
      ),
      { code: 'CONFIG_INVALID' },
    );
  });

  it('a requirement that says nothing, or a coordinate that is not one', async () => {
    for (const policies of [{ 'Person.ssn': {} }, { 'Person.ssn.x': { authenticated: true } }]) {
      await assert.rejects(
        startPolicyCase({}, { subgraphs: [{ kind: 'graphql', name: 'hr', url: hr.url, policies }] as never }),
        { code: 'CONFIG_INVALID' },
      );
    }
  });
});

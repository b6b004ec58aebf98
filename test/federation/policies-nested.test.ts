/**
 * A field refused on one implementation of an interface, returning the interface again: served
 * for the other implementations at every level, on both engines; an operation whose rewrite
 * would select more than `limits.maxFields` fields (fragments expanded) is refused at once.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { as, type PolicyCase, startPolicyCase } from '../helpers/policies.ts';
import { type ApolloResolvers, apolloSubgraph, ENGINES } from './harness.ts';

const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated"])
  interface Node { id: ID related: [Node] }
  type A implements Node { id: ID related: [Node] }
  type B implements Node { id: ID related: [Node] }
  type C implements Node { id: ID related: [Node] }
  type Secret implements Node { id: ID related: [Node] @authenticated }
  type Query { nodes: [Node] }`;

interface Item {
  __typename: string;
  id: string;
  related?: Item[];
}
const nodes: Item[] = [
  {
    __typename: 'A',
    id: 'a1',
    related: [
      { __typename: 'Secret', id: 's1', related: [{ __typename: 'B', id: 'b0' }] },
      { __typename: 'B', id: 'b1', related: [{ __typename: 'C', id: 'c1' }] },
    ],
  },
  { __typename: 'Secret', id: 's2', related: [{ __typename: 'A', id: 'a2' }] },
];
const resolvers = {
  Query: { nodes: () => nodes },
  Node: { __resolveType: (item: Item) => item.__typename },
} as unknown as ApolloResolvers;

/**
 * `{ nodes { related { ... related { id } } } }`, `depth` times `related`. With `__typename` at each
 * level: the plan engine answers RESULT_SHAPE_INVALID for an interface selection without it, with or
 * without policies (a bug of its own).
 */
const nested = (depth: number) =>
  `{ nodes { ${Array.from({ length: depth }).reduce<string>((inner) => `__typename id related { ${inner} }`, '__typename id')} } }`;
/** The data without `__typename`. */
const plain = (data: unknown) =>
  JSON.parse(JSON.stringify(data, (k, v) => (k === '__typename' ? undefined : v)));

for (const engine of ENGINES) {
  describe(`field policies on nested abstract selections (engine: ${engine})`, () => {
    let running: Promise<PolicyCase> | undefined;
    const on = () => (running ??= startPolicyCase({ graph: apolloSubgraph(sdl, resolvers) }, { engine }));
    after(async () => {
      await (await running)?.[Symbol.asyncDispose]();
    });

    it('the refused field is null on Secret objects only, at every level', async () => {
      const { gateway } = await on();
      const { body } = await gateway.query(nested(2));
      assert.deepEqual(plain(body.data), {
        nodes: [
          {
            id: 'a1',
            related: [
              { id: 's1', related: null },
              { id: 'b1', related: [{ id: 'c1' }] },
            ],
          },
          { id: 's2', related: null },
        ],
      });
      const paths = (body.errors ?? []).flatMap((e) => (e.extensions?.paths as unknown[]) ?? [e.path]);
      assert.deepEqual(paths.map((p) => JSON.stringify(p)).sort(), [
        '["nodes",0,"related",0,"related"]',
        '["nodes",1,"related"]',
      ]);
      assert.deepEqual(new Set(body.errors?.map((e) => e.extensions?.code)), new Set(['UNAUTHENTICATED']));
      const signedIn = await gateway.query(nested(2), undefined, as({}));
      assert.equal(signedIn.body.errors, undefined);
    });

    it('depth 12: refused at once (OPERATION_LIMIT_EXCEEDED, maxFields), nothing sent upstream', async () => {
      const { gateway, servers } = await on();
      servers.graph!.resetRequests();
      const { status, body } = await gateway.query(nested(12));
      assert.equal(status, 400);
      assert.equal(body.data, undefined);
      assert.deepEqual(
        body.errors?.map((e) => [e.extensions?.code, e.extensions?.limit]),
        [['OPERATION_LIMIT_EXCEEDED', 'maxFields']],
      );
      assert.equal(servers.graph!.requests(), 0);
      // A caller who may see every field is not rewritten, nor refused.
      const signedIn = await gateway.query(nested(12), undefined, as({}));
      assert.equal(signedIn.body.errors, undefined);
    });
  });
}

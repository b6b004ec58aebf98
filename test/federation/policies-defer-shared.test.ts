/**
 * Field policies with `@defer` on nested abstract selections (plan engine): a field refused on one
 * implementation of an interface and kept for the others, inside a deferred fragment, is answered
 * null with its error in the incremental entry that carries the fragment, while the rewrite writes
 * the kept subselection once, in a reserved fragment (`__gatehouse_N`) each type spreads. A
 * subselection walked once and reused keeps the `@defer` context of the removals inside it.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parse, print } from 'graphql';
import type { Room } from '../../gateway/room.ts';
import { multipartParts } from '../helpers/multipart.ts';
import { type PolicyCase, startPolicyCase } from '../helpers/policies.ts';
import { type ApolloResolvers, apolloSubgraph } from './harness.ts';

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

type Path = Array<string | number>;
interface Carrier {
  path: unknown;
  data: unknown;
  errors: Array<{ path: Path | undefined; code: unknown }>;
}
/** One entry per path (the response stage sends identical errors once, with `extensions.paths`). */
const errorsOf = (part: Record<string, unknown>) =>
  ((part.errors ?? []) as Array<{ path?: Path; extensions?: Record<string, unknown> }>).flatMap((e) =>
    ((e.extensions?.paths as Path[] | undefined) ?? [e.path]).map((path) => ({
      path,
      code: e.extensions?.code,
    })),
  );

describe('field policies: @defer on nested abstract selections (engine: plan)', () => {
  let running: Promise<PolicyCase> | undefined;
  /** The documents the engine is handed, after the field policies' rewrite. */
  const executed: string[] = [];
  const capture: Room = {
    name: 'test-capture-document',
    plugin: {
      onExecute({ args }) {
        executed.push(print(args.document));
      },
    },
  };
  const on = () =>
    (running ??= startPolicyCase(
      { graph: apolloSubgraph(sdl, resolvers) },
      { engine: 'plan' },
      { rooms: [capture] },
    ));
  after(async () => {
    await (await running)?.[Symbol.asyncDispose]();
  });

  /** The initial payload and each incremental entry of an anonymous caller's response. */
  const carriers = async (query: string): Promise<Carrier[]> => {
    const { gateway } = await on();
    executed.length = 0;
    const response = await gateway.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query }),
    });
    const out: Carrier[] = [];
    for await (const part of multipartParts(response)) {
      if ('data' in part) out.push({ path: [], data: part.data, errors: errorsOf(part) });
      for (const entry of (part.incremental ?? []) as Array<Record<string, unknown>>)
        out.push({ path: entry.path, data: entry.data, errors: errorsOf(entry) });
    }
    return out;
  };
  const unauthenticated = (...path: Path) => ({ path, code: 'UNAUTHENTICATED' });

  it('a refused field kept for several types, in a deferred fragment: null with its error in that entry, from a shared fragment', async () => {
    const query =
      '{ nodes { __typename id ... @defer { related { __typename id related { __typename id } } } } }';
    assert.deepEqual(await carriers(query), [
      {
        path: [],
        data: {
          nodes: [
            { __typename: 'A', id: 'a1' },
            { __typename: 'Secret', id: 's2' },
          ],
        },
        errors: [],
      },
      {
        path: ['nodes', 0],
        data: {
          related: [
            { __typename: 'Secret', id: 's1', related: null },
            { __typename: 'B', id: 'b1', related: [{ __typename: 'C', id: 'c1' }] },
          ],
        },
        errors: [unauthenticated('nodes', 0, 'related', 0, 'related')],
      },
      { path: ['nodes', 1], data: { related: null }, errors: [unauthenticated('nodes', 1, 'related')] },
    ]);
    // `related` is kept for A, B and C: its subselection written once, in a reserved fragment each
    // spreads (and so on one level down), inside the deferred fragment.
    const expected = parse(`
      { nodes { __typename id ... @defer {
          ... on A { related { ...__gatehouse_1 } } ... on B { related { ...__gatehouse_1 } }
          ... on C { related { ...__gatehouse_1 } } __gatehouse_typename: __typename } } }
      fragment __gatehouse_0 on Node { __typename id }
      fragment __gatehouse_1 on Node { __typename id
        ... on A { related { ...__gatehouse_0 } } ... on B { related { ...__gatehouse_0 } }
        ... on C { related { ...__gatehouse_0 } } __gatehouse_typename: __typename }`);
    assert.deepEqual(executed, [print(expected)]);
  });

  it('a subselection selected both deferred and not: each removal in it answered in the initial payload, once', async () => {
    // `G` is spread deferred first, then not: the walk of `related`'s subselection under the
    // deferred fragment is not reused outside it, so `nodes.related.related` is answered in the
    // initial payload, which carries it (it was missing there, its error in the deferred entry).
    for (const query of [
      '{ nodes { __typename id ... @defer { ...G } ...G } } fragment G on Node { related { __typename id related { __typename id } } }',
      '{ nodes { __typename id ...G ... @defer { ...G } } } fragment G on Node { related { __typename id related { __typename id } } }',
    ]) {
      const [initial, ...deferred] = await carriers(query);
      assert.deepEqual(
        initial,
        {
          path: [],
          data: {
            nodes: [
              {
                __typename: 'A',
                id: 'a1',
                related: [
                  { __typename: 'Secret', id: 's1', related: null },
                  { __typename: 'B', id: 'b1', related: [{ __typename: 'C', id: 'c1' }] },
                ],
              },
              { __typename: 'Secret', id: 's2', related: null },
            ],
          },
          errors: [
            unauthenticated('nodes', 0, 'related', 0, 'related'),
            unauthenticated('nodes', 1, 'related'),
          ],
        },
        query,
      );
      // Each path has one error per response: none again in the deferred entries.
      assert.deepEqual(
        deferred.flatMap((entry) => entry.errors),
        [],
        query,
      );
      assert.ok(!JSON.stringify(deferred).includes('__gatehouse'), query);
      assert.match(executed[0] ?? '', /fragment __gatehouse_\d+ on Node/, query);
    }
  });
});

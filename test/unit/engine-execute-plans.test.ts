/**
 * The plan executor on plan features that small graphs make the planner write: a required field
 * the client selected with other arguments (the planner's internal alias, given in `requires` as
 * `name` with the subgraph's key as `alias`); and, on plans written by hand, output key renames,
 * value setters, conditional requires fragments and Defer nodes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FetchNode, QueryPlan, RequiresSelection } from '@graphql-hive/router-query-planner';
import { executePlan } from '../../gateway/engine/execute/index.ts';
import { fed2, planGraph } from '../helpers/plan-graph.ts';
import { representationsSent } from './engine-execute.fixtures.ts';

type Ref = Record<string, unknown>;

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function priceGraph() {
  return planGraph({
    products: {
      typeDefs: `${fed2('@key')}
        type Query { top: [Product] }
        type Product @key(fields: "upc") { upc: String! name: String price(currency: String): Int }`,
      resolvers: {
        Query: { top: () => [{ upc: '1' }, { upc: '2' }] },
        Product: {
          __resolveReference: (ref: Ref) => ({ upc: ref.upc }),
          name: (p: { upc: string }) => `product ${p.upc}`,
          price: (p: { upc: string }, args: { currency?: string }) =>
            (args.currency === 'EUR' ? 90 : 100) + Number(p.upc),
        },
      },
    },
    inventory: {
      typeDefs: `${fed2('@key', '@external', '@requires')}
        type Product @key(fields: "upc") {
          upc: String!
          price(currency: String): Int @external
          ship: Int @requires(fields: "price(currency: \\"EUR\\")")
        }`,
      resolvers: {
        Product: { __resolveReference: (ref: Ref) => ref, ship: (p: { price: number }) => p.price * 2 },
      },
    },
  });
}

const entityFetch = (extra: Partial<FetchNode>): FetchNode => ({
  kind: 'Fetch',
  serviceName: 'products',
  operationKind: 'query',
  operation:
    'query($representations:[_Any!]!){_entities(representations: $representations){...on Product{name}}}',
  requires: [
    {
      kind: 'InlineFragment',
      typeCondition: 'Product',
      selections: [
        { kind: 'Field', name: '__typename' },
        { kind: 'Field', name: 'upc' },
      ],
    },
  ],
  ...extra,
});

const rootFetch: FetchNode = {
  kind: 'Fetch',
  serviceName: 'products',
  operationKind: 'query',
  operation: '{top{__typename upc}}',
};

describe('plan executor: plan features', () => {
  it('sends a required field the client selected with other arguments under its own name', async () => {
    const graph = priceGraph();
    const tree = await graph.run('{ top { price(currency: "USD") ship } }');
    assert.deepEqual(tree.errors, []);
    const sent = new Map(representationsSent(graph));
    assert.deepEqual(json(sent.get('inventory')), [
      { __typename: 'Product', price: 91, upc: '1' },
      { __typename: 'Product', price: 92, upc: '2' },
    ]);
    const top = (json(tree.data) as { top: Array<{ price: number; ship: number }> }).top;
    assert.deepEqual(
      top.map((p) => [p.price, p.ship]),
      [
        [101, 182],
        [102, 184],
      ],
    );
  });

  it('applies input value setters and output key renames', async () => {
    const graph = priceGraph();
    const plan: QueryPlan = {
      kind: 'QueryPlan',
      node: {
        kind: 'Sequence',
        nodes: [
          rootFetch,
          {
            kind: 'Flatten',
            path: [{ Field: 'top' }, '@'],
            node: entityFetch({
              operation:
                'query($representations:[_Any!]!){_entities(representations: $representations){...on Product{title: name}}}',
              inputRewrites: [
                { ValueSetter: { path: [{ TypenameEquals: ['Product'] }, { Key: 'tag' }], setValueTo: 'x' } },
              ],
              outputRewrites: [
                {
                  KeyRenamer: {
                    path: [{ TypenameEquals: ['Product'] }, { Key: 'title' }],
                    renameKeyTo: 'name',
                  },
                },
              ],
            }),
          },
        ],
      },
    };
    graph.intercept = (call) => {
      const representations = call.request.variables?.representations as Ref[] | undefined;
      if (representations === undefined) return undefined;
      return {
        data: {
          _entities: representations.map((r) => ({ __typename: 'Product', title: `${r.upc}${r.tag}` })),
        },
      };
    };
    const tree = await executePlan({
      plan,
      schema: graph.schema,
      variables: {},
      fetch: graph.fetch,
      context: {},
    });
    assert.deepEqual(tree.errors, []);
    assert.deepEqual(json(tree.data), {
      top: [
        { __typename: 'Product', upc: '1', name: '1x' },
        { __typename: 'Product', upc: '2', name: '2x' },
      ],
    });
  });

  it('leaves out the requires fragments a skipIf or includeIf variable turns off', async () => {
    const graph = priceGraph();
    const [fragment] = entityFetch({}).requires!;
    const plan: QueryPlan = {
      kind: 'QueryPlan',
      node: {
        kind: 'Sequence',
        nodes: [
          rootFetch,
          {
            kind: 'Flatten',
            path: [{ Field: 'top' }, '@'],
            node: entityFetch({ requires: [{ ...fragment!, includeIf: 'on' } as RequiresSelection] }),
          },
        ],
      },
    };
    const run = (on: boolean) =>
      executePlan({ plan, schema: graph.schema, variables: { on }, fetch: graph.fetch, context: {} });
    graph.calls = [];
    await run(false);
    assert.deepEqual(
      graph.calls.map((c) => c.serviceName),
      ['products'],
    );
    graph.calls = [];
    const tree = await run(true);
    assert.deepEqual(
      graph.calls.map((c) => c.serviceName),
      ['products', 'products'],
    );
    assert.equal((json(tree.data) as { top: Array<{ name: string }> }).top[1]!.name, 'product 2');
  });

  it('runs a Defer node inline: its primary part, then its deferred parts', async () => {
    const graph = priceGraph();
    const plan: QueryPlan = {
      kind: 'QueryPlan',
      node: {
        kind: 'Defer',
        primary: { node: rootFetch },
        deferred: [
          {
            depends: [],
            queryPath: ['top'],
            node: { kind: 'Flatten', path: [{ Field: 'top' }, '@'], node: entityFetch({}) },
          },
        ],
      },
    };
    const tree = await executePlan({
      plan,
      schema: graph.schema,
      variables: {},
      fetch: graph.fetch,
      context: {},
    });
    assert.deepEqual(tree.errors, []);
    const top = (json(tree.data) as { top: Array<{ name: string }> }).top;
    assert.deepEqual(
      top.map((p) => p.name),
      ['product 1', 'product 2'],
    );
  });

  it('reports a Flatten over anything but a Fetch as QUERY_PLAN_FAILED', async () => {
    const graph = priceGraph();
    const plan: QueryPlan = {
      kind: 'QueryPlan',
      node: { kind: 'Flatten', path: [{ Field: 'top' }], node: { kind: 'Sequence', nodes: [] } },
    };
    const tree = await executePlan({
      plan,
      schema: graph.schema,
      variables: {},
      fetch: graph.fetch,
      context: {},
    });
    assert.deepEqual(
      tree.errors.map((e) => e.extensions.code),
      ['QUERY_PLAN_FAILED'],
    );
  });
});

/**
 * Mutations: root fields run one after the other, in the order written, even when they alternate
 * between subgraphs; a mutation's result joins entity fields from other subgraphs. One sequence
 * counter shared by both subgraphs records the order, and the first field of each subgraph is
 * slow, so running fields in parallel would show as a different order.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { apolloSubgraph, fed2, forEachEngine } from './harness.ts';

type Ref = Record<string, unknown>;

function subgraphs() {
  let sequence = 0;
  let counter = 0;
  const log: string[] = [];
  const next = async (slow: boolean) => {
    if (slow) await sleep(20); // long enough for a parallel sibling to overtake it
    return ++sequence;
  };
  return {
    counter: apolloSubgraph(
      `${fed2('@key', '@shareable')}
      type Query { counter: Int! }
      type Mutation { increment(by: Int!): Step! }
      type Step @shareable { seq: Int! value: String! }`,
      {
        Query: { counter: () => counter },
        Mutation: {
          increment: async (_: unknown, args: { by: number }) => {
            const seq = await next(args.by === 1);
            counter += args.by;
            return { seq, value: String(counter) };
          },
        },
      },
    ),
    notes: apolloSubgraph(
      `${fed2('@key', '@shareable')}
      type Mutation { append(text: String!): Step! addNote(product: String!, text: String!): Note! }
      type Step @shareable { seq: Int! value: String! }
      type Note { text: String! product: Product! }
      type Product @key(fields: "upc") { upc: String! }`,
      {
        Mutation: {
          append: async (_: unknown, args: { text: string }) => {
            const seq = await next(log.length === 0);
            log.push(args.text);
            return { seq, value: log.join(',') };
          },
          addNote: (_: unknown, args: { product: string; text: string }) => ({
            text: args.text,
            product: { upc: args.product },
          }),
        },
      },
    ),
    products: apolloSubgraph(
      `${fed2('@key')}
      type Product @key(fields: "upc") { upc: String! name: String! }`,
      {
        Product: { __resolveReference: (ref: Ref) => ({ upc: ref.upc, name: `Product ${String(ref.upc)}` }) },
      },
    ),
  };
}

describe('mutations', () => {
  forEachEngine(({ it, start }) => {
    it('runs root fields in order, alternating between subgraphs', async () => {
      await using fed = await start(subgraphs());
      const { body } = await fed.query(`mutation {
      a: increment(by: 1) { seq value }
      b: append(text: "x") { seq value }
      c: increment(by: 10) { seq value }
      d: append(text: "y") { seq value }
      e: increment(by: 100) { seq value }
    }`);
      assert.deepEqual(body, {
        data: {
          a: { seq: 1, value: '1' },
          b: { seq: 2, value: 'x' },
          c: { seq: 3, value: '11' },
          d: { seq: 4, value: 'x,y' },
          e: { seq: 5, value: '111' },
        },
      });
      assert.deepEqual((await fed.query('{ counter }')).body, { data: { counter: 111 } });
    });

    it('joins entity fields from another subgraph onto a mutation result', async () => {
      await using fed = await start(subgraphs());
      const { body } = await fed.query(
        'mutation ($upc: String!) { addNote(product: $upc, text: "sturdy") { text product { upc name } } }',
        { upc: '7' },
      );
      assert.deepEqual(body, {
        data: { addNote: { text: 'sturdy', product: { upc: '7', name: 'Product 7' } } },
      });
    });
  });
});

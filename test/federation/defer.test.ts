/**
 * `@defer` answered with incremental delivery (`multipart/mixed`) on the plan engine: the initial
 * payload without the deferred fragments, then each fragment at its paths as soon as the fetches
 * bringing its fields have merged. The stitching engine and JSON-only clients get the whole
 * result at once.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { multipartParts } from '../helpers/multipart.ts';
import { apolloSubgraph, type FederationCase, fed2, forEachEngine } from './harness.ts';

type Gate = { wait: Promise<void>; open: () => void };
function gate(open = false): Gate {
  let release = () => {};
  const wait = new Promise<void>((resolve) => {
    release = resolve;
  });
  if (open) release();
  return { wait, open: release };
}

function subgraphs(slow: Gate) {
  return {
    products: apolloSubgraph(
      `${fed2('@key')}
      type Query { top: [Product!]! }
      type Mutation { touch: Boolean }
      type Product @key(fields: "upc") { upc: String! name: String! dims: Dims }
      type Dims { w: Int h: Int! }`,
      {
        Query: { top: () => [{ upc: '1' }, { upc: '2' }] },
        Mutation: { touch: () => true },
        Product: {
          name: (p: { upc: string }) => `product ${p.upc}`,
          dims: (p: { upc: string }) => ({ w: Number(p.upc), h: Number(p.upc) * 10 }),
        },
      },
    ),
    reviews: apolloSubgraph(
      `${fed2('@key')}
      type Product @key(fields: "upc") { upc: String! rating: Int! summary: String }`,
      {
        Product: {
          __resolveReference: async (ref: { upc: string }) => {
            await slow.wait;
            return { upc: ref.upc };
          },
          // Product 2 has no rating: the subgraph nulls that entity, with an error at rating.
          rating: (p: { upc: string }) => (p.upc === '2' ? null : Number(p.upc) * 2),
          summary: (p: { upc: string }) => `summary ${p.upc}`,
        },
      },
    ),
  };
}

/** An interface whose selections in these tests depend on no runtime type: fetches select no `__typename`. */
function catalog() {
  const items = [
    { __typename: 'A', id: 'a1', detail: 'da' },
    { __typename: 'B', id: 'b1', detail: 'db' },
  ];
  return {
    catalog: apolloSubgraph(
      `${fed2('@key')}
      type Query { items: [Item!]! }
      interface Item { id: ID! detail: String sub: Item }
      type A implements Item { id: ID! detail: String sub: Item }
      type B implements Item { id: ID! detail: String sub: Item }`,
      {
        Query: { items: () => items },
        Item: { __resolveType: (item: { __typename: string }) => item.__typename },
        A: { sub: () => items[1] },
        B: { sub: () => null },
      },
    ),
  };
}

type Part = Record<string, unknown> & { incremental?: Array<Record<string, unknown>>; hasNext?: boolean };

async function stream(fed: FederationCase, query: string, variables?: Record<string, unknown>) {
  const response = await fed.gateway.yoga.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
    body: JSON.stringify({ query, variables }),
  });
  return multipartParts(response) as AsyncGenerator<Part>;
}

async function all(parts: AsyncGenerator<Part>): Promise<Part[]> {
  const out: Part[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

/** The entries of every subsequent payload, errors reduced to their paths, sorted by label and path. */
function entries(parts: readonly Part[]) {
  return parts
    .slice(1)
    .flatMap((p) => p.incremental ?? [])
    .map((e) => {
      const errors = (e.errors as Array<{ path: unknown }> | undefined)?.map((x) => x.path);
      return { label: e.label, path: e.path, data: e.data, ...(errors ? { errors } : {}) };
    })
    .sort((a, b) => `${a.label}${a.path}`.localeCompare(`${b.label}${b.path}`));
}

const TOP = { data: { top: [{ name: 'product 1' }, { name: 'product 2' }] }, hasNext: true };

describe('@defer', () => {
  forEachEngine(({ it, start, engine }) => {
    it('answers one JSON result, nothing deferred, to a client that accepts no stream', async () => {
      await using fed = await start(subgraphs(gate(true)));
      const { status, body } = await fed.query('{ top { name ... @defer { summary } } }');
      assert.equal(status, 200);
      assert.deepEqual(body, {
        data: {
          top: [
            { name: 'product 1', summary: 'summary 1' },
            { name: 'product 2', summary: 'summary 2' },
          ],
        },
      });
    });

    it('answers the whole result at once when @defer(if: false)', async () => {
      await using fed = await start(subgraphs(gate(true)));
      const parts = await all(
        await stream(fed, 'query ($d: Boolean!) { top { name ... @defer(if: $d) { summary } } }', {
          d: false,
        }),
      );
      assert.equal(parts.length, 1);
      assert.deepEqual(parts[0]?.data, {
        top: [
          { name: 'product 1', summary: 'summary 1' },
          { name: 'product 2', summary: 'summary 2' },
        ],
      });
    });

    it('refuses @defer on a mutation root and a label used twice', async () => {
      await using fed = await start(subgraphs(gate(true)));
      for (const query of [
        'mutation { ... @defer { touch } }',
        '{ top { ... @defer(label: "a") { name } ... @defer(label: "a") { summary } } }',
      ]) {
        const { status, body } = await fed.query(query);
        assert.equal(status, 400, query);
        assert.equal(body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', query);
      }
    });

    if (engine === 'stitching') {
      // Its `@defer` loses fields of value types and doubles error paths: it is not used.
      it('answers a streaming client with the whole result in one part', async () => {
        await using fed = await start(subgraphs(gate(true)));
        const parts = await all(await stream(fed, '{ top { dims { w ... @defer { h } } } }'));
        assert.equal(parts.length, 1);
        assert.deepEqual(parts[0]?.data, { top: [{ dims: { w: 1, h: 10 } }, { dims: { w: 2, h: 20 } }] });
      });
      return;
    }

    it('sends the initial payload, then each deferred fragment at its path', async () => {
      await using fed = await start(subgraphs(gate(true)));
      const parts = await all(await stream(fed, '{ top { name ... @defer(label: "more") { summary } } }'));
      assert.deepEqual(parts[0], TOP);
      assert.deepEqual(entries(parts), [
        { label: 'more', path: ['top', 0], data: { summary: 'summary 1' } },
        { label: 'more', path: ['top', 1], data: { summary: 'summary 2' } },
      ]);
      assert.equal(parts.at(-1)?.hasNext, false);
    });

    it('stops a null of a deferred non-null field at its fragment, with its error', async () => {
      await using fed = await start(subgraphs(gate(true)));
      const parts = await all(await stream(fed, '{ top { name ... @defer { rating } } }'));
      assert.deepEqual(parts[0], TOP);
      assert.deepEqual(entries(parts), [
        { label: undefined, path: ['top', 0], data: { rating: 2 } },
        { label: undefined, path: ['top', 1], data: null, errors: [['top', 1, 'rating']] },
      ]);
    });

    it('defers fields of a value type', async () => {
      await using fed = await start(subgraphs(gate(true)));
      const parts = await all(await stream(fed, '{ top { dims { w ... @defer { h } } } }'));
      assert.deepEqual(parts[0], { data: { top: [{ dims: { w: 1 } }, { dims: { w: 2 } }] }, hasNext: true });
      assert.deepEqual(entries(parts), [
        { label: undefined, path: ['top', 0, 'dims'], data: { h: 10 } },
        { label: undefined, path: ['top', 1, 'dims'], data: { h: 20 } },
      ]);
    });

    it('sends nested fragments after theirs, none under an entry that came back null', async () => {
      await using fed = await start(subgraphs(gate(true)));
      const parts = await all(
        await stream(
          fed,
          '{ top { name ...F @defer(label: "outer") } } fragment F on Product { rating ... @defer(label: "inner") { summary } }',
        ),
      );
      assert.deepEqual(parts[0], TOP);
      assert.deepEqual(entries(parts), [
        { label: 'inner', path: ['top', 0], data: { summary: 'summary 1' } },
        { label: 'outer', path: ['top', 0], data: { rating: 2 } },
        { label: 'outer', path: ['top', 1], data: null, errors: [['top', 1, 'rating']] },
      ]);
    });

    it('sends an empty object for a selection whose fields are all deferred', async () => {
      await using fed = await start(subgraphs(gate(true)));
      const parts = await all(await stream(fed, '{ top { ... @defer { name summary } } }'));
      assert.deepEqual(parts[0], { data: { top: [{}, {}] }, hasNext: true });
      assert.equal(entries(parts).length, 2);
    });

    it('applies @skip and @include with variables inside, on and beside deferred fragments', async () => {
      await using fed = await start(subgraphs(gate(true)));
      // A Condition node whose taken branch is empty (null) in the plan.
      const skipped = await all(
        await stream(fed, 'query ($s: Boolean!) { top { name summary @skip(if: $s) ... @defer { upc } } }', {
          s: true,
        }),
      );
      assert.deepEqual(skipped[0], TOP);
      assert.deepEqual(
        entries(skipped).map((e) => e.data),
        [{ upc: '1' }, { upc: '2' }],
      );
      const inside = await all(
        await stream(
          fed,
          'query ($n: Boolean!, $s: Boolean!) { top { name ... @defer { summary @include(if: $n) rating @skip(if: $s) } } }',
          { n: true, s: true },
        ),
      );
      assert.deepEqual(
        entries(inside).map((e) => e.data),
        [{ summary: 'summary 1' }, { summary: 'summary 2' }],
      );
      // The fragment itself left out: nothing is deferred, one result.
      const off = await all(
        await stream(fed, 'query ($i: Boolean!) { top { name ... @defer @include(if: $i) { rating } } }', {
          i: false,
        }),
      );
      assert.equal(off.length, 1);
      assert.deepEqual(off[0]?.data, TOP.data);
    });

    it('defers fragments on an interface, at its position and nested in its fields', async () => {
      await using fed = await start(catalog());
      const parts = await all(
        await stream(
          fed,
          '{ items { id ...F @defer(label: "f") sub { ... on Item @defer(label: "s") { id } } } } fragment F on Item { d: detail }',
        ),
      );
      assert.deepEqual(parts[0], {
        data: {
          items: [
            { id: 'a1', sub: {} },
            { id: 'b1', sub: null },
          ],
        },
        hasNext: true,
      });
      assert.deepEqual(entries(parts), [
        { label: 'f', path: ['items', 0], data: { d: 'da' } },
        { label: 'f', path: ['items', 1], data: { d: 'db' } },
        { label: 's', path: ['items', 0, 'sub'], data: { id: 'b1' } },
      ]);
      assert.equal(parts.at(-1)?.hasNext, false);
    });

    it('sends the initial payload before a subgraph serving only deferred fields answers', async () => {
      const slow = gate();
      await using fed = await start(subgraphs(slow));
      const parts = await stream(fed, '{ top { name ... @defer { summary } } }');
      const first = await parts.next();
      // The reviews subgraph is still waiting at its gate: the initial payload did not wait.
      assert.deepEqual(first.value, TOP);
      slow.open();
      const rest = await all(parts);
      assert.equal(rest.at(-1)?.hasNext, false);
      assert.equal(rest.flatMap((p) => p.incremental ?? []).length, 2);
    });

    it('sends a fragment that is ready before one that waits for a slow subgraph', async () => {
      const slow = gate();
      await using fed = await start(subgraphs(slow));
      const parts = await stream(
        fed,
        '{ top { name ... @defer(label: "fast") { dims { w } } ... @defer(label: "slow") { summary } } }',
      );
      assert.deepEqual((await parts.next()).value, TOP);
      const fast = (await parts.next()).value as Part;
      assert.equal(fast.hasNext, true);
      assert.deepEqual(
        fast.incremental?.map((e) => e.label),
        ['fast', 'fast'],
      );
      slow.open();
      const rest = await all(parts);
      assert.deepEqual(
        rest.flatMap((p) => p.incremental ?? []).map((e) => e.label),
        ['slow', 'slow'],
      );
      assert.equal(rest.at(-1)?.hasNext, false);
    });
  });
});

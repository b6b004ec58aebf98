/**
 * Schema polling of the config's subgraphs (`loading.pollInterval`, a subgraph's `pollInterval`):
 * a subgraph whose schema changed is recomposed and hot-swapped; an unchanged one recomposes
 * nothing; a change that does not compose keeps the schema in service and is reported on /readyz
 * until a change that composes comes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/fault-graph.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { type ReloadGraph, startReloadGraph } from '../helpers/reload-graph.ts';

const POLL = 100; // ms
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const products = (fields: string, extra = '') =>
  `${LINK}\ntype Query { products: [Product!]! }\ntype Product @key(fields: "id") { id: ID! ${fields} }\n${extra}`;
// `Review.body` is the reviews subgraph's, not shareable: a second definition cannot compose.
const CONFLICTING = products(
  'name: String!',
  'type Review { body: Int! }\nextend type Query { review: Review }',
);

describe('schema polling', () => {
  let graph: ReloadGraph;
  let dir: string;
  const opened: Array<{ close(): Promise<void> }> = [];
  before(async () => {
    graph = await startReloadGraph();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-schema-poll-'));
  });
  after(async () => {
    for (const thing of opened.reverse()) await thing.close();
    await graph?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = async (name: string, polling: { loading?: number; subgraph?: number }) => {
    const schemaFile = join(dir, name);
    writeFileSync(schemaFile, products('name: String!'));
    const gateway = await startTestGateway({
      server: { readyDetails: 'always' },
      loading: { pollInterval: polling.loading },
      subgraphs: [
        {
          name: 'products',
          kind: 'federation',
          url: graph.products.url,
          schemaFile,
          pollInterval: polling.subgraph,
        },
        { name: 'reviews', kind: 'federation', url: graph.reviews.url },
      ],
    });
    opened.push(gateway);
    return { schemaFile, gateway };
  };

  it('recomposes when a subgraph changed, and keeps the schema when a change does not compose', async () => {
    const { schemaFile, gateway } = await start('products.graphql', { loading: POLL });
    const first = gateway.supergraph.status().version;
    assert.equal((await gateway.query('{ products { price } }')).status, 400);

    writeFileSync(schemaFile, products('name: String! price: Int!'));
    await waitFor(() => gateway.supergraph.status().version !== first, 'the new schema in service');
    assert.deepEqual((await gateway.query('{ products { price } }')).body, {
      data: { products: [{ price: 100 }, { price: 40 }] },
    });
    const second = gateway.supergraph.status().version;

    writeFileSync(schemaFile, CONFLICTING);
    await waitFor(() => gateway.supergraph.status().compositionProblems.length > 0, 'the problems reported');
    assert.equal(gateway.supergraph.status().version, second);
    assert.deepEqual((await gateway.query('{ products { price } }')).body, {
      data: { products: [{ price: 100 }, { price: 40 }] },
    });
    const readyz = await gateway.yoga.fetch('http://gateway/readyz');
    const body = (await readyz.json()) as {
      status: string;
      compositionProblems?: string[];
      version?: string;
    };
    assert.equal(body.status, 'degraded');
    assert.ok(
      body.compositionProblems?.some((p) => p.includes('Review.body')),
      body.compositionProblems?.join(),
    );
    assert.equal(body.version, second);
    // Tried once: the same broken schema is not composed again at every poll.
    const failures = gateway.supergraph.status().compositionProblems;
    await new Promise((resolve) => setTimeout(resolve, POLL * 4));
    assert.equal(gateway.supergraph.status().compositionProblems, failures);
    // Counted once, as a failed reload from polling (/readyz `reloads`, the reload metric).
    const { reloads } = gateway.supergraph.status();
    assert.equal(reloads.failed, 1);
    assert.equal(reloads.succeeded, 2);
    assert.equal(reloads.last?.ok, false);
    assert.equal(reloads.last?.source, 'poll');
    assert.match(reloads.last?.problem ?? '', /Review\.body/);

    writeFileSync(schemaFile, products('name: String!'));
    await waitFor(() => gateway.supergraph.status().version === first, 'the fixed schema in service');
    assert.deepEqual(gateway.supergraph.status().compositionProblems, []);
  });

  it("a subgraph's own pollInterval turns polling on for it; an unchanged schema recomposes nothing", async () => {
    const { schemaFile, gateway } = await start('own-interval.graphql', { subgraph: POLL });
    await new Promise((resolve) => setTimeout(resolve, POLL * 4));
    assert.equal(gateway.supergraph.status().reloads.succeeded, 1);
    writeFileSync(schemaFile, products('name: String! price: Int!'));
    await waitFor(() => gateway.supergraph.status().reloads.succeeded === 2, 'the new schema in service');
  });

  it('is off by default', async () => {
    const { schemaFile, gateway } = await start('off.graphql', {});
    writeFileSync(schemaFile, products('name: String! price: Int!'));
    await new Promise((resolve) => setTimeout(resolve, POLL * 4));
    assert.equal(gateway.supergraph.status().reloads.succeeded, 1);
  });
});

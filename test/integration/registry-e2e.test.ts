/**
 * The registry end to end, with real processes: a gateway (`gatehouse start`, registry and admin
 * on, one config subgraph), a new subgraph on loopback, then `gatehouse check` and `gatehouse
 * publish` as child processes: the gateway serves the new subgraph's field without a restart. A
 * breaking publish is refused (exit 1); a rollback restores the version before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { type GatehouseProcess, runGatehouse, spawnGatehouse } from '../helpers/cli.ts';

const TOKEN = 'registry-e2e-admin-token-0123456789';
const PRODUCTS = `${fed2('@key')}
type Query { products: [Product!]! }
type Product @key(fields: "id") { id: ID! name: String }`;
const REVIEWS = `${fed2('@key')}
type Query { topReview: String }
type Product @key(fields: "id") { id: ID! reviews: [String!]! }`;
const REVIEWS_RATED = `${REVIEWS}\nextend type Product { rating: Int }`;
/** `Product.reviews` removed: breaking. */
const REVIEWS_BROKEN = `${fed2('@key')}
type Query { topReview: String }
type Product @key(fields: "id") { id: ID! }`;

async function query(url: string, text: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
  });
  return (await response.json()) as {
    data?: Record<string, unknown>;
    errors?: { extensions?: { code?: string } }[];
  };
}

describe('registry: check and publish from the CLI, served without a restart', () => {
  let dir: string;
  let products: RunningServer;
  let reviews: RunningServer;
  let gateway: GatehouseProcess;
  let graphql: string;
  let admin: string;
  const env = { GATEHOUSE_ADMIN_TOKEN: TOKEN };
  const registry = (args: string[]) =>
    runGatehouse([...args, '--admin', admin], { env: { ...env, USER: 'team-reviews' } });
  const reviewsArgs = (file: string) => [
    '--name',
    'reviews',
    '--url',
    reviews.url,
    '--schema',
    join(dir, file),
  ];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-registry-e2e-'));
    products = await serveGraphQL({
      schema: apolloSubgraph(PRODUCTS, {
        Query: { products: () => [{ id: '1', name: 'Lamp' }] },
      }),
    });
    reviews = await serveGraphQL({
      schema: apolloSubgraph(REVIEWS_RATED, {
        Query: { topReview: () => 'great' },
        Product: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          reviews: (p: { id: string }) => [`review of ${p.id}`],
          rating: () => 5,
        },
      }),
    });
    writeFileSync(join(dir, 'reviews.graphql'), REVIEWS);
    writeFileSync(join(dir, 'reviews-rated.graphql'), REVIEWS_RATED);
    writeFileSync(join(dir, 'reviews-broken.graphql'), REVIEWS_BROKEN);
    writeFileSync(
      join(dir, 'gatehouse.yaml'),
      [
        'server: { port: 0 }',
        'admin: { enabled: true, token: { env: GATEHOUSE_ADMIN_TOKEN } }',
        `registry: { enabled: true, directory: ${JSON.stringify(join(dir, 'registry'))}, pollInterval: 200 }`,
        'subgraphs:',
        `  - { name: products, kind: federation, url: ${JSON.stringify(products.url)} }`,
      ].join('\n'),
    );
    gateway = spawnGatehouse(['start', '--config', join(dir, 'gatehouse.yaml')], { env });
    const url = await gateway.listening();
    const origin = new URL(url).origin;
    graphql = `${origin}/graphql`;
    admin = `${origin}/admin`;
    await gateway.waitForStderr(/schema in service/);
  });

  after(async () => {
    gateway?.kill();
    await gateway?.exited;
    await Promise.all([products?.close(), reviews?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks, then publishes: the new field is served at once', async () => {
    const before = await query(graphql, '{ products { id reviews } }');
    assert.equal(before.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');

    const check = await registry(['check', ...reviewsArgs('reviews.graphql')]);
    assert.equal(check.code, 0, check.stderr + check.stdout);

    const publish = await registry(['publish', ...reviewsArgs('reviews.graphql')]);
    assert.equal(publish.code, 0, publish.stderr + publish.stdout);
    assert.match(publish.stdout, /published reviews version 1 \(in service\)/);

    const answer = await query(graphql, '{ products { id reviews } topReview }');
    assert.deepEqual(answer, {
      data: { products: [{ id: '1', reviews: ['review of 1'] }], topReview: 'great' },
    });
  });

  it('refuses a breaking publish with exit 1, and serves the version before', async () => {
    const check = await registry(['check', ...reviewsArgs('reviews-broken.graphql')]);
    assert.equal(check.code, 1, check.stderr + check.stdout);
    assert.match(check.stdout, /Product\.reviews/);

    const publish = await registry(['publish', ...reviewsArgs('reviews-broken.graphql')]);
    assert.equal(publish.code, 1, publish.stderr + publish.stdout);
    const answer = await query(graphql, '{ products { reviews } }');
    assert.deepEqual(answer.data, { products: [{ reviews: ['review of 1'] }] });
  });

  it('rolls back to the version before', async () => {
    const publish = await registry(['publish', ...reviewsArgs('reviews-rated.graphql')]);
    assert.equal(publish.code, 0, publish.stderr + publish.stdout);
    assert.deepEqual((await query(graphql, '{ products { rating } }')).data, { products: [{ rating: 5 }] });

    const rollback = await registry(['rollback', 'reviews']);
    assert.equal(rollback.code, 0, rollback.stderr + rollback.stdout);
    assert.match(rollback.stdout, /version 3 restores version 1 \(in service\)/);
    const gone = await query(graphql, '{ products { rating } }');
    assert.equal(gone.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');

    const list = await registry(['subgraphs']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^reviews\tregistry; v3 by team-reviews/m);
    assert.match(list.stdout, /^products\tconfig; in service/m);
  });

  it('answers usage errors with 2 and an unreachable gateway with 3', async () => {
    const missing = await registry(['publish', '--name', 'reviews']);
    assert.equal(missing.code, 2, missing.stderr);
    const closed = await runGatehouse(['subgraphs', '--admin', 'http://127.0.0.1:1/admin'], { env });
    assert.equal(closed.code, 3, closed.stderr);
  });
});

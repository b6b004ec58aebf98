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
/** `Product.id` a String: does not compose with products (where it is an ID). */
const REVIEWS_CLASH = `${fed2('@key')}
type Query { topReview: String }
type Product @key(fields: "id") { id: String! reviews: [String!]! }`;
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

  const adminGet = async (path: string) =>
    (await fetch(`${admin}/${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();

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
    writeFileSync(join(dir, 'reviews-clash.graphql'), REVIEWS_CLASH);
    writeFileSync(join(dir, 'reviews-syntax.graphql'), `${REVIEWS}\ntype Broken {`);
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
    // The CLI's way to force it, not the admin API's.
    assert.match(publish.stderr, /--force publishes anyway/);
    assert.doesNotMatch(publish.stderr, /\?force=true/);
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
    assert.match(list.stdout, /^reviews\tregistry; v3 in service; v3 by team-reviews at \S+; reachable$/m);
    assert.match(list.stdout, /^products\tconfig; in service; reachable$/m);
  });

  it('a forced version that does not compose: published, not in service, exit 1; listed and on /readyz', async () => {
    const forced = await registry(['publish', ...reviewsArgs('reviews-clash.graphql'), '--force']);
    assert.equal(forced.code, 1, forced.stderr + forced.stdout);
    assert.match(forced.stdout, /published reviews version 4 \(NOT in service/);

    const list = await registry(['subgraphs']);
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stdout,
      /^reviews\tregistry; v3 in service; newest v4 NOT in service; .*error: version 4 does not compose/m,
    );
    const listed = (await adminGet('subgraphs')) as { subgraphs: Record<string, unknown>[] };
    const byName = new Map(listed.subgraphs.map((s) => [s.name, s]));
    assert.deepEqual([byName.get('reviews')?.version, byName.get('reviews')?.versionInService], [4, 3]);
    assert.deepEqual(
      [byName.get('products')?.source, byName.get('products')?.kind, byName.get('products')?.url],
      ['config', 'federation', products.url],
    );

    const ready = (await (await fetch(`${new URL(graphql).origin}/readyz`)).json()) as {
      compositionProblems?: string[];
      subgraphs?: { name: string; error?: string }[];
    };
    assert.ok((ready.compositionProblems ?? []).length > 0, JSON.stringify(ready));
    assert.match(
      ready.subgraphs?.find((s) => s.name === 'reviews')?.error ?? '',
      /version 4 does not compose/,
    );

    const versions = await registry(['versions', 'reviews']);
    assert.equal(versions.code, 0, versions.stderr);
    assert.deepEqual(
      versions.stdout
        .trim()
        .split('\n')
        .map((line) => line.replace(/\tby \S+ at [^;\s]+/, '')),
      ['v4', 'v3; restores v1; in service', 'v2', 'v1'],
    );
  });

  it('a schema that does not parse is a bad entry (exit 2), named with its file', async () => {
    for (const command of ['check', 'publish']) {
      const bad = await registry([command, ...reviewsArgs('reviews-syntax.graphql')]);
      assert.equal(bad.code, 2, bad.stderr + bad.stdout);
      assert.match(bad.stderr, /reviews-syntax\.graphql: Syntax Error/);
    }
  });

  it('says the admin routes as templates on a 404', async () => {
    const response = await fetch(`${admin}/nowhere`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(response.status, 404);
    const { errors } = (await response.json()) as { errors: { message: string }[] };
    assert.match(errors[0]!.message, /GET \/admin\/subgraphs\/<name>\/versions/);
    assert.doesNotMatch(errors[0]!.message, /\\/);
  });

  it('answers usage errors with 2 and an unreachable gateway with 3', async () => {
    const missing = await registry(['publish', '--name', 'reviews']);
    assert.equal(missing.code, 2, missing.stderr);
    for (const args of [
      ['subgraphs', 'reviews'],
      ['check', '--force', ...reviewsArgs('reviews.graphql')],
      ['versions'],
    ]) {
      const refused = await registry(args);
      assert.equal(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
    }
    const closed = await runGatehouse(['subgraphs', '--admin', 'http://127.0.0.1:1/admin'], { env });
    assert.equal(closed.code, 3, closed.stderr);
  });
});

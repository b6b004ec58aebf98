/**
 * The README's flow: `gatehouse compose -o supergraph.graphql`, then serve that file. REST and
 * plain GraphQL backends run in the gateway, so the file is marked; it is served with the config
 * that defines them (`--config --supergraph`, `supergraph` in the config, or GATEHOUSE_SUPERGRAPH),
 * and refused without it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunningServer } from '../../subgraphs/lib/serve-graphql.ts';
import { type RestServer, startRestServer } from '../fixtures/rest/rest-server.ts';
import { shopApi } from '../fixtures/rest/shop-api.ts';
import { runGatehouse, spawnGatehouse } from '../helpers/cli.ts';
import { type Accounts, startAccounts, startReviews } from './graphql-service.fixtures.ts';

const SHOP_SDL = fileURLToPath(new URL('../fixtures/rest/shop.graphql', import.meta.url));

async function postQuery(url: string, query: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

describe('gatehouse compose, then serving its file', () => {
  let api: RestServer;
  let accounts: Accounts;
  let reviews: RunningServer;
  let dir: string;
  let config: string;
  let supergraph: string;
  before(async () => {
    [api, accounts, reviews] = await Promise.all([
      startRestServer(shopApi()),
      startAccounts(),
      startReviews(),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-compose-serve-'));
    config = join(dir, 'gatehouse.yaml');
    supergraph = join(dir, 'supergraph.graphql');
    writeFileSync(
      config,
      [
        'subgraphs:',
        `  - { name: shop, kind: rest, url: "${api.url}", schemaFile: "${SHOP_SDL}" }`,
        `  - name: accounts`,
        `    kind: graphql`,
        `    url: "${accounts.url}"`,
        '    lookups:',
        '      - { type: User, field: user }',
        '      - { type: Membership, key: "userId orgId", field: membership, argument: key }',
        `  - { name: reviews, kind: federation, url: "${reviews.url}" }`,
        '',
      ].join('\n'),
    );
    const composed = await runGatehouse(['compose', '--config', config, '--output', supergraph]);
    assert.equal(composed.code, 0, composed.stderr);
  });
  after(async () => {
    await Promise.all([api?.close(), accounts?.close(), reviews?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('marks the subgraphs that run in the gateway', () => {
    assert.match(readFileSync(supergraph, 'utf8'), /^# gatehouse:in-process shop=rest accounts=graphql\n/);
  });

  it('serves the file with --config: REST and plain GraphQL backends run in process', async () => {
    const gateway = spawnGatehouse(['--config', config, '--supergraph', supergraph, '--port', '0']);
    try {
      const url = await gateway.listening();
      // A REST call, not a GraphQL POST to the REST base URL.
      const shop = await postQuery(url, '{ product(id: "p1") { name } }');
      assert.deepEqual(shop, { data: { product: { name: 'Chair' } } });
      // Entities of the plain GraphQL service through its lookup, not `_entities`.
      const joined = await postQuery(url, '{ reviews { id author { name } } }');
      assert.equal(joined.errors, undefined, JSON.stringify(joined.errors));
      const names = ((joined.data?.reviews ?? []) as Array<{ author: { name: string } }>).map(
        (r) => r.author.name,
      );
      assert.deepEqual(names, ['Brian', 'Ada', 'Brian', 'Chen', 'Ada']);
    } finally {
      gateway.kill();
    }
  });

  const serveAndQuery = async (args: string[], env?: Record<string, string>) => {
    const gateway = spawnGatehouse([...args, '--port', '0'], { env });
    try {
      const url = await gateway.listening();
      return await postQuery(url, '{ product(id: "p1") { name } }');
    } finally {
      gateway.kill();
    }
  };

  it('serves the file named by `supergraph` in the config beside its subgraphs', async () => {
    const both = join(dir, 'both.yaml');
    writeFileSync(both, `supergraph: "${supergraph}"\n${readFileSync(config, 'utf8')}`);
    assert.deepEqual(await serveAndQuery(['--config', both]), { data: { product: { name: 'Chair' } } });
  });

  it('serves the file named by GATEHOUSE_SUPERGRAPH with the config', async () => {
    assert.deepEqual(await serveAndQuery(['--config', config], { GATEHOUSE_SUPERGRAPH: supergraph }), {
      data: { product: { name: 'Chair' } },
    });
  });

  it('refuses the file without the config that defines them: exit 1, saying to pass both', async () => {
    const { code, stderr } = await runGatehouse(['--supergraph', supergraph, '--port', '0']);
    assert.equal(code, 1);
    assert.match(stderr, /--config <file> --supergraph <file>/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });
});

/**
 * A supergraph file served with the config (`--config --supergraph`): a plain GraphQL service
 * runs in process; when it cannot be loaded at startup, the rest of the file is served, its
 * fields answer SUBGRAPH_NOT_LOADED, and it joins once it loads.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startConfig } from '../../gateway/config/start-options.ts';
import { createGateway, type Gateway } from '../../gateway/create-gateway.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import type { RunningServer } from '../../subgraphs/lib/serve-graphql.ts';
import { runGatehouse } from '../helpers/cli.ts';
import { waitFor } from '../helpers/fault-graph.ts';
import { type Accounts, startAccounts, startReviews } from './graphql-service.fixtures.ts';

async function query(gateway: Gateway, text: string) {
  const response = await gateway.yoga.fetch('http://gateway/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
  });
  return (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: Array<{ extensions?: { code?: string; serviceName?: string } }>;
  };
}

describe('a supergraph file with an in-process subgraph that is down at startup', () => {
  let reviews: RunningServer;
  let accounts: Accounts | undefined;
  let gateway: Gateway | undefined;
  let dir: string;
  before(async () => {
    reviews = await startReviews();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-file-in-process-'));
  });
  after(async () => {
    await gateway?.close();
    await accounts?.close();
    await reviews?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the rest, answers SUBGRAPH_NOT_LOADED for its fields, and adds it once it loads', async () => {
    accounts = await startAccounts();
    const port = accounts.port;
    const configFile = join(dir, 'gatehouse.yaml');
    writeFileSync(
      configFile,
      [
        'loading: { retryInitialDelay: 50, retryMaxDelay: 200 }',
        'subgraphs:',
        `  - { name: accounts, kind: graphql, url: "${accounts.url}", required: true, lookups: [{ type: User, field: user }, { type: Membership, key: "userId orgId", field: membership, argument: key }] }`,
        `  - { name: reviews, kind: federation, url: "${reviews.url}" }`,
        '',
      ].join('\n'),
    );
    const supergraphFile = join(dir, 'supergraph.graphql');
    const composed = await runGatehouse(['compose', '-c', configFile, '-o', supergraphFile]);
    assert.equal(composed.code, 0, composed.stderr);
    await accounts.close();
    accounts = undefined;

    const config = await startConfig({ configFile, supergraphFile });
    gateway = createGateway({ config, logger: silentLogger, env: {} });
    await gateway.start();
    const status = () => gateway!.supergraph.status();
    assert.equal(status().ready, false);
    assert.equal(status().subgraphs.find((s) => s.name === 'accounts')?.inService, false);

    const partial = await query(gateway, '{ reviews { id author { name } } }');
    assert.equal(partial.errors?.[0]?.extensions?.code, 'SUBGRAPH_NOT_LOADED');
    assert.equal(partial.errors?.[0]?.extensions?.serviceName, 'accounts');

    accounts = await startAccounts(port);
    await waitFor(() => status().ready, 'the in-process subgraph to load');
    const full = await query(gateway, '{ reviews { id author { name } } }');
    assert.equal(full.errors, undefined, JSON.stringify(full.errors));
  });
});

/**
 * `admin.port`: the admin endpoint on a listener of its own (real loopback), and not on the
 * gateway's port, where its path answers 404. `createGateway().listen()` opens it and says its
 * URL; `serve()` keeps one admin listener across reloads, serving the admin endpoint of the
 * gateway in service (a reload that changes the admin token is seen on the same port).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type GatehouseConfigInput, resolveConfig } from '../../gateway/config/index.ts';
import { createGateway } from '../../gateway/create-gateway.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import { serve } from '../../gateway/main.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';

const TOKEN = 'admin-port-test-token-0123456789';
const NEXT_TOKEN = 'admin-port-test-token-after-reload';
const PRODUCTS = `${fed2('@key')}
type Query { products: [Product!]! }
type Product @key(fields: "id") { id: ID! name: String }`;

const purge = (url: string, token: string) =>
  fetch(`${url}/cache/purge`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'Product' }),
  });

describe('admin.port', () => {
  let products: RunningServer;
  before(async () => {
    products = await serveGraphQL({
      schema: apolloSubgraph(PRODUCTS, { Query: { products: () => [{ id: '1', name: 'Lamp' }] } }),
    });
    process.env.GATEHOUSE_LOG_LEVEL = 'silent';
  });
  after(async () => {
    delete process.env.GATEHOUSE_LOG_LEVEL;
    await products?.close();
  });

  const config = (token: string, admin: GatehouseConfigInput['admin'] = {}) =>
    resolveConfig(
      {
        server: { host: '127.0.0.1', port: 0 },
        loading: { retryInitialDelay: 50, retryMaxDelay: 200 },
        admin: { enabled: true, token, port: 0, ...admin },
        subgraphs: [{ name: 'products', kind: 'federation', url: products.url }],
      },
      { env: {} },
    );

  it('serves the admin endpoint on its own port, and 404 at its path on the gateway port', async () => {
    const gateway = createGateway({ config: config(TOKEN), logger: silentLogger, env: {} });
    try {
      const { url, adminUrl } = await gateway.listen();
      assert.ok(adminUrl !== undefined);
      const admin = new URL(adminUrl);
      assert.equal(admin.pathname, '/admin');
      assert.notEqual(admin.port, new URL(url).port);

      const answer = await purge(adminUrl, TOKEN);
      assert.equal(answer.status, 200);
      assert.equal(((await answer.json()) as { purged: number }).purged, 0);
      assert.equal((await purge(adminUrl, 'not-the-admin-token-at-all')).status, 401);

      // The gateway's port: no admin endpoint, with the token or without.
      const onMain = await purge(new URL('/admin', url).href, TOKEN);
      assert.equal(onMain.status, 404);
      await onMain.body?.cancel();
      // The admin port: nothing but the admin endpoint.
      for (const path of ['/graphql', '/healthz', '/administrator']) {
        const other = await fetch(new URL(path, admin), { headers: { authorization: `Bearer ${TOKEN}` } });
        assert.equal(other.status, 404, path);
        await other.body?.cancel();
      }
      // The gateway still serves GraphQL on its port.
      const graphql = await fetch(new URL('/graphql', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ products { id } }' }),
      });
      assert.deepEqual(await graphql.json(), { data: { products: [{ id: '1' }] } });
    } finally {
      await gateway.close();
    }
  });

  it('answers what node:http parses but the fetch API refuses (TRACE, a URL that is not one), and serves on', async () => {
    const gateway = createGateway({ config: config(TOKEN), logger: silentLogger, env: {} });
    try {
      const { adminUrl } = await gateway.listen();
      const port = Number(new URL(adminUrl!).port);
      const statusOf = (requestLine: string) =>
        new Promise<string>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1', () =>
            socket.end(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
          );
          let text = '';
          socket.on('data', (chunk) => {
            text += chunk;
          });
          socket.on('end', () => resolve(text.split('\r\n', 1)[0] ?? ''));
          socket.on('error', reject);
        });
      assert.match(await statusOf('TRACE /admin HTTP/1.1'), / 405 /);
      assert.match(await statusOf('GET http://[ HTTP/1.1'), / 400 /);
      // Still serving (the process would have ended on an error thrown from the listener).
      assert.equal((await purge(adminUrl!, TOKEN)).status, 200);
    } finally {
      await gateway.close();
    }
  });

  it('keeps one admin listener across serve() reloads, serving the gateway in service', async () => {
    const gateway = await serve(config(TOKEN));
    let adminUrl: string | undefined;
    try {
      const listening = await gateway.listen();
      const { url } = listening;
      adminUrl = listening.adminUrl;
      assert.ok(adminUrl !== undefined);
      assert.equal((await purge(adminUrl, TOKEN)).status, 200);
      const onMain = await purge(new URL('/admin', url).href, TOKEN);
      assert.equal(onMain.status, 404);
      await onMain.body?.cancel();

      const reloaded = await gateway.reload(config(NEXT_TOKEN));
      assert.equal(reloaded.ok, true, reloaded.problems.join('\n'));
      assert.equal((await gateway.listen()).adminUrl, adminUrl);
      // The same port, the new gateway's admin endpoint: the new token, not the old.
      assert.equal((await purge(adminUrl, NEXT_TOKEN)).status, 200);
      assert.equal((await purge(adminUrl, TOKEN)).status, 401);
    } finally {
      await gateway.close();
    }
    // Closed with the gateway.
    await assert.rejects(purge(adminUrl, NEXT_TOKEN));
  });
});

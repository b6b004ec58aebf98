import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkConfig } from '../../gateway/config/index.ts';
import { buildSubgraphSchema } from '../../schema/federation/build-subgraph-schema.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const preflight = (gateway: TestGateway, origin: string) =>
  gateway.yoga.fetch('http://gateway/graphql', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });

describe('cross-origin browser access', () => {
  let subgraph: RunningServer;
  let closed: TestGateway;
  let open: TestGateway;
  before(async () => {
    subgraph = await serveGraphQL({
      schema: buildSubgraphSchema({
        typeDefs: 'type Query { hello: String }',
        resolvers: { Query: { hello: () => 'hi' } },
      }),
    });
    const subgraphs = [{ name: 'hello', kind: 'federation' as const, url: subgraph.url }];
    closed = await startTestGateway({ subgraphs });
    open = await startTestGateway({
      subgraphs,
      server: { cors: { origins: ['https://app.example.com'], credentials: true } },
    });
  });
  after(async () => {
    await closed?.close();
    await open?.close();
    await subgraph?.close();
  });

  it('sends no CORS headers by default, so other sites cannot read answers', async () => {
    const response = await preflight(closed, 'https://evil.example');
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
  });

  it('allows the configured origins, with credentials when asked, and no others', async () => {
    const allowed = await preflight(open, 'https://app.example.com');
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
    const other = await preflight(open, 'https://evil.example');
    assert.notEqual(other.headers.get('access-control-allow-origin'), 'https://evil.example');
  });

  it('rejects credentials with origin "*" in the config', () => {
    const { problems } = checkConfig(
      {
        subgraphs: [{ name: 'a', kind: 'federation', url: 'http://127.0.0.1:1/graphql' }],
        server: { cors: { origins: ['*'], credentials: true } },
      },
      { env: {} },
    );
    assert.deepEqual(
      problems?.map((p) => p.path),
      ['server.cors.credentials'],
    );
  });
});

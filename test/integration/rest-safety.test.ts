import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RestServer, startRestServer } from '../fixtures/rest/rest-server.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const SDL = /* GraphQL */ `
  type Query {
    file(name: String!, ext: String!): File @rest(path: "/files/{args.name}.{args.ext}")
    orders(userId: String!): [Order] @rest(path: "/users/{args.userId}/orders")
    whoami(tenant: String): String @rest(path: "/whoami", headers: ["X-Tenant: {args.tenant}"], select: "name")
    moved: String @rest(path: "/moved", select: "name")
  }
  type Mutation { ping: Boolean @rest(method: POST, path: "/ping") }
  type File { name: String }
  type Order { id: ID }
`;

describe('REST calls built from client input', () => {
  let api: RestServer;
  let gateway: TestGateway;
  let dir: string;
  before(async () => {
    api = await startRestServer((request) => {
      if (request.path === '/moved' || request.path === '/ping') return { status: 302 };
      if (request.path === '/whoami') return { json: { name: String(request.headers['x-tenant']) } };
      return { json: request.path.startsWith('/files') ? { name: request.path } : [{ id: '1' }] };
    });
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-rest-safety-'));
    const schemaFile = join(dir, 'api.graphql');
    await writeFile(schemaFile, SDL);
    gateway = await startTestGateway({
      subgraphs: [{ kind: 'rest', name: 'api', url: api.url, schemaFile }],
    });
  });
  after(async () => {
    await gateway?.close();
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('makes no call when values would leave a path segment empty or a dot segment', async () => {
    api.reset();
    const { body } = await gateway.query(
      '{ a: file(name: "", ext: "") { name } b: orders(userId: "") { id } }',
    );
    assert.deepEqual(body.data, { a: null, b: null });
    assert.equal(api.requests.length, 0);
    const ok = await gateway.query('{ file(name: "report", ext: "pdf") { name } }');
    assert.deepEqual(ok.body.data, { file: { name: '/files/report.pdf' } });
  });

  it('refuses a header value with a line break as BAD_USER_INPUT, without calling the API', async () => {
    api.reset();
    const { body } = await gateway.query('query ($t: String) { whoami(tenant: $t) }', {
      t: 'a\r\nX-Evil: 1',
    });
    assert.deepEqual(body.data, { whoami: null });
    assert.deepEqual(
      body.errors?.map((e) => e.extensions?.code),
      ['BAD_USER_INPUT'],
    );
    assert.equal(api.requests.length, 0);
  });

  it('treats a redirect as an HTTP error, for queries and mutations', async () => {
    const query = await gateway.query('{ moved }');
    assert.deepEqual(query.body.data, { moved: null });
    assert.equal(query.body.errors?.[0]?.extensions?.code, 'REST_HTTP_ERROR');
    assert.equal(query.body.errors?.[0]?.extensions?.upstreamStatus, 302);
    const mutation = await gateway.query('mutation { ping }');
    assert.deepEqual(mutation.body.data, { ping: null });
    assert.equal(mutation.body.errors?.[0]?.extensions?.code, 'REST_HTTP_ERROR');
  });
});

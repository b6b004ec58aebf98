/**
 * The auth room's refusal is the answer, whatever the rooms after it would say (Yoga runs every
 * `onParams` hook, and the last `setResult` would win): a request with no credential where one is
 * required, or with a bad one, gets 401 and `WWW-Authenticate` even when it sends a document id
 * nobody holds, variables past the limits, or an APQ registration, and nothing is stored; and
 * before a schema is in service, 401 rather than SCHEMA_NOT_READY. On the JSON fast path (POST)
 * and on Yoga's path (GET), over HTTP.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hashApiKey } from '../../gateway/auth/index.ts';
import { type RunningServer, serveGraphQL } from '../../subgraphs/lib/serve-graphql.ts';
import { apolloSubgraph, fed2 } from '../federation/harness.ts';
import { PATHS, type Path } from '../helpers/auth.ts';
import { CLOSED_PORT } from '../helpers/fault-servers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

const KEY = randomBytes(24).toString('base64url');
const QUERY = '{ hello }';
const HASH = createHash('sha256').update(QUERY).digest('hex');
const persisted = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });
const deep = JSON.parse(`${'['.repeat(40)}1${']'.repeat(40)}`);

interface Sent {
  query?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

/** Sends `body` by `path`: a JSON POST (the fast path) or a GET with the same parameters. */
async function send(url: string, path: Path, body: Sent, headers: Record<string, string> = {}) {
  const accept = { accept: 'application/graphql-response+json' };
  let response: Response;
  if (path === 'fast path (POST)') {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...accept, ...headers },
      body: JSON.stringify(body),
    });
  } else {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(body)) {
      search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    response = await fetch(`${url}?${search}`, { headers: { ...accept, ...headers } });
  }
  const json = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get('www-authenticate'),
    codes: json.errors?.map((e) => e.extensions?.code),
  };
}

let subgraph: RunningServer;
before(async () => {
  subgraph = await serveGraphQL({
    schema: apolloSubgraph(`${fed2('@key')} type Query { hello: String }`, {
      Query: { hello: () => 'world' },
    }),
  });
});
after(() => subgraph?.close());

describe('auth refusals end the request (auth.required, API keys, APQ)', () => {
  let gateway: TestGateway;
  let url: string;
  before(async () => {
    gateway = await startTestGateway({
      subgraphs: [{ name: 'a', kind: 'federation', url: subgraph.url }],
      auth: { required: true, apiKeys: { keys: [{ id: 'k', sha256: hashApiKey(KEY) }] } },
      trustedDocuments: { apq: { enabled: true } },
    });
    url = (await gateway.listen()).url;
  });
  after(() => gateway?.close());

  const callers: Array<{ who: string; headers: Record<string, string>; challenge: string }> = [
    { who: 'no credential', headers: {}, challenge: 'Bearer realm="gatehouse"' },
    {
      who: 'a bad API key',
      headers: { 'x-api-key': 'not-a-key' },
      challenge: 'Bearer realm="gatehouse", error="invalid_token"',
    },
  ];
  const requests: Array<{ what: string; body: Sent }> = [
    { what: 'an unknown persisted id', body: { extensions: persisted('a'.repeat(64)) } },
    { what: 'variables past maxVariableDepth', body: { query: QUERY, variables: { v: deep } } },
    { what: 'an APQ registration', body: { query: QUERY, extensions: persisted(HASH) } },
  ];

  for (const path of PATHS) {
    for (const caller of callers) {
      for (const request of requests) {
        it(`${path}: ${caller.who} with ${request.what} is a 401`, async () => {
          const before = subgraph.requests();
          const answer = await send(url, path, request.body, caller.headers);
          assert.equal(answer.status, 401);
          assert.deepEqual(answer.codes, ['UNAUTHENTICATED']);
          assert.equal(answer.wwwAuthenticate, caller.challenge);
          assert.equal(subgraph.requests(), before);
        });
      }
    }

    it(`${path}: a refused APQ registration stores nothing`, async () => {
      const byHash = { extensions: persisted(HASH) };
      const known = await send(url, path, byHash, { 'x-api-key': KEY });
      assert.deepEqual(known.codes, ['PERSISTED_QUERY_NOT_FOUND']);
      // The registrations above (refused), and the ones that follow here: none is kept.
      for (const headers of [{}, { 'x-api-key': 'not-a-key' }] as Record<string, string>[]) {
        assert.equal((await send(url, path, { query: QUERY, ...byHash }, headers)).status, 401);
      }
      const after = await send(url, path, byHash, { 'x-api-key': KEY });
      assert.deepEqual(after.codes, ['PERSISTED_QUERY_NOT_FOUND']);
    });
  }

  it('a valid key still registers and runs by hash (the rooms after auth still act)', async () => {
    const query = '{ __typename hello }';
    const hash = createHash('sha256').update(query).digest('hex');
    const headers = { 'x-api-key': KEY };
    const first = await send(url, 'fast path (POST)', { query, extensions: persisted(hash) }, headers);
    assert.equal(first.status, 200);
    assert.equal(first.codes, undefined);
    const again = await send(url, 'Yoga (GET)', { extensions: persisted(hash) }, headers);
    assert.equal(again.status, 200);
    assert.equal(again.codes, undefined);
  });
});

describe('auth refusals end the request: before a schema is in service', () => {
  let gateway: TestGateway;
  let url: string;
  before(async () => {
    gateway = await startTestGateway({
      subgraphs: [{ name: 'late', kind: 'federation', url: `http://127.0.0.1:${CLOSED_PORT}/graphql` }],
      auth: { required: true, apiKeys: { keys: [{ id: 'k', sha256: hashApiKey(KEY) }] } },
    });
    url = (await gateway.listen()).url;
  });
  after(() => gateway?.close());

  for (const path of PATHS) {
    it(`${path}: no credential is a 401, not SCHEMA_NOT_READY; a valid one gets the 503`, async () => {
      const refused = await send(url, path, { query: QUERY });
      assert.equal(refused.status, 401);
      assert.deepEqual(refused.codes, ['UNAUTHENTICATED']);
      const served = await send(url, path, { query: QUERY }, { 'x-api-key': KEY });
      assert.equal(served.status, 503);
      assert.deepEqual(served.codes, ['SCHEMA_NOT_READY']);
    });
  }
});

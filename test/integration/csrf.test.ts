/**
 * CSRF prevention over a real loopback socket, with the JSON fast path on and off: only POSTs of
 * `application/json` run; forms, `text/plain` and multipart (uploads off) get
 * UNSUPPORTED_MEDIA_TYPE (415) and never reach the subgraph; with `server.uploads`, a multipart
 * POST needs a preflight header (else BAD_REQUEST, 400); GET runs queries, never mutations (405).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { type ReviewGraph, startReviewGraph } from '../helpers/review-graph.ts';

const MUTATION = 'mutation { like }';

function multipart(query: string): { body: FormData } {
  const body = new FormData();
  body.set('operations', JSON.stringify({ query, variables: {} }));
  body.set('map', '{}');
  return { body };
}

describe('CSRF prevention', () => {
  let graph: ReviewGraph;
  const gateways: TestGateway[] = [];
  before(async () => {
    graph = await startReviewGraph();
  });
  after(async () => {
    for (const g of gateways) await g.close();
    await graph?.close();
  });

  const listening = async (server: Record<string, unknown>, auth?: Record<string, unknown>) => {
    const gateway = await startTestGateway({
      server,
      subgraphs: [{ name: 'reviews', kind: 'federation', url: graph.url }],
      ...(auth ? { auth } : {}),
    });
    gateways.push(gateway);
    const { url } = await gateway.listen();
    graph.reset();
    return url;
  };

  const code = async (response: Response) =>
    ((await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]
      ?.extensions?.code;

  for (const fastPath of [true, false]) {
    it(`fast path ${fastPath ? 'on' : 'off'}: only JSON POSTs and GET queries run`, async () => {
      const url = await listening({ fastPath });
      const refused: Array<[string, RequestInit]> = [
        [
          'form',
          {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ query: MUTATION }).toString(),
          },
        ],
        ['multipart', multipart(MUTATION)],
        [
          'text/plain',
          { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: MUTATION }) },
        ],
        ['application/graphql', { headers: { 'content-type': 'application/graphql' }, body: MUTATION }],
        ['no content type', { body: new Blob([JSON.stringify({ query: MUTATION })]) }],
      ];
      for (const [name, init] of refused) {
        const response = await fetch(url, { method: 'POST', ...init });
        assert.equal(response.status, 415, name);
        assert.equal(await code(response), 'UNSUPPORTED_MEDIA_TYPE', name);
      }
      const get = await fetch(`${url}?query=${encodeURIComponent(MUTATION)}`);
      assert.equal(get.status, 405);
      assert.equal(await code(get), 'BAD_REQUEST');
      assert.equal(graph.calls(), 0);

      const json = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ query: MUTATION }),
      });
      assert.equal(json.status, 200);
      assert.equal(graph.calls(), 1);
      const query = await fetch(`${url}?query=${encodeURIComponent('{ hello }')}`, {
        headers: { accept: 'application/json' },
      });
      assert.equal(query.status, 200);
    });
  }

  it('with server.uploads, a multipart POST runs only with a preflight header', async () => {
    const url = await listening({ uploads: true });
    const bare = await fetch(url, { method: 'POST', ...multipart(MUTATION) });
    assert.equal(bare.status, 400);
    assert.equal(await code(bare), 'BAD_REQUEST');
    assert.equal(graph.calls(), 0);
    const preflighted = await fetch(url, {
      method: 'POST',
      headers: { 'graphql-preflight': '1' },
      ...multipart(MUTATION),
    });
    assert.equal(preflighted.status, 200);
    assert.equal(graph.calls(), 1);
  });

  it('more media types can be allowed', async () => {
    const url = await listening({ csrf: { contentTypes: ['application/json', 'application/graphql'] } });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/graphql' },
      body: '{ hello }',
    });
    assert.equal(response.status, 200);
  });

  for (const fastPath of [true, false]) {
    it(`fast path ${fastPath ? 'on' : 'off'}: with a cookie credential, a GET operation needs a preflight header`, async () => {
      const url = await listening({ fastPath }, { token: { cookie: 'session' } });
      const get = `${url}?query=${encodeURIComponent('{ hello }')}`;
      const accept = { accept: 'application/json' };
      const bare = await fetch(get, { headers: { ...accept, cookie: 'session=abc' } });
      assert.equal(bare.status, 400);
      assert.equal(await code(bare), 'BAD_REQUEST');
      assert.equal(graph.calls(), 0);
      const preflighted = await fetch(get, { headers: { ...accept, 'graphql-preflight': '1' } });
      assert.equal(preflighted.status, 200);
      // POST JSON (GraphiQL's requests) is unaffected.
      const json = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...accept },
        body: JSON.stringify({ query: '{ hello }' }),
      });
      assert.equal(json.status, 200);
    });
  }

  it('with a cookie credential, a GET operation without cookies needs no preflight header', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!';
    const url = await listening(
      {},
      { token: { cookie: 'session' }, jwt: { jwks: { secret }, algorithms: ['HS256'] } },
    );
    const token = await new SignJWT({ sub: 'u' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    const get = `${url}?query=${encodeURIComponent('{ hello }')}`;
    const accept = { accept: 'application/json' };
    // Only a bearer token: a page cannot make a browser send it cross-site without a preflight.
    const bearer = await fetch(get, { headers: { ...accept, authorization: `Bearer ${token}` } });
    assert.equal(bearer.status, 200);
    assert.equal((await fetch(get, { headers: accept })).status, 200);
    // Any cookie sent along: the browser may have added it by itself.
    for (const cookie of [`session=${token}`, 'theme=dark']) {
      const withCookie = await fetch(get, {
        headers: { ...accept, authorization: `Bearer ${token}`, cookie },
      });
      assert.equal(withCookie.status, 400);
      assert.equal(await code(withCookie), 'BAD_REQUEST');
    }
    assert.equal(graph.calls(), 2);
  });

  it('without a cookie credential, a GET operation needs no preflight header', async () => {
    const url = await listening({});
    const query = await fetch(`${url}?query=${encodeURIComponent('{ hello }')}`, {
      headers: { accept: 'application/json' },
    });
    assert.equal(query.status, 200);
  });
});

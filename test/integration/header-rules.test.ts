/**
 * Header rules through the real gateway, seen by real loopback backends of every kind
 * (federation, plain GraphQL, REST) that record the headers they get: propagation (by name, by
 * regex, renamed, with a default), fixed and identity values, the claims header, removal,
 * per-subgraph rules, and what no rule can change: identity headers are never taken from the
 * client, hop-by-hop headers never forwarded, the trace context and request id always.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import {
  as,
  type Backends,
  QUERY,
  startBackends,
  subgraphsOf,
  testIdentity,
} from './header-rules.fixtures.ts';

const KINDS = ['reviews', 'accounts', 'catalog'] as const;
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('header rules', () => {
  let backends: Backends;
  let gateway: TestGateway;
  let introspection: IncomingHttpHeaders | undefined;
  before(async () => {
    backends = await startBackends();
    gateway = await startTestGateway(
      {
        subgraphs: subgraphsOf(backends),
        headers: {
          all: {
            request: [
              { propagate: { named: 'Authorization' } },
              { propagate: { named: 'x-client-name', rename: 'x-client', default: 'unknown' } },
              { propagate: { matching: '^x-feature-' } },
              { remove: { named: 'x-feature-secret' } },
              { insert: { name: 'x-gateway', value: 'gatehouse' } },
              { insert: { name: 'x-user-id', identity: 'subject' } },
              { insert: { name: 'x-tenant', identity: 'tenant' } },
              { insert: { name: 'x-scopes', identity: 'scopes' } },
              { insert: { name: 'x-org', claim: ['org', 'id'] } },
              { insert: { name: 'x-roles', claim: 'https://example.com/roles' } },
              { insert: { name: 'x-gatehouse-claims', identity: 'claims' } },
            ],
          },
          subgraphs: {
            catalog: {
              request: [
                { insert: { name: 'x-api-key', value: 'catalog-key' } },
                { remove: { matching: '^x-feature' } },
              ],
            },
          },
        },
      },
      { rooms: [testIdentity] },
    );
    // The plain GraphQL service was introspected at startup, for no client.
    introspection = backends.seen.accounts[0];
  });
  after(async () => {
    await gateway?.close();
    await backends?.close();
  });
  beforeEach(() => backends.reset());

  /** Runs the query that reaches every backend, with `headers`; returns what each backend got. */
  async function sent(headers: Record<string, string> = {}) {
    const { status, body } = await gateway.query(QUERY, {}, headers);
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    return backends.last();
  }

  it('forwards a client header by name to every kind of backend', async () => {
    const got = await sent({ authorization: 'Bearer abc' });
    for (const kind of KINDS) assert.equal(got[kind].authorization, 'Bearer abc', kind);
    // The REST API got two calls: the entity lookup and the `@rest` root field.
    assert.deepEqual(
      backends.catalog.requests.map((r) => r.headers.authorization),
      ['Bearer abc', 'Bearer abc'],
    );
  });

  it('renames a header, and sends its default when the client sent none', async () => {
    const named = await sent({ 'x-client-name': 'web' });
    const unnamed = await sent();
    for (const kind of KINDS) {
      assert.equal(named[kind]['x-client'], 'web', kind);
      assert.equal(named[kind]['x-client-name'], undefined, kind);
      assert.equal(unnamed[kind]['x-client'], 'unknown', kind);
    }
  });

  it('forwards headers whose name matches a regex, less those a later rule removes', async () => {
    const got = await sent({
      'x-feature-a': 'on',
      'X-Feature-B': 'off',
      'x-feature-secret': 's',
      'x-other': '1',
    });
    for (const kind of ['reviews', 'accounts'] as const) {
      assert.equal(got[kind]['x-feature-a'], 'on', kind);
      assert.equal(got[kind]['x-feature-b'], 'off', kind);
      assert.equal(got[kind]['x-feature-secret'], undefined, kind);
      assert.equal(got[kind]['x-other'], undefined, kind);
    }
    // The catalog's own rules, after `all`, remove them all.
    assert.equal(got.catalog['x-feature-a'], undefined);
  });

  it('inserts fixed values, for every subgraph and for one', async () => {
    const got = await sent();
    for (const kind of KINDS) assert.equal(got[kind]['x-gateway'], 'gatehouse', kind);
    assert.equal(got.catalog['x-api-key'], 'catalog-key');
    assert.equal(got.reviews['x-api-key'], undefined);
    assert.equal(got.accounts['x-api-key'], undefined);
  });

  it('sends the fixed values and defaults only on calls made for no client (schema loads)', () => {
    assert.equal(introspection?.['x-gateway'], 'gatehouse');
    assert.equal(introspection?.['x-client'], 'unknown');
    assert.equal(introspection?.['x-request-id'], undefined);
  });

  it('inserts values of the verified caller: subject, tenant, scopes, claims by name and path', async () => {
    const got = await sent(
      as({
        subject: 'user-1',
        tenant: 't-9',
        scopes: ['read', 'write'],
        claims: { sub: 'user-1', org: { id: 'o-7' }, 'https://example.com/roles': ['admin', 'ops'] },
      }),
    );
    for (const kind of KINDS) {
      assert.equal(got[kind]['x-user-id'], 'user-1', kind);
      assert.equal(got[kind]['x-tenant'], 't-9', kind);
      assert.equal(got[kind]['x-scopes'], 'read write', kind);
      assert.equal(got[kind]['x-org'], 'o-7', kind);
      assert.deepEqual(JSON.parse(String(got[kind]['x-roles'])), ['admin', 'ops'], kind);
    }
  });

  it('sends every verified claim as ASCII JSON in x-gatehouse-claims', async () => {
    const claims = { sub: 'user-1', name: 'José Ñandú 李', nested: { n: 1, ok: true } };
    const got = await sent(as({ subject: 'user-1', claims }));
    for (const kind of KINDS) {
      const header = String(got[kind]['x-gatehouse-claims']);
      assert.match(header, /^[\x20-\x7e]+$/, kind);
      assert.deepEqual(JSON.parse(header), claims, kind);
    }
  });

  it('never forwards a client copy of a header set from identity, anonymous or not', async () => {
    const spoofed = { 'x-user-id': 'admin', 'x-tenant': 'evil', 'x-gatehouse-claims': '{"sub":"admin"}' };
    const anonymous = await sent(spoofed);
    const known = await sent({ ...spoofed, ...as({ subject: 'user-1', claims: { sub: 'user-1' } }) });
    for (const kind of KINDS) {
      assert.equal(anonymous[kind]['x-user-id'], undefined, kind);
      assert.equal(anonymous[kind]['x-tenant'], undefined, kind);
      assert.equal(anonymous[kind]['x-gatehouse-claims'], undefined, kind);
      assert.equal(known[kind]['x-user-id'], 'user-1', kind);
      assert.equal(known[kind]['x-tenant'], undefined, kind);
      assert.deepEqual(JSON.parse(String(known[kind]['x-gatehouse-claims'])), { sub: 'user-1' }, kind);
    }
  });

  it('always forwards traceparent, tracestate and the client request id, returned in the response', async () => {
    const response = await gateway.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: TRACEPARENT,
        tracestate: 'vendor=1',
        'x-request-id': 'req-42',
      },
      body: JSON.stringify({ query: QUERY }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-request-id'), 'req-42');
    const got = backends.last();
    for (const kind of KINDS) {
      assert.equal(got[kind].traceparent, TRACEPARENT, kind);
      assert.equal(got[kind].tracestate, 'vendor=1', kind);
      assert.equal(got[kind]['x-request-id'], 'req-42', kind);
    }
  });

  it('generates a request id when the client sent none (or an unusable one) and returns it', async () => {
    for (const sentId of [undefined, 'has spaces', 'x'.repeat(201)]) {
      backends.reset();
      const response = await gateway.yoga.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: 'not-a-traceparent',
          ...(sentId === undefined ? {} : { 'x-request-id': sentId }),
        },
        body: JSON.stringify({ query: QUERY }),
      });
      const id = response.headers.get('x-request-id');
      assert.match(String(id), /^[0-9a-f-]{36}$/);
      const got = backends.last();
      for (const kind of KINDS) {
        assert.equal(got[kind]['x-request-id'], id, kind);
        assert.equal(got[kind].traceparent, undefined, kind);
      }
    }
  });

  it('returns the request id on refused operations too', async () => {
    const response = await gateway.yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        'x-request-id': 'req-bad',
      },
      body: JSON.stringify({ query: '{ nope }' }),
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('x-request-id'), 'req-bad');
  });

  describe('values a header cannot carry', () => {
    it('refuses a claim value with a line break: HEADER_VALUE_INVALID, nothing sent', async () => {
      const { status, body } = await gateway.query(
        QUERY,
        {},
        as({ subject: 'user-1\r\nx-admin: true', claims: { sub: 'x' } }),
      );
      assert.equal(status, 400);
      assert.deepEqual(
        body.errors?.map((e) => e.extensions?.code),
        ['HEADER_VALUE_INVALID'],
      );
      assert.equal(backends.count(), 0);
    });

    it('percent-encodes a value from identity that is not printable ASCII, never refuses it', async () => {
      const got = await sent(as({ subject: 'José', claims: { org: { id: 'Zürich 100%' } } }));
      for (const kind of KINDS) {
        assert.equal(got[kind]['x-user-id'], 'Jos%C3%A9', kind);
        assert.equal(decodeURIComponent(String(got[kind]['x-org'])), 'Zürich 100%', kind);
      }
    });

    it('refuses a client value with a control character that a rule would forward', async () => {
      const { status, body } = await gateway.query(QUERY, {}, { authorization: 'Bearer a\u0001b' });
      assert.equal(status, 400);
      assert.equal(body.errors?.[0]?.extensions?.code, 'HEADER_VALUE_INVALID');
      assert.equal(backends.count(), 0);
      // A header no rule forwards is not looked at.
      const ignored = await gateway.query(QUERY, {}, { 'x-ignored': 'a\u0001b' });
      assert.equal(ignored.status, 200);
    });
  });
});

describe('headers no rule can forward, over a real socket', () => {
  let backends: Backends;
  let gateway: TestGateway;
  let port: number;
  before(async () => {
    backends = await startBackends();
    gateway = await startTestGateway({
      subgraphs: subgraphsOf(backends),
      // Forwards every client header it may: what is left out below is left out by the gateway.
      headers: {
        all: {
          request: [
            { propagate: { matching: '.*' } },
            { insert: { name: 'x-user-id', identity: 'subject' } },
          ],
        },
      },
    });
    ({ port } = await gateway.listen());
  });
  after(async () => {
    await gateway?.close();
    await backends?.close();
  });
  beforeEach(() => backends.reset());

  /** POSTs the query on a socket with `headers`; resolves with the status and response headers. */
  function post(headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders }> {
    const body = JSON.stringify({ query: QUERY });
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/graphql',
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...headers,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('never forwards hop-by-hop headers, those named in Connection, the gateway namespace or identity headers', async () => {
    const { status } = await post({
      connection: 'keep-alive, x-hop',
      'keep-alive': 'timeout=5',
      'x-hop': 'listed in connection',
      te: 'trailers',
      upgrade: 'h2c',
      'proxy-authorization': 'Basic cHJveHk=',
      'proxy-custom': '1',
      'accept-encoding': 'gzip, br',
      'x-gatehouse-internal': 'spoofed',
      // The client's case kept on the wire: an identity header is dropped whatever its case.
      'X-User-Id': 'admin',
      // What CGI-style backends read as HTTP_X_USER_ID and HTTP_X_GATEHOUSE_CLAIMS.
      x_user_id: 'admin',
      'x.gatehouse.claims': '{"sub":"admin"}',
      'x-kept': 'yes',
    });
    assert.equal(status, 200);
    const got = backends.last();
    for (const kind of KINDS) {
      const headers: IncomingHttpHeaders = got[kind];
      assert.equal(headers['x-kept'], 'yes', kind);
      for (const name of [
        'keep-alive',
        'x-hop',
        'te',
        'upgrade',
        'proxy-authorization',
        'proxy-custom',
        'accept-encoding',
        'x-gatehouse-internal',
        'x-user-id',
        'x_user_id',
        'x.gatehouse.claims',
      ]) {
        assert.equal(headers[name], undefined, `${kind}: ${name}`);
      }
      assert.notEqual(headers.connection, 'keep-alive, x-hop', kind);
      assert.equal(
        headers.host,
        new URL(kind === 'catalog' ? backends.catalog.url : backends[kind].url).host,
        kind,
      );
    }
  });

  it('returns the request id sent to the backends in the response (JSON fast path)', async () => {
    const { status, headers } = await post({ traceparent: TRACEPARENT });
    assert.equal(status, 200);
    const id = headers['x-request-id'];
    assert.match(String(id), /^[0-9a-f-]{36}$/);
    const got = backends.last();
    for (const kind of KINDS) {
      assert.equal(got[kind]['x-request-id'], id, kind);
      assert.equal(got[kind].traceparent, TRACEPARENT, kind);
    }
  });

  it('a client value with a line break never reaches a backend (refused by the HTTP parser)', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      import('node:net').then(({ connect }) => {
        const body = JSON.stringify({ query: QUERY });
        const socket = connect(port, '127.0.0.1', () =>
          socket.end(
            `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Injected: a\rx-admin: true\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          ),
        );
        let data = '';
        socket.on('data', (chunk) => {
          data += chunk;
        });
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      }, reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.equal(backends.count(), 0);
  });
});

describe('credential headers and matching rules', () => {
  let backends: Backends;
  let gateway: TestGateway;
  before(async () => {
    backends = await startBackends();
    gateway = await startTestGateway({
      subgraphs: subgraphsOf(backends),
      auth: {
        apiKeys: {
          header: 'x-key',
          keys: [{ id: 'svc', sha256: createHash('sha256').update('key-1').digest('hex') }],
        },
      },
      headers: {
        all: {
          request: [{ propagate: { matching: '.*' } }, { propagate: { named: 'cookie' } }],
        },
      },
    });
  });
  after(async () => {
    await gateway?.close();
    await backends?.close();
  });

  it('a matching rule never forwards authorization, cookie or the auth config headers; a named rule does', async () => {
    const { status, body } = await gateway.query(
      QUERY,
      {},
      { 'x-key': 'key-1', authorization: 'Basic dXNlcjpwYXNz', cookie: 'session=s1', 'x-other': '1' },
    );
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    const got = backends.last();
    for (const kind of KINDS) {
      assert.equal(got[kind]['x-other'], '1', kind);
      assert.equal(got[kind]['x-key'], undefined, kind);
      assert.equal(got[kind].authorization, undefined, kind);
      assert.equal(got[kind].cookie, 'session=s1', kind);
    }
  });
});

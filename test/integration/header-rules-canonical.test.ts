/**
 * Header names as CGI-style backends (WSGI, Rack, PHP) read them, `-` and `_` alike: a client's
 * `x_internal_auth` is never forwarded beside the `x-internal-auth` a rule inserts (fixed value or
 * identity; both read as HTTP_X_INTERNAL_AUTH), and a `remove` rule removes every spelling of the
 * name it names or matches. Seen by real loopback backends of every kind.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { type Backends, QUERY, startBackends, subgraphsOf } from './header-rules.fixtures.ts';

const KINDS = ['reviews', 'accounts', 'catalog'] as const;

describe('header rules: names compared as backends read them', () => {
  let backends: Backends;
  let gateway: TestGateway;
  before(async () => {
    backends = await startBackends();
    gateway = await startTestGateway({
      subgraphs: subgraphsOf(backends),
      headers: {
        all: {
          request: [
            { propagate: { matching: '^x' } },
            { insert: { name: 'x-internal-auth', value: 's3cret' } },
            { remove: { named: 'x-feature-debug-mode' } },
            { remove: { matching: '^x-trace-debug-' } },
          ],
        },
        subgraphs: { catalog: { request: [{ insert: { name: 'x-catalog-key', value: 'k' } }] } },
      },
    });
  });
  after(async () => {
    await gateway?.close();
    await backends?.close();
  });
  beforeEach(() => backends.reset());

  async function sent(headers: Record<string, string>) {
    const { status, body } = await gateway.query(QUERY, {}, headers);
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    return backends.last();
  }

  it("drops a client's copy, in any spelling, of a header a rule inserts with a fixed value", async () => {
    const got = await sent({
      x_internal_auth: 'spoofed',
      'x.internal.auth': 'spoofed',
      'X-Internal-Auth': 'spoofed',
      // Inserted for one subgraph only: a client copy is dropped for every one.
      x_catalog_key: 'spoofed',
      'x-kept': 'yes',
    });
    for (const kind of KINDS) {
      const headers = got[kind];
      assert.equal(headers['x-internal-auth'], 's3cret', kind);
      assert.equal(headers['x-kept'], 'yes', kind);
      for (const name of ['x_internal_auth', 'x.internal.auth', 'x_catalog_key']) {
        assert.equal(headers[name], undefined, `${kind}: ${name}`);
      }
    }
    assert.equal(got.catalog['x-catalog-key'], 'k');
    assert.equal(got.reviews['x-catalog-key'], undefined);
  });

  it('a remove rule removes every spelling of the name it names or matches', async () => {
    const got = await sent({
      'x-feature-debug_mode': 'on',
      x_feature_debug_mode: 'on',
      'x-feature-debug-mode': 'on',
      x_trace_debug_level: '9',
      'x-feature-other': 'kept',
    });
    for (const kind of KINDS) {
      const headers = got[kind];
      assert.equal(headers['x-feature-other'], 'kept', kind);
      for (const name of [
        'x-feature-debug_mode',
        'x_feature_debug_mode',
        'x-feature-debug-mode',
        'x_trace_debug_level',
      ]) {
        assert.equal(headers[name], undefined, `${kind}: ${name}`);
      }
    }
  });
});

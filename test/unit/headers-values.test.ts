/** Header values from identity (claims by name and path, ASCII JSON) and the correlation headers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Identity } from '../../core/identity.ts';
import { correlationHeaders, requestIdOf } from '../../gateway/headers/correlation.ts';
import {
  asciiJson,
  claimValue,
  encodeIdentityValue,
  identityValue,
} from '../../gateway/headers/identity-values.ts';

const identity = (claims: Record<string, unknown>): Identity => ({
  kind: 'jwt',
  subject: 's',
  scopes: new Set(['a', 'b']),
  claims,
  tenant: undefined,
  plan: undefined,
  expiresAt: undefined,
});

describe('header values from identity', () => {
  it('reads claims by name (dots included) and by path, through own properties only', () => {
    const caller = identity({
      'https://example.com/roles': ['admin'],
      org: { id: 7, name: 'Acme', 'a.b': 'dotted' },
      list: [{ id: 1 }],
      flag: false,
      none: null,
    });
    assert.equal(claimValue(caller, 'https://example.com/roles'), '["admin"]');
    assert.equal(claimValue(caller, ['org', 'id']), '7');
    assert.equal(claimValue(caller, ['org', 'a.b']), 'dotted');
    assert.equal(claimValue(caller, 'org.id'), undefined);
    assert.equal(claimValue(caller, 'flag'), 'false');
    assert.equal(claimValue(caller, 'none'), undefined);
    assert.equal(claimValue(caller, ['list', '0']), undefined);
    assert.equal(claimValue(caller, ['org', 'constructor']), undefined);
    assert.equal(claimValue(caller, '__proto__'), undefined);
    assert.equal(claimValue(undefined, 'org'), undefined);
  });

  it('gives scopes space-separated and nothing for an anonymous caller', () => {
    assert.equal(identityValue(identity({}), 'scopes'), 'a b');
    assert.equal(identityValue(identity({}), 'tenant'), undefined);
    assert.equal(identityValue(undefined, 'subject'), undefined);
  });

  it('writes JSON in printable ASCII that parses back to the same value', () => {
    const value = { name: 'José 李 😀', text: 'a\r\nb\u007f', n: 1 };
    const json = asciiJson(value);
    assert.match(json, /^[\x20-\x7e]*$/);
    assert.deepEqual(JSON.parse(json), value);
  });
});

describe('identity values as header values', () => {
  it('keeps printable ASCII, percent-encodes the rest (UTF-8, and `%`) so decodeURIComponent reads it back', () => {
    assert.equal(encodeIdentityValue('user-1 a\tb'), 'user-1 a\tb');
    assert.equal(encodeIdentityValue('José'), 'Jos%C3%A9');
    for (const value of ['José Ñandú 李 😀', '100%', '%C3%A9', '\u0085']) {
      const sent = String(encodeIdentityValue(value));
      assert.match(sent, /^[\x20-\x7e]*$/);
      assert.equal(decodeURIComponent(sent), value);
    }
  });

  it('refuses line breaks and other control characters', () => {
    for (const value of ['a\r\nb', 'a\nb', 'a\u0000', 'a\u007f']) {
      assert.equal(encodeIdentityValue(value), undefined, JSON.stringify(value));
    }
  });
});

describe('correlation headers', () => {
  const request = (headers: Record<string, string>) =>
    new Request('http://gateway/graphql', { method: 'POST', headers });
  const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('forwards a well-formed traceparent with its tracestate, and drops a malformed one', () => {
    assert.equal(correlationHeaders(request({ traceparent: TRACE, tracestate: 'a=1' })).tracestate, 'a=1');
    for (const bad of [
      'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      `00-${'0'.repeat(32)}-b7ad6b7169203331-01`,
      `00-0af7651916cd43dd8448eb211c80319c-${'0'.repeat(16)}-01`,
      '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01',
    ]) {
      const headers = correlationHeaders(request({ traceparent: bad, tracestate: 'a=1' }));
      assert.equal(headers.traceparent, undefined, bad);
      assert.equal(headers.tracestate, undefined, bad);
    }
  });

  it('keeps one request id per request: the client one when usable, else a generated one', () => {
    const sent = request({ 'x-request-id': 'abc-1' });
    assert.equal(requestIdOf(sent), 'abc-1');
    const none = request({});
    assert.equal(requestIdOf(none), requestIdOf(none));
    assert.notEqual(requestIdOf(none), requestIdOf(request({})));
  });
});

/** Facts beside a request (kind, body, headers) survive the copy a step derives, and copies of errors stay gateway errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'graphql';
import { cloneJson } from '../../core/clone-json.ts';
import { copyError, gatewayError, isGatewayError } from '../../core/errors.ts';
import { outgoingHeaders, withHeaders } from '../../core/outgoing-headers.ts';
import { deriveRequest } from '../../core/request-table.ts';
import { callKind, withCallKind } from '../../core/subgraph-call.ts';
import { requestBody } from '../../gateway/upstream/request-body.ts';

describe('request facts and copies', () => {
  it('a derived request reads its kind, body and headers through to the original; its own headers stay its own', () => {
    const original = withHeaders(
      withCallKind({ document: parse('{ a }'), variables: { x: 1 } }, 'schema-load'),
      {
        Authorization: 'Bearer a',
      },
    );
    const body = requestBody(original);
    const derived = deriveRequest(original, { signal: new AbortController().signal });
    assert.equal(callKind(derived), 'schema-load');
    assert.equal(requestBody(derived), body);
    assert.deepEqual(outgoingHeaders(derived), { authorization: 'Bearer a' });
    withHeaders(derived, { 'x-extra': '1' });
    assert.deepEqual(outgoingHeaders(original), { authorization: 'Bearer a' });
    assert.deepEqual(outgoingHeaders(derived), { authorization: 'Bearer a', 'x-extra': '1' });
  });

  it('cloneJson copies arrays and plain objects, keeps other values', () => {
    const big = 10n;
    const value = { a: [1, { b: 'c' }], n: null, big, nested: Object.assign(Object.create(null), { d: 1 }) };
    const copy = cloneJson(value);
    assert.deepEqual(copy, value);
    assert.notEqual(copy.a, value.a);
    assert.notEqual(copy.a[1], value.a[1]);
    assert.notEqual(copy.nested, value.nested);
    assert.equal(copy.big, big);
  });

  it('copyError shares nothing mutable, keeps the cause, and a gateway error stays one', () => {
    const cause = new Error('socket');
    const error = gatewayError('SUBGRAPH_UNAVAILABLE', 'down', { serviceName: 's', cause, path: ['a', 0] });
    const copy = copyError(error);
    assert.ok(isGatewayError(copy));
    assert.equal(copy.message, error.message);
    assert.deepEqual(copy.path, ['a', 0]);
    assert.notEqual(copy.path, error.path);
    assert.notEqual(copy.extensions, error.extensions);
    assert.equal((copy as { cause?: unknown }).cause, cause);
  });
});

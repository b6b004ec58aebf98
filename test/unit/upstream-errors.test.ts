import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { errors as undiciErrors } from 'undici';
import { isGatewayError } from '../../core/errors.ts';
import { toUpstreamError } from '../../gateway/http/index.ts';
import { parseGraphQLResponse } from '../../gateway/upstream/index.ts';

const codeOf = (error: unknown) => (error instanceof GraphQLError ? error.extensions.code : undefined);

describe('toUpstreamError', () => {
  it('maps undici connect, headers and body timeouts to GATEWAY_TIMEOUT', () => {
    for (const cause of [
      new undiciErrors.ConnectTimeoutError(),
      new undiciErrors.HeadersTimeoutError(),
      new undiciErrors.BodyTimeoutError(),
    ]) {
      const error = toUpstreamError(cause, 'svc');
      assert.equal(codeOf(error), 'GATEWAY_TIMEOUT');
      assert.equal(error.extensions.serviceName, 'svc');
    }
  });

  it('maps the request deadline to GATEWAY_TIMEOUT whatever the cause', () => {
    assert.equal(
      codeOf(toUpstreamError(new DOMException('aborted', 'AbortError'), 'svc', 100)),
      'GATEWAY_TIMEOUT',
    );
  });

  it('maps refused, reset and unknown failures to SUBGRAPH_UNAVAILABLE', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    for (const cause of [
      refused,
      new undiciErrors.SocketError('other side closed'),
      new Error('?'),
      'text',
    ]) {
      const error = toUpstreamError(cause, 'svc');
      assert.equal(codeOf(error), 'SUBGRAPH_UNAVAILABLE');
      assert.ok(isGatewayError(error));
    }
  });

  it('maps a response over the size limit to SUBGRAPH_BAD_RESPONSE', () => {
    assert.equal(
      codeOf(toUpstreamError(new undiciErrors.ResponseExceededMaxSizeError(), 'svc')),
      'SUBGRAPH_BAD_RESPONSE',
    );
  });
});

describe('parseGraphQLResponse', () => {
  const badResponse = (status: number, body: string) => {
    assert.throws(
      () => parseGraphQLResponse('svc', status, body),
      (error) => {
        assert.equal(codeOf(error), 'SUBGRAPH_BAD_RESPONSE');
        assert.equal((error as GraphQLError).extensions.serviceName, 'svc');
        assert.equal((error as GraphQLError).extensions.upstreamStatus, status);
        return true;
      },
    );
  };

  it('rejects bodies that are not GraphQL responses', () => {
    badResponse(200, '<html>oops</html>');
    badResponse(200, '');
    badResponse(200, '[]');
    badResponse(200, '"data"');
    badResponse(200, '{"hello":"world"}');
    badResponse(200, '{"data":5}');
    badResponse(200, '{"data":[]}');
    badResponse(200, '{"errors":"nope"}');
    badResponse(200, '{"errors":[{"nomessage":true}]}');
    badResponse(502, '{"data":null}');
  });

  it('accepts data, and errors on an HTTP error status', () => {
    assert.deepEqual(parseGraphQLResponse('svc', 200, '{"data":{"a":1}}').data, { a: 1 });
    const result = parseGraphQLResponse('svc', 500, '{"data":null,"errors":[{"message":"boom"}]}');
    assert.equal(result.data, null);
    assert.equal(codeOf(result.errors?.[0]), 'SUBGRAPH_ERROR');
  });

  it('keeps a subgraph error code, path and extensions, and sets serviceName', () => {
    const body = JSON.stringify({
      data: { a: null },
      errors: [{ message: 'no', path: ['a'], extensions: { code: 'FORBIDDEN', serviceName: 'x', why: 'y' } }],
    });
    const [error] = parseGraphQLResponse('svc', 200, body).errors ?? [];
    assert.deepEqual(error?.path, ['a']);
    assert.deepEqual(error?.extensions, { code: 'FORBIDDEN', why: 'y', serviceName: 'svc' });
  });

  it('drops what only the subgraph should see: stack traces, exception details, http', () => {
    const body = JSON.stringify({
      data: null,
      errors: [
        {
          message: 'no',
          path: 'not a path',
          extensions: {
            code: 42,
            stacktrace: ['Error: no', '    at x (/srv/app.js:1:1)'],
            exception: { stacktrace: [] },
            http: { status: 500 },
          },
        },
      ],
    });
    const [error] = parseGraphQLResponse('svc', 200, body).errors ?? [];
    assert.deepEqual(error?.extensions, { code: 'SUBGRAPH_ERROR', serviceName: 'svc' });
    assert.equal(error?.path, undefined);
  });
});

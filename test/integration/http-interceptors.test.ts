/**
 * The pooled client's interceptors, against real loopback servers: applied in list order (first
 * is outermost), they see the request with its service name, the decoded answer, and the
 * catalogue error of a call that failed; one may answer without the network.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGatewayError } from '../../core/errors.ts';
import type { HttpInterceptor } from '../../core/http-client.ts';
import { upstreamSchema } from '../../gateway/config/index.ts';
import { createUpstreamClient } from '../../gateway/http/index.ts';
import { startRestServer } from '../fixtures/rest/rest-server.ts';
import { freePort } from '../helpers/fault-servers.ts';

describe('HTTP interceptors', () => {
  it('run in list order around every call and see answers and catalogue errors', async () => {
    const seen: string[] = [];
    const record =
      (label: string): HttpInterceptor =>
      (next) =>
        async function recordCall(request) {
          seen.push(`${label} > ${request.serviceName}`);
          try {
            const response = await next(request);
            seen.push(`${label} < ${response.status}`);
            return response;
          } catch (error) {
            seen.push(`${label} ! ${isGatewayError(error) ? error.extensions.code : 'other'}`);
            throw error;
          }
        };
    const api = await startRestServer(() => ({ json: { ok: true } }));
    const client = createUpstreamClient(upstreamSchema.parse({}), undefined, [
      record('outer'),
      record('inner'),
    ]);
    try {
      const response = await client.request({ serviceName: 'api', url: `${api.url}/x` });
      assert.equal(response.status, 200);
      const port = await freePort();
      await assert.rejects(client.request({ serviceName: 'down', url: `http://127.0.0.1:${port}/` }));
      assert.deepEqual(seen, [
        'outer > api',
        'inner > api',
        'inner < 200',
        'outer < 200',
        'outer > down',
        'inner > down',
        'inner ! SUBGRAPH_UNAVAILABLE',
        'outer ! SUBGRAPH_UNAVAILABLE',
      ]);
    } finally {
      await client.close();
      await api.close();
    }
  });

  it('may answer without the network', async () => {
    const cached: HttpInterceptor = () =>
      async function answerFromMemory() {
        return { status: 200, headers: {}, body: '{"cached":true}' };
      };
    const client = createUpstreamClient(upstreamSchema.parse({}), undefined, [cached]);
    try {
      const port = await freePort();
      const response = await client.request({ serviceName: 'none', url: `http://127.0.0.1:${port}/` });
      assert.equal(response.body, '{"cached":true}');
    } finally {
      await client.close();
    }
  });
});

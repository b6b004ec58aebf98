/** Durations: milliseconds or a string with a unit, everywhere; milliseconds once resolved. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkConfig, resolveConfig } from '../../gateway/config/index.ts';
import { configJsonSchema } from '../../gateway/config/json-schema.ts';

const subgraph = { name: 'a', kind: 'federation', url: 'http://127.0.0.1:4001/graphql' } as const;

describe('config durations', () => {
  it('takes "500ms", "2s", "1m", "1h" and numbers, and resolves them to milliseconds', () => {
    const config = resolveConfig(
      {
        server: { shutdownTimeout: '1m' },
        upstream: { connectTimeout: '500ms', requestTimeout: 2_500, keepAliveTimeout: '1.5s' },
        loading: { retryInitialDelay: '2s', retryMaxDelay: '1h' },
        subgraphs: [{ ...subgraph, timeout: '2s' }],
      },
      { env: {} },
    );
    assert.equal(config.server.shutdownTimeout, 60_000);
    assert.equal(config.upstream.connectTimeout, 500);
    assert.equal(config.upstream.requestTimeout, 2_500);
    assert.equal(config.upstream.keepAliveTimeout, 1_500);
    assert.equal(config.loading.retryInitialDelay, 2_000);
    assert.equal(config.loading.retryMaxDelay, 3_600_000);
    assert.equal(config.subgraphs[0]?.timeout, 2_000);
  });

  it('reports a bad duration with its path, and the delays out of order across units', () => {
    const checked = checkConfig(
      {
        upstream: {
          connectTimeout: '2 secs',
          bodyTimeout: '0s',
          headersTimeout: '30d',
          requestTimeout: true,
        },
        loading: { retryInitialDelay: '1m', retryMaxDelay: '30s' },
        subgraphs: [subgraph],
      },
      { env: {} },
    );
    assert.deepEqual(checked.problems?.map((p) => p.path).sort(), [
      'loading.retryInitialDelay',
      'upstream.bodyTimeout',
      'upstream.connectTimeout',
      'upstream.headersTimeout',
      'upstream.requestTimeout',
    ]);
    const fraction = checkConfig({ subgraphs: [{ ...subgraph, timeout: '0.5ms' }] }, { env: {} });
    assert.deepEqual(
      fraction.problems?.map((p) => p.path),
      ['subgraphs[0].timeout'],
    );
  });

  it('the JSON Schema takes a number or a string with a unit', () => {
    const schema = configJsonSchema() as {
      properties: Record<
        string,
        { properties: Record<string, { anyOf?: Array<{ type: string; pattern?: string }> }> }
      >;
    };
    const types = schema.properties.upstream?.properties.connectTimeout?.anyOf?.map((o) => o.type);
    assert.deepEqual(types, ['integer', 'string']);
    const pattern = schema.properties.upstream?.properties.connectTimeout?.anyOf?.[1]?.pattern ?? '';
    assert.match('2s', new RegExp(pattern));
    assert.doesNotMatch('2 secs', new RegExp(pattern));
  });
});

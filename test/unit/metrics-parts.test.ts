/**
 * The pure parts of metrics: bounded operation names, subgraph call outcomes, the request series
 * (the same text as prom-client's), the config's checks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GraphQLError } from 'graphql';
import { Counter, Histogram, Registry } from 'prom-client';
import { gatewayError } from '../../core/errors.ts';
import { addCall, callOutcome, MAX_CALLS_LISTED, startRecord } from '../../core/request-record.ts';
import { resolveConfig } from '../../gateway/config/index.ts';
import { ANONYMOUS, createOperationNames, OTHER } from '../../gateway/metrics/operation-names.ts';
import { createRequestSeries } from '../../gateway/metrics/request-series.ts';

describe('operation names as labels', () => {
  it('keeps the first names of operations that ran, then counts the rest as __other', () => {
    const names = createOperationNames(2);
    assert.equal(names.label(undefined, true), ANONYMOUS);
    assert.equal(names.label('', true), ANONYMOUS);
    // Refused before it ran: it takes no slot.
    assert.equal(names.label('Junk', false), OTHER);
    assert.equal(names.label('A', true), 'A');
    assert.equal(names.label('B', true), 'B');
    assert.equal(names.label('C', true), OTHER);
    assert.equal(names.label('A', false), 'A');
    assert.equal(names.size, 2);
  });
});

describe('subgraph call outcomes', () => {
  it('is ok, a thrown catalogue code, the first gateway error of an answer, or SUBGRAPH_ERROR', () => {
    assert.equal(callOutcome({ data: { a: 1 } }), 'ok');
    assert.equal(callOutcome({ data: { a: 1 }, errors: [] }), 'ok');
    assert.equal(callOutcome(undefined, gatewayError('GATEWAY_TIMEOUT', 'slow')), 'GATEWAY_TIMEOUT');
    assert.equal(callOutcome(undefined, new Error('bug')), 'INTERNAL_SERVER_ERROR');
    // A subgraph's own code is never a label (unbounded): SUBGRAPH_ERROR.
    assert.equal(
      callOutcome({ errors: [new GraphQLError('no', { extensions: { code: 'MY_CODE' } })] }),
      'SUBGRAPH_ERROR',
    );
    assert.equal(
      callOutcome({ errors: [gatewayError('SUBGRAPH_BAD_RESPONSE', 'short')] }),
      'SUBGRAPH_BAD_RESPONSE',
    );
  });

  it('lists at most MAX_CALLS_LISTED calls of a request, and counts them all', () => {
    const record = startRecord({}, 0);
    for (let i = 0; i < MAX_CALLS_LISTED + 5; i++) addCall(record, 's', 1.234, 'ok');
    assert.equal(record.callCount, MAX_CALLS_LISTED + 5);
    assert.equal(record.calls?.length, MAX_CALLS_LISTED);
    assert.equal(record.calls?.[0]?.ms, 1.2);
  });
});

describe('metrics and logging config', () => {
  const base = { subgraphs: [{ name: 'a', kind: 'federation' as const, url: 'http://a.invalid/graphql' }] };
  const problems = (input: Record<string, unknown>): string => {
    try {
      resolveConfig({ ...base, ...input }, { env: {} });
      return '';
    } catch (error) {
      return String((error as Error).message);
    }
  };

  it('defaults: metrics on at /metrics, pretty logs, access log unset (on with json)', () => {
    const config = resolveConfig(base, { env: {} });
    assert.equal(config.metrics.enabled, true);
    assert.equal(config.metrics.path, '/metrics');
    assert.equal(config.metrics.maxOperationNames, 100);
    assert.equal(config.logging.format, 'pretty');
    assert.equal(config.logging.accessLog, undefined);
  });

  it('refuses buckets out of order and a metrics path taken by the server', () => {
    assert.match(problems({ metrics: { buckets: [1, 0.5] } }), /metrics\.buckets/);
    assert.match(problems({ metrics: { path: '/healthz' } }), /metrics\.path.*server\.healthPath/);
    assert.equal(problems({ metrics: { path: '/graphql', port: 9464 } }), '');
    assert.match(problems({ logging: { format: 'xml' } }), /logging\.format/);
  });

  it('refuses a metrics path that would hide the admin endpoint or GraphiQL files', () => {
    const admin = { enabled: true, token: 'a-long-enough-admin-token-0123456789' };
    assert.match(problems({ admin, metrics: { path: '/admin' } }), /metrics\.path.*admin\.path/);
    assert.match(
      problems({ admin, metrics: { path: '/admin/metrics' } }),
      /metrics\.path.*under admin\.path/,
    );
    assert.match(problems({ admin: { ...admin, path: '/ops' }, metrics: { path: '/ops/m' } }), /admin\.path/);
    assert.doesNotMatch(problems({ admin, metrics: { path: '/administration' } }), /metrics\.path/);
    // Admin off: its path is free.
    assert.equal(problems({ metrics: { path: '/admin' } }), '');
    assert.match(problems({ metrics: { path: '/graphiql/assets/x.js' } }), /metrics\.path.*GraphiQL/);
    assert.equal(problems({ admin, metrics: { path: '/admin', port: 9464 } }), '');
  });
});

describe('request series', () => {
  it('writes the same text as prom-client counters and histograms fed the same requests', async () => {
    const bounds = [0.01, 0.1, 1];
    const ours = new Registry();
    const series = createRequestSeries(ours, 'g_', bounds);
    const theirs = new Registry();
    const counter = new Counter({
      name: 'g_graphql_requests_total',
      help: 'Requests to the GraphQL endpoint, by operation name and type and HTTP status (499: the client left before any answer)',
      labelNames: ['operation_name', 'operation_type', 'status'],
      registers: [theirs],
    });
    const histogram = new Histogram({
      name: 'g_graphql_request_duration_seconds',
      help: 'Time from a request to the GraphQL endpoint coming in to its response being written, by operation',
      labelNames: ['operation_name', 'operation_type'],
      buckets: bounds,
      registers: [theirs],
    });
    const requests: [string, string, number, number][] = [
      ['A', 'query', 200, 0.005],
      ['A', 'query', 200, 0.01],
      ['A', 'query', 499, 2],
      ['B "x"\\', 'mutation', 500, 0.5],
      ['__anonymous', 'unknown', 400, 0.1],
    ];
    for (const [name, type, status, seconds] of requests) {
      series.record(name, type, status, seconds);
      counter.labels(name, type, String(status)).inc();
      histogram.labels(name, type).observe(seconds);
    }
    assert.equal(await ours.metrics(), await theirs.metrics());
  });
});

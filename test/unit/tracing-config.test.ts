/**
 * The `tracing` config key and the tracing room's setup: defaults, problems reported by path,
 * no room at all when tracing is off, rooms that leave the JSON fast path on, and CONFIG_INVALID
 * naming the SDK packages to install when they are missing.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { trace } from '@opentelemetry/api';
import { checkConfig, resolveConfig } from '../../gateway/config/index.ts';
import { roomsHookingPath } from '../../gateway/room.ts';
import { createTracing } from '../../gateway/tracing/index.ts';
import { loadTracerProvider } from '../../gateway/tracing/provider.ts';
import { remoteParent, traceparentOf } from '../../gateway/tracing/trace-context.ts';

const subgraphs = [{ name: 'a', kind: 'federation', url: 'http://127.0.0.1:4001/graphql' }];
const problemsOf = (tracing: unknown) => {
  const checked = checkConfig({ subgraphs, tracing }, { env: {} });
  assert.ok(checked.problems, 'the config should be rejected');
  return checked.problems;
};

describe('tracing config', () => {
  it('is off by default, with its defaults resolved', () => {
    const { tracing } = resolveConfig({ subgraphs }, { env: {} });
    assert.deepEqual(tracing, {
      enabled: false,
      serviceName: 'gatehouse',
      sampleRatio: 1,
      propagate: true,
      includeDocument: false,
      exporter: { console: false },
    });
  });

  it('resolves an OTLP exporter with its defaults', () => {
    const { tracing } = resolveConfig(
      { subgraphs, tracing: { enabled: true, exporter: { otlp: {} } } },
      { env: {} },
    );
    assert.deepEqual(tracing.exporter.otlp, {
      endpoint: 'http://127.0.0.1:4318/v1/traces',
      headers: {},
      timeout: 10_000,
    });
  });

  it('reports each problem by its path', () => {
    assert.deepEqual(
      problemsOf({ enabled: true }).map((p) => p.path),
      ['tracing.exporter'],
    );
    assert.deepEqual(
      problemsOf({ sampleRatio: 1.5, exporter: { otlp: { endpoint: 'ftp://x', timeout: 'soon' } } }).map(
        (p) => p.path,
      ),
      ['tracing.sampleRatio', 'tracing.exporter.otlp.endpoint', 'tracing.exporter.otlp.timeout'],
    );
    assert.deepEqual(
      problemsOf({ exporter: { otlp: { headers: { 'bad name': 'x' } } } }).map((p) => p.path),
      ['tracing.exporter.otlp.headers.bad name'],
    );
    assert.deepEqual(
      problemsOf({ sampler: 'always' }).map((p) => p.path),
      ['tracing.sampler'],
    );
  });
});

describe('the tracing room', () => {
  const config = (tracing: unknown) => resolveConfig({ subgraphs, tracing }, { env: {} }).tracing;

  it('is absent when tracing is off and no provider is given', () => {
    assert.equal(createTracing({ config: config({}) }), undefined);
  });

  it('hooks no request stage: the JSON fast path stays on', () => {
    const tracing = createTracing({ config: config({}), tracerProvider: trace.getTracerProvider() });
    assert.ok(tracing);
    assert.deepEqual(roomsHookingPath([tracing.operations, tracing.subgraphs], '/graphql'), []);
  });

  it('fails with CONFIG_INVALID naming the SDK packages that are not installed', async () => {
    const tracing = createTracing({
      config: config({ enabled: true, exporter: { otlp: { endpoint: 'http://127.0.0.1:9/v1/traces' } } }),
      importModule: (name) =>
        name === '@opentelemetry/sdk-trace-base'
          ? import(name)
          : Promise.reject(
              Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' }),
            ),
    });
    assert.ok(tracing);
    await assert.rejects(tracing.ready, (error: { code?: string; message: string }) => {
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(
        error.message,
        /npm install @opentelemetry\/resources @opentelemetry\/exporter-trace-otlp-http/,
      );
      return true;
    });
    // Closing a gateway whose tracing never started is harmless.
    await tracing.operations.close?.();
  });
});

describe('the OpenTelemetry packages gateway code loads', () => {
  it('is @opentelemetry/api alone at load time: the SDK only by dynamic import, types aside', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const files = readdirSync(join(root, 'gateway'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    const loaded = new Set<string>();
    for (const file of files) {
      const text = readFileSync(join(root, 'gateway', file), 'utf8');
      for (const match of text.matchAll(
        /^import\s(?!type\s)[^;]*?from\s+['"](@opentelemetry\/[^'"]+)['"]/gm,
      )) {
        loaded.add(match[1]!);
      }
    }
    assert.deepEqual([...loaded], ['@opentelemetry/api']);
  });
});

describe('the provider built from the config', () => {
  it('samples at sampleRatio, and follows a sampled client traceparent', async () => {
    const tracing = resolveConfig(
      {
        subgraphs,
        // A closed loopback port: nothing is exported (no span is ended).
        tracing: {
          enabled: true,
          sampleRatio: 0,
          exporter: { otlp: { endpoint: 'http://127.0.0.1:9/v1/traces' } },
        },
      },
      { env: {} },
    ).tracing;
    const provider = await loadTracerProvider(tracing, {});
    try {
      const tracer = provider.getTracer('test');
      assert.equal(tracer.startSpan('root').isRecording(), false);
      const sampled = remoteParent(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, null);
      assert.equal(tracer.startSpan('child', undefined, sampled).isRecording(), true);
      const unsampled = remoteParent(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-00`, null);
      const span = tracer.startSpan('child', undefined, unsampled);
      assert.equal(span.isRecording(), false);
      // Not recorded, the span still has its own id for the traceparent of subgraph calls.
      assert.equal(span.spanContext().traceId, 'a'.repeat(32));
      assert.notEqual(span.spanContext().spanId, 'b'.repeat(16));
    } finally {
      await provider.shutdown();
    }
  });
});

describe('the W3C trace context', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const spanId = '00f067aa0ba902b7';
  const parentOf = (traceparent: string, tracestate: string | null = null) =>
    trace.getSpanContext(remoteParent(traceparent, tracestate));

  it('reads a valid traceparent (and tracestate) as the remote parent', () => {
    const parent = parentOf(`00-${traceId}-${spanId}-01`, 'a=1,b=2');
    assert.equal(parent?.traceId, traceId);
    assert.equal(parent?.spanId, spanId);
    assert.equal(parent?.traceFlags, 1);
    assert.equal(parent?.isRemote, true);
    assert.equal(parent?.traceState?.serialize(), 'a=1,b=2');
    // A later version may carry more fields.
    assert.equal(parentOf(`01-${traceId}-${spanId}-00-more`)?.spanId, spanId);
  });

  it('ignores a malformed one', () => {
    for (const bad of [
      `ff-${traceId}-${spanId}-01`,
      `00-${'0'.repeat(32)}-${spanId}-01`,
      `00-${traceId}-${'0'.repeat(16)}-01`,
      `00-${traceId.toUpperCase()}-${spanId}-01`,
      `00-${traceId}-${spanId}-01-extra`,
      'garbage',
    ]) {
      assert.equal(parentOf(bad), undefined, bad);
    }
  });

  it('writes version 00 with the sampled flag only', () => {
    assert.equal(traceparentOf({ traceId, spanId, traceFlags: 3 }), `00-${traceId}-${spanId}-01`);
    assert.equal(traceparentOf({ traceId, spanId, traceFlags: 0 }), `00-${traceId}-${spanId}-00`);
  });
});

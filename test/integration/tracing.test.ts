/**
 * Tracing end to end: the benchmark's TestQuery across its four loopback subgraphs, through a
 * listening gateway, with an in-memory exporter. The span tree (operation → parse, validate,
 * execute → plan, subgraph calls), one trace id (the client's), the traceparent each subgraph got
 * naming its call's span; on the JSON fast path and on Yoga (a GET); a failing subgraph's span
 * with its code and HTTP status.
 */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { resolveConfig } from '../../gateway/config/index.ts';
import { createGateway, type Gateway } from '../../gateway/create-gateway.ts';
import { readFixture } from '../../subgraphs/bench/data.ts';
import { type BenchSubgraphs, startBenchSubgraphs } from '../../subgraphs/bench/index.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { type SwitchServer, startSwitchServer } from '../helpers/switch-server.ts';

const NAMES = ['accounts', 'inventory', 'products', 'reviews'] as const;
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_PARENT = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CLIENT_TRACE}-${CLIENT_PARENT}-01`;

const byName = (spans: readonly ReadableSpan[], prefix: string) =>
  spans.filter((s) => s.name.startsWith(prefix));
const one = (spans: readonly ReadableSpan[], prefix: string) => {
  const found = byName(spans, prefix);
  assert.equal(found.length, 1, `one span named ${prefix}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('tracing', () => {
  let subgraphs: BenchSubgraphs;
  let flaky: SwitchServer;
  let gateway: Gateway;
  let url: string;
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const logger = recordingLogger();
  // The traceparent of every request each subgraph received.
  const received: Array<{ subgraph: string; headers: IncomingHttpHeaders }> = [];

  before(async () => {
    subgraphs = await startBenchSubgraphs();
    for (const name of NAMES) {
      subgraphs[name].server.on(
        'request',
        (req) => void received.push({ subgraph: name, headers: req.headers }),
      );
    }
    flaky = await startSwitchServer();
    const config = resolveConfig(
      {
        server: { port: 0 },
        subgraphs: [
          ...NAMES.map((name) => ({ name, kind: 'federation' as const, url: subgraphs[name].url })),
          { name: 'flaky', kind: 'federation', url: flaky.url, schemaFile: flaky.schemaFile },
        ],
        // A failing call is answered at once (no retry), so its span shows the status it got.
        upstream: { retry: { enabled: false } },
      },
      { env: {} },
    );
    gateway = createGateway({ config, logger, env: {}, tracerProvider: provider });
    ({ url } = await gateway.listen());
  });
  after(async () => {
    await gateway?.close();
    await subgraphs?.close();
    await flaky?.close();
    await provider.shutdown();
  });

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  /** Asserts the tree of one TestQuery and returns its spans. */
  const assertTestQueryTree = () => {
    const spans = exporter.getFinishedSpans();
    const operation = one(spans, 'graphql.operation');
    assert.equal(operation.name, 'graphql.operation TestQuery');
    assert.equal(operation.kind, SpanKind.SERVER);
    assert.equal(operation.attributes['graphql.operation.name'], 'TestQuery');
    assert.equal(operation.attributes['graphql.operation.type'], 'query');
    assert.match(String(operation.attributes['graphql.document.hash']), /^[0-9a-f]{64}$/);
    assert.equal(operation.attributes['graphql.document'], undefined, 'no document text by default');
    assert.equal(operation.attributes['http.response.status_code'], 200);
    assert.equal(operation.status.code, SpanStatusCode.UNSET);
    const id = operation.spanContext().spanId;
    for (const name of ['graphql.parse', 'graphql.validate', 'graphql.execute']) {
      assert.equal(parentOf(one(spans, name)), id, `${name} is a child of the operation`);
    }
    const execute = one(spans, 'graphql.execute').spanContext().spanId;
    const plan = one(spans, 'graphql.plan');
    assert.equal(parentOf(plan), execute);
    assert.equal(plan.attributes['gatehouse.plan.route'], 'plan');
    const calls = byName(spans, 'graphql.subgraph ');
    assert.ok(calls.length >= 4, `a span per subgraph call: ${calls.length}`);
    for (const call of calls) {
      assert.equal(call.kind, SpanKind.CLIENT);
      assert.equal(parentOf(call), execute);
      assert.equal(call.attributes['http.response.status_code'], 200);
      assert.equal(call.name, `graphql.subgraph ${call.attributes['gatehouse.subgraph.name']}`);
    }
    assert.deepEqual(
      new Set(calls.map((c) => c.attributes['gatehouse.subgraph.name'])),
      new Set(NAMES),
      'every subgraph is called',
    );
    assert.equal(new Set(spans.map((s) => s.spanContext().traceId)).size, 1, 'one trace');
    // Each call carried a traceparent naming its own span, and each span's call was received once.
    const sent = received.map(({ headers }) => headers.traceparent);
    const traceId = operation.spanContext().traceId;
    assert.deepEqual(
      sent.toSorted(),
      calls.map((c) => `00-${traceId}-${c.spanContext().spanId}-01`).toSorted(),
    );
    return { spans, operation, plan };
  };

  it('traces TestQuery on the JSON fast path, under the client traceparent', async () => {
    exporter.reset();
    received.length = 0;
    const { status, body } = await post(JSON.parse(readFixture('body.json')), {
      traceparent: TRACEPARENT,
      tracestate: 'vendor=value',
    });
    assert.equal(status, 200);
    assert.deepEqual(body, JSON.parse(readFixture('expected-response.json')));
    const { operation, plan } = assertTestQueryTree();
    assert.equal(operation.spanContext().traceId, CLIENT_TRACE);
    assert.equal(parentOf(operation), CLIENT_PARENT);
    assert.equal(plan.attributes['gatehouse.plan.cached'], false);
    for (const { headers } of received) assert.equal(headers.tracestate, 'vendor=value', 'tracestate kept');
    // Tracing hooks no request stage: the fast path stayed on.
    assert.ok(!logger.lines.some((l) => l.message.includes('fast path is off')));
  });

  it('marks a plan found in the cache; a trace of its own without a client traceparent', async () => {
    exporter.reset();
    received.length = 0;
    const { status } = await post(JSON.parse(readFixture('body.json')));
    assert.equal(status, 200);
    const { operation, plan } = assertTestQueryTree();
    assert.equal(plan.attributes['gatehouse.plan.cached'], true);
    assert.notEqual(operation.spanContext().traceId, CLIENT_TRACE);
    assert.equal(parentOf(operation), undefined);
  });

  it('traces a GET, which Yoga serves, the same way', async () => {
    exporter.reset();
    received.length = 0;
    const { query } = JSON.parse(readFixture('body.json')) as { query: string };
    const response = await fetch(`${url}?query=${encodeURIComponent(query)}`, {
      headers: { traceparent: TRACEPARENT, accept: 'application/json' },
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), JSON.parse(readFixture('expected-response.json')));
    const { operation } = assertTestQueryTree();
    assert.equal(operation.spanContext().traceId, CLIENT_TRACE);
    assert.equal(operation.attributes['http.request.method'], 'GET');
  });

  it('a failing subgraph: its span and the operation span have status ERROR with the code', async () => {
    exporter.reset();
    flaky.set({ kind: 'status', status: 500 });
    let answered = 0;
    try {
      const { status, body } = await post({ query: 'query Flaky { flaky }' });
      answered = status;
      const errors = body.errors as Array<{ extensions: { code: string } }>;
      assert.equal(errors[0]?.extensions.code, 'SUBGRAPH_BAD_RESPONSE');
    } finally {
      flaky.set({ kind: 'ok' });
    }
    const spans = exporter.getFinishedSpans();
    const call = one(spans, 'graphql.subgraph flaky');
    assert.equal(call.status.code, SpanStatusCode.ERROR);
    assert.equal(call.attributes['error.type'], 'SUBGRAPH_BAD_RESPONSE');
    assert.equal(call.attributes['http.response.status_code'], 500);
    const operation = one(spans, 'graphql.operation');
    assert.equal(operation.status.code, SpanStatusCode.ERROR);
    assert.equal(operation.status.message, 'SUBGRAPH_BAD_RESPONSE');
    assert.equal(operation.attributes['http.response.status_code'], answered);
  });

  it('a call shared by two operations (dedup) has one span, under its first caller', async () => {
    exporter.reset();
    flaky.set({ kind: 'slow', ms: 300 });
    const before = flaky.requests();
    try {
      const answers = await Promise.all([
        post({ query: '{ flaky }' }),
        post({ query: '{ flaky }' }, { traceparent: TRACEPARENT }),
      ]);
      for (const { body } of answers) assert.deepEqual(body, { data: { flaky: 'fine' } });
    } finally {
      flaky.set({ kind: 'ok' });
    }
    assert.equal(flaky.requests() - before, 1, 'the call was shared');
    const spans = exporter.getFinishedSpans();
    assert.equal(byName(spans, 'graphql.operation').length, 2);
    const call = one(spans, 'graphql.subgraph flaky');
    const executes = new Set(byName(spans, 'graphql.execute').map((s) => s.spanContext().spanId));
    assert.ok(executes.has(parentOf(call)!), 'a child of one of the two executions');
  });

  it('a document that does not validate: the validate span and the operation fail with the code', async () => {
    // The status the client got: 200 for application/json (the spec's legacy), else 400.
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      exporter.reset();
      const { status } = await post({ query: '{ nope }' }, { accept });
      const spans = exporter.getFinishedSpans();
      assert.equal(one(spans, 'graphql.validate').attributes['error.type'], 'GRAPHQL_VALIDATION_FAILED');
      const operation = one(spans, 'graphql.operation');
      assert.equal(operation.status.code, SpanStatusCode.ERROR);
      assert.equal(operation.attributes['error.type'], 'GRAPHQL_VALIDATION_FAILED');
      assert.equal(operation.attributes['http.response.status_code'], status, accept);
      assert.equal(byName(spans, 'graphql.execute').length, 0);
    }
  });

  it('a variable of the wrong type: the status the error-status room sets', async () => {
    exporter.reset();
    const { status } = await post({
      query: 'query Top($n: Int) { topProducts(first: $n) { upc } }',
      variables: { n: 'many' },
    });
    assert.equal(status, 400);
    const operation = one(exporter.getFinishedSpans(), 'graphql.operation');
    assert.equal(operation.attributes['http.response.status_code'], 400);
    assert.equal(operation.status.code, SpanStatusCode.ERROR);
  });
});

describe('tracing with propagate: false', () => {
  it("records the subgraph span but forwards the client's own traceparent", async () => {
    const subgraphs = await startBenchSubgraphs();
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const received: Array<string | string[] | undefined> = [];
    subgraphs.products.server.on('request', (req) => void received.push(req.headers.traceparent));
    const config = resolveConfig(
      {
        subgraphs: [{ name: 'products', kind: 'federation', url: subgraphs.products.url }],
        tracing: { propagate: false },
      },
      { env: {} },
    );
    const gateway = createGateway({ config, logger: recordingLogger(), env: {}, tracerProvider: provider });
    try {
      await gateway.start();
      received.length = 0;
      const response = await gateway.yoga.fetch('http://gateway/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: TRACEPARENT },
        body: JSON.stringify({ query: '{ topProducts(first: 1) { upc } }' }),
      });
      assert.equal(response.status, 200);
      assert.deepEqual(received, [TRACEPARENT]);
      const call = one(exporter.getFinishedSpans(), 'graphql.subgraph products');
      assert.equal(call.spanContext().traceId, CLIENT_TRACE);
    } finally {
      await gateway.close();
      await subgraphs.close();
      await provider.shutdown();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { OperationTypeNode, parse } from 'graphql';
import { gatewayError, isGatewayError } from '../../core/errors.ts';
import { withHeaders } from '../../core/outgoing-headers.ts';
import { dedupRequests } from '../../gateway/upstream/dedup.ts';

const QUERY = parse('{ hello }');

type Tree = { a: { list: number[] } };
type Ext = { x: { y: number } };
const MUTATION = parse('mutation { bump }');

/** A transport that counts calls and answers after a tick, so that calls overlap. */
function countingTransport() {
  let calls = 0;
  const transport = async (_request: ExecutionRequest): Promise<ExecutionResult> => {
    calls++;
    await new Promise((resolve) => setImmediate(resolve));
    return { data: { n: calls } };
  };
  return { transport, calls: () => calls };
}

describe('dedupRequests', () => {
  it('sends identical queries of one operation once and gives both callers the answer', async () => {
    const { transport, calls } = countingTransport();
    const execute = dedupRequests('s')(transport);
    const context = {};
    const [a, b] = await Promise.all([
      execute({ document: QUERY, context, variables: { x: 1 } }),
      execute({ document: QUERY, context, variables: { x: 1 } }),
    ]);
    assert.equal(calls(), 1);
    assert.deepEqual(a, b);
  });

  it("refuses per-call headers set after it (a shared call would carry the first caller's)", async () => {
    const seen: unknown[] = [];
    const execute = dedupRequests('s')(async (request) => {
      try {
        // A step inside dedup forwarding a caller's identity: it must not work.
        withHeaders({ ...request }, { authorization: 'Bearer someone' });
      } catch (error) {
        seen.push(error);
      }
      return { data: { ok: true } };
    });
    await execute({ document: QUERY, context: {}, variables: {} });
    assert.equal(seen.length, 1);
    assert.match(String(seen[0]), /headers` hook/);
  });

  it('sends an identical query again once the first has been answered (in flight only)', async () => {
    const { transport, calls } = countingTransport();
    const execute = dedupRequests('s')(transport);
    const context = {};
    await execute({ document: QUERY, context });
    await execute({ document: QUERY, context });
    assert.equal(calls(), 2);
  });

  it('sends queries with different variables separately', async () => {
    const { transport, calls } = countingTransport();
    const execute = dedupRequests('s')(transport);
    const context = {};
    await Promise.all([
      execute({ document: QUERY, context, variables: { x: 1 } }),
      execute({ document: QUERY, context, variables: { x: 2 } }),
    ]);
    assert.equal(calls(), 2);
  });

  it('in `operation` mode, never shares between two operations (two contexts) or without a context', async () => {
    const { transport, calls } = countingTransport();
    const execute = dedupRequests('s', 'operation')(transport);
    await Promise.all([
      execute({ document: QUERY, context: {} }),
      execute({ document: QUERY, context: {} }),
      execute({ document: QUERY }),
      execute({ document: QUERY }),
    ]);
    assert.equal(calls(), 4);
  });

  it('never shares a mutation, whether or not the caller names the operation type', async () => {
    const { transport, calls } = countingTransport();
    const execute = dedupRequests('s')(transport);
    const context = {};
    await Promise.all([
      execute({ document: MUTATION, context, operationType: OperationTypeNode.MUTATION }),
      execute({ document: MUTATION, context, operationType: OperationTypeNode.MUTATION }),
      execute({ document: MUTATION, context }),
      execute({ document: MUTATION, context }),
    ]);
    assert.equal(calls(), 4);
  });
});

describe('dedupRequests, shared across operations', () => {
  it('shares identical queries of different operations (contexts), and of none', async () => {
    const { transport, calls } = countingTransport();
    const execute = dedupRequests('s')(transport);
    await Promise.all([
      execute({ document: QUERY, context: {} }),
      execute({ document: QUERY, context: {} }),
      execute({ document: QUERY }),
    ]);
    assert.equal(calls(), 1);
  });

  it('sends every call in `off` mode', async () => {
    const { transport, calls } = countingTransport();
    const execute = dedupRequests('s', 'off')(transport);
    const context = {};
    await Promise.all([execute({ document: QUERY, context }), execute({ document: QUERY, context })]);
    assert.equal(calls(), 2);
  });

  it('keys on the per-call headers: different values are two calls, the same set in any order one', async () => {
    const { transport, calls } = countingTransport();
    const execute = dedupRequests('s')(transport);
    const call = (headers: Record<string, string>) => execute(withHeaders({ document: QUERY }, headers));
    await Promise.all([
      call({ authorization: 'Bearer a', 'x-tenant': 't' }),
      call({ 'X-Tenant': 't', Authorization: 'Bearer a' }),
      call({ authorization: 'Bearer b', 'x-tenant': 't' }),
      call({ authorization: 'Bearer a' }),
    ]);
    assert.equal(calls(), 3);
  });

  it('gives the leader the original and each follower its own copy, errors included', async () => {
    const error = gatewayError('SUBGRAPH_ERROR', 'boom', { serviceName: 's', path: ['a'] });
    const transport = async (): Promise<ExecutionResult> => {
      await new Promise((resolve) => setImmediate(resolve));
      return { data: { a: { list: [1, 2] } }, errors: [error], extensions: { x: { y: 1 } } };
    };
    const execute = dedupRequests('s')(transport);
    const [a, b, c] = await Promise.all([
      execute({ document: QUERY }),
      execute({ document: QUERY }),
      execute({ document: QUERY }),
    ]);
    assert.deepEqual(b, a);
    assert.deepEqual(c, a);
    assert.equal(a.errors?.[0], error);
    assert.notEqual(b.data, a.data);
    assert.notEqual((b.data as Tree).a.list, (a.data as Tree).a.list);
    assert.notEqual(b.errors?.[0], a.errors?.[0]);
    assert.notEqual(b.errors?.[0]?.extensions, a.errors?.[0]?.extensions);
    assert.ok(isGatewayError(b.errors?.[0]), 'a copy of a gateway error is still one');
    (b.data as Tree).a.list.push(3);
    (b.errors?.[0]?.extensions as Record<string, unknown>).code = 'MASKED';
    (b.extensions as Ext).x.y = 2;
    assert.deepEqual((a.data as Tree).a.list, [1, 2]);
    assert.deepEqual((c.data as Tree).a.list, [1, 2]);
    assert.equal(a.errors?.[0]?.extensions.code, 'SUBGRAPH_ERROR');
    assert.equal((c.extensions as Ext).x.y, 1);
  });

  it('shares a failure, one error object per caller', async () => {
    const transport = async (): Promise<ExecutionResult> => {
      await new Promise((resolve) => setImmediate(resolve));
      throw gatewayError('SUBGRAPH_UNAVAILABLE', 'down', { serviceName: 's' });
    };
    const execute = dedupRequests('s')(transport);
    const failures = await Promise.allSettled([execute({ document: QUERY }), execute({ document: QUERY })]);
    const [a, b] = failures.map((f) => (f as PromiseRejectedResult).reason);
    assert.equal(a.extensions.code, 'SUBGRAPH_UNAVAILABLE');
    assert.equal(b.extensions.code, 'SUBGRAPH_UNAVAILABLE');
    assert.notEqual(a, b);
    assert.notEqual(a.extensions, b.extensions);
    assert.ok(isGatewayError(b));
  });

  it('a caller that aborts leaves at once; the call goes on for the others; the last one out aborts it', async () => {
    let upstreamSignal: AbortSignal | undefined;
    let answer: (value: ExecutionResult) => void = () => {};
    let calls = 0;
    const transport = (request: ExecutionRequest): Promise<ExecutionResult> => {
      calls++;
      upstreamSignal = request.signal;
      return new Promise((resolve) => {
        answer = resolve;
      });
    };
    const execute = dedupRequests('s')(transport);
    const first = new AbortController();
    const second = new AbortController();
    const a = execute({ document: QUERY, signal: first.signal });
    const b = execute({ document: QUERY, signal: second.signal });
    first.abort();
    const left = await a.then(
      () => assert.fail('the caller that aborted got an answer'),
      (error) => error,
    );
    assert.equal(left.extensions.code, 'SUBGRAPH_UNAVAILABLE');
    assert.equal(upstreamSignal?.aborted, false, 'one caller left: the call goes on');
    answer({ data: { n: 1 } });
    assert.deepEqual(await b, { data: { n: 1 } });
    assert.equal(calls, 1);

    const third = new AbortController();
    const fourth = new AbortController();
    const c = execute({ document: QUERY, signal: third.signal });
    const d = execute({ document: QUERY, signal: fourth.signal });
    assert.equal(calls, 2);
    third.abort();
    fourth.abort();
    await Promise.allSettled([c, d]);
    assert.equal(upstreamSignal?.aborted, true, 'every caller left: the call is aborted upstream');
    // An abandoned call is forgotten at once: the next caller starts a new one.
    void execute({ document: QUERY });
    assert.equal(calls, 3);
  });
});

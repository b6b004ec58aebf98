import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { OperationTypeNode, parse } from 'graphql';
import { dedupRequests } from '../../gateway/upstream/dedup.ts';

const QUERY = parse('{ hello }');
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

  it('never shares between two operations (two contexts) or without a context', async () => {
    const { transport, calls } = countingTransport();
    const execute = dedupRequests('s')(transport);
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

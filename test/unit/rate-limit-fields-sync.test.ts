/**
 * Field limits kept in this process (the memory store) are judged without a promise: an operation
 * that selects a limited field goes on to the engine in the same turn, whether the limit admits
 * it or refuses a field; and one caller's counters are never another's (the checks prepared per
 * caller and operation are reused for that caller only).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExecutionArgs, parse } from 'graphql';
import { rateLimitSchema, subgraphFieldLimitsSchema } from '../../gateway/config/rate-limit-schema.ts';
import { silentLogger } from '../../gateway/logger/index.ts';
import { createFieldPolicies } from '../../gateway/policies/index.ts';
import { createRateLimits } from '../../gateway/rate-limit/index.ts';
import { createSchemaInService } from '../../gateway/supergraph/in-service.ts';
import { composeSubgraphs } from '../../schema/compose.ts';

const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query { me: User }
  type User @key(fields: "id") { id: ID! name: String }`;

function setup() {
  const composed = composeSubgraphs([{ name: 'users', typeDefs: parse(sdl), url: 'http://users.invalid' }]);
  assert.ok(composed.supergraphSdl, JSON.stringify(composed.problems));
  const limits = createRateLimits({
    config: rateLimitSchema.parse({ store: 'memory' }),
    logger: silentLogger,
    subgraphFieldLimits: new Map([
      ['users', subgraphFieldLimitsSchema.parse({ 'User.name': { limit: 2, window: '1m', by: 'ip' } })],
    ]),
  });
  const policies = createFieldPolicies({ logger: silentLogger, gate: limits.fields.gate });
  const inService = createSchemaInService(silentLogger, (served) => {
    policies.prepare(served);
    limits.fields.prepare(served);
  });
  assert.deepEqual(
    inService.put(composed.supergraphSdl, () => async () => ({ data: null })),
    { ok: true },
  );
  const schema = inService.schema!;
  const document = parse('{ me { id name } }');
  const onExecute = policies.plugin.onExecute as (payload: unknown) => unknown;
  /** The hooks of one operation from `address`, as onExecute hands them back. */
  const run = (address: string) => {
    const request = new Request('http://gateway/graphql');
    const args: ExecutionArgs = {
      schema,
      document,
      contextValue: { request, req: { socket: { remoteAddress: address } } },
    };
    return onExecute({ args, setResultAndStopExecution: () => assert.fail('stopped') });
  };
  return { run, close: () => limits.request.close?.() };
}

describe('field limits in memory: judged at once', () => {
  it('admits and refuses without a promise, each caller on its own counter', async () => {
    const { run, close } = setup();
    assert.equal(run('10.0.0.1'), undefined, 'admitted: nothing to change, at once');
    assert.equal(run('10.0.0.1'), undefined);
    const refused = run('10.0.0.1');
    assert.ok(refused !== undefined && !(refused instanceof Promise), 'refused: hooks, at once');
    assert.equal(typeof (refused as { onExecuteDone?: unknown }).onExecuteDone, 'function');
    // Another address has its own counter (its checks are its own, not the first caller's).
    assert.equal(run('10.0.0.2'), undefined);
    assert.equal(run('10.0.0.2'), undefined);
    assert.notEqual(run('10.0.0.2'), undefined);
    await close();
  });
});

/**
 * What field policies cost per operation on a graph that has none: no per-request state is made
 * (the named policies' results are kept only once one is consulted).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ExecutionArgs, parse } from 'graphql';
import { silentLogger } from '../../gateway/logger/index.ts';
import { createFieldPolicies } from '../../gateway/policies/index.ts';
import { createSchemaInService } from '../../gateway/supergraph/in-service.ts';
import { composeSubgraphs } from '../../schema/compose.ts';

const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
  type Query { me: User }
  type User @key(fields: "id") { id: ID! name: String }`;

/** How many maps `run` constructs (the global `Map`, counted while it runs synchronously). */
function mapsMadeBy(run: () => void): number {
  const original = globalThis.Map;
  let made = 0;
  globalThis.Map = class extends original<unknown, unknown> {
    constructor(entries?: Iterable<readonly [unknown, unknown]> | null) {
      super(entries);
      made++;
    }
  } as MapConstructor;
  try {
    run();
  } finally {
    globalThis.Map = original;
  }
  return made;
}

describe('field policies: per-operation cost', () => {
  it('an operation on a graph without policies makes no per-request map', async () => {
    const composed = composeSubgraphs([{ name: 'users', typeDefs: parse(sdl), url: 'http://users.invalid' }]);
    assert.ok(composed.supergraphSdl, JSON.stringify(composed.problems));
    const policies = createFieldPolicies({ logger: silentLogger });
    const inService = createSchemaInService(silentLogger, policies.prepare);
    assert.deepEqual(
      inService.put(composed.supergraphSdl, () => async () => ({ data: null })),
      { ok: true },
    );
    const schema = inService.schema!;
    const args: ExecutionArgs = {
      schema,
      document: parse('{ me { id name } }'),
      contextValue: { request: new Request('http://gateway/graphql') },
    };
    const onExecute = policies.plugin.onExecute as (payload: unknown) => unknown;
    const execute = () => {
      const hooks = onExecute({ args, setResultAndStopExecution: () => assert.fail('stopped') });
      assert.equal(hooks, undefined);
    };
    execute(); // warm: anything made once per document is not per operation
    assert.equal(mapsMadeBy(execute), 0);
  });
});

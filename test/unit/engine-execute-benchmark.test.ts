/**
 * The plan executor on the federation gateways benchmark: the TestQuery plan (root fetches in
 * parallel, Flatten and BatchFetch nodes with several aliases and several paths each, nested
 * lists) run against the four benchmark subgraphs in process; the tree holds the expected
 * response, and an error of a batch alias reaches each location of its representation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueryPlan } from '@graphql-hive/router-query-planner';
import type { ExecutionRequest, ExecutionResult } from '@graphql-tools/utils';
import { buildSchema, execute, type GraphQLSchema } from 'graphql';
import { gatewayError } from '../../core/errors.ts';
import type { PlanFetch } from '../../gateway/engine/contract.ts';
import { executePlan } from '../../gateway/engine/execute/index.ts';
import { loadQueryPlanner } from '../../gateway/engine/planner.ts';
import { readFixture } from '../../subgraphs/bench/data.ts';
import { type BenchSubgraphName, benchSubgraphSchema } from '../../subgraphs/bench/schemas.ts';

function benchmark() {
  const load = loadQueryPlanner();
  if (!load.ok) throw new Error(load.problem);
  const planner = new load.QueryPlanner(readFixture('supergraph.graphql'));
  const plan: QueryPlan = planner.plan(readFixture('query.graphql'), 'TestQuery', new Set(), 0);
  const schemas = new Map<string, GraphQLSchema>();
  const calls: string[] = [];
  const fetch: PlanFetch = async (serviceName: string, request: ExecutionRequest) => {
    calls.push(serviceName);
    let schema = schemas.get(serviceName);
    if (schema === undefined) {
      schema = benchSubgraphSchema(serviceName as BenchSubgraphName);
      schemas.set(serviceName, schema);
    }
    return (await execute({
      schema,
      document: request.document,
      variableValues: request.variables,
    })) as ExecutionResult;
  };
  return { plan, schema: buildSchema(planner.consumerSchema), fetch, calls };
}

/** Fails unless every field of `expected` is in `actual` with the same value (the tree has more). */
function assertContains(actual: unknown, expected: unknown, path = 'data'): void {
  if (expected === null || typeof expected !== 'object') {
    assert.equal(actual, expected, path);
    return;
  }
  assert.ok(actual !== null && typeof actual === 'object', `${path} is missing`);
  if (Array.isArray(expected)) assert.equal((actual as unknown[]).length, expected.length, `${path} length`);
  for (const [key, value] of Object.entries(expected)) {
    assertContains((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  }
}

describe('plan executor: the benchmark query', () => {
  it('merges the answers of its seven fetches into the expected response', async () => {
    const { plan, schema, fetch, calls } = benchmark();
    assert.match(JSON.stringify(plan), /"BatchFetch"/);
    const tree = await executePlan({ plan, schema, variables: {}, fetch, context: {} });
    assert.deepEqual(tree.errors, []);
    const expected = JSON.parse(readFixture('expected-response.json')) as { data: unknown };
    assertContains(tree.data, expected.data);
    assert.equal(calls.length, 7);
  });

  it('moves an error of a batch alias to each location of its representation', async () => {
    const { plan, schema, fetch } = benchmark();
    const failing: PlanFetch = async (serviceName, request) => {
      const result = await fetch(serviceName, request);
      if (serviceName !== 'accounts' || request.variables?.__batch_reps_0 === undefined) return result;
      const error = gatewayError('SUBGRAPH_ERROR', 'no name', { serviceName, path: ['_e0', 0, 'name'] });
      return { ...result, errors: [error] };
    };
    const tree = await executePlan({ plan, schema, variables: {}, fetch: failing, context: {} });
    // Every review's author is user 1: one representation, an error at each of its locations.
    assert.ok(tree.errors.length > 1);
    for (const error of tree.errors) {
      assert.equal(error.extensions.code, 'SUBGRAPH_ERROR');
      assert.equal(error.path?.at(-1), 'name');
      assert.equal(error.path?.at(-2), 'author');
    }
    assert.deepEqual(tree.errors[0]!.path, ['topProducts', 0, 'reviews', 0, 'author', 'name']);
  });
});

/**
 * `checkEntityCount` on answers scripted in process: the step reads the request and the result,
 * no socket is involved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionResult } from '@graphql-tools/utils';
import { GraphQLError, parse } from 'graphql';
import { checkEntityCount } from '../../gateway/upstream/index.ts';

const document = parse('query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }');
const request = { document, variables: { r: [{}, {}, {}] } };

const answering = (result: ExecutionResult) =>
  checkEntityCount('reviews')(async () => result) as (r: typeof request) => Promise<ExecutionResult>;

const errorsAt = (result: ExecutionResult) =>
  (result.errors ?? []).map((e) => [e.path, e.extensions?.code ?? null, e.extensions?.serviceName ?? null]);

describe('checkEntityCount', () => {
  it('adds no second error at a position the subgraph already reported', async () => {
    const own = new GraphQLError('boom', { path: ['_entities', 2], extensions: { code: 'DB_DOWN' } });
    const result = await answering({ data: { _entities: [{}, {}] }, errors: [own] })(request);
    assert.deepEqual(errorsAt(result), [[['_entities', 2], 'DB_DOWN', null]]);
  });

  it('adds one error at each missing position not reported', async () => {
    const own = new GraphQLError('boom', { path: ['_entities', 1, 'name'], extensions: { code: 'DB_DOWN' } });
    const result = await answering({ data: { _entities: [{}] }, errors: [own] })({
      document,
      variables: { r: [{}, {}, {}] },
    });
    assert.deepEqual(errorsAt(result), [
      [['_entities', 1, 'name'], 'DB_DOWN', null],
      [['_entities', 2], 'SUBGRAPH_BAD_RESPONSE', 'reviews'],
    ]);
  });

  it('checks every `_entities` field of a batched entity fetch (`_e0`, `_e1`)', async () => {
    const batched = parse(
      'query ($a: [_Any!]!, $b: [_Any!]!) { _e0: _entities(representations: $a) { __typename } _e1: _entities(representations: $b) { __typename } }',
    );
    const check = checkEntityCount('reviews')(async () => ({
      data: { _e0: [{}, {}], _e1: [{}] },
    })) as (r: { document: typeof batched; variables: Record<string, unknown> }) => Promise<ExecutionResult>;
    const result = await check({ document: batched, variables: { a: [{}, {}], b: [{}, {}, {}] } });
    assert.deepEqual(errorsAt(result), [
      [['_e1', 1], 'SUBGRAPH_BAD_RESPONSE', 'reviews'],
      [['_e1', 2], 'SUBGRAPH_BAD_RESPONSE', 'reviews'],
    ]);
  });
});
